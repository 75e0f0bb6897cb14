"""Demo price caps: a rate card from 1 April 2026 for every region (rates/data/demo_caps.csv), an
upcoming West Midlands card from 1 April 2027 (+3%) and one West Midlands exemption, all made
through the real services. Running it again adds nothing."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from rates.models import CoreJobType, Exemption, RateCard, RoleGrade
from rates.services import (
    DATA_DIR,
    exemption_record,
    rate_card_draft_create,
    rate_card_lines_set,
    rate_card_publish,
    rate_card_uplift,
)
from riia.models import LocalAuthority, Region, User

CARD_DATE = date(2026, 4, 1)
UPCOMING_DATE = date(2027, 4, 1)
UPCOMING_UPLIFT = Decimal("3")


def _programme_manager(region: Region) -> User:
    from riia.demo import DEMO_DOMAIN

    return User.objects.get(email=f"pm.{region.slug}@{DEMO_DOMAIN}")


def _published(region: Region, on: date) -> bool:
    return RateCard.objects.filter(region=region, status=RateCard.Status.PUBLISHED, effective_from=on).exists()


def load() -> list[str]:
    grades = {g.code: g for g in RoleGrade.objects.all()}
    rows: dict[str, dict[RoleGrade, Decimal]] = defaultdict(dict)
    with (DATA_DIR / "demo_caps.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["role_grade_code"] in grades:
                rows[row["region_slug"]][grades[row["role_grade_code"]]] = Decimal(row["hourly_rate"])

    published = 0
    for region in Region.objects.filter(slug__in=rows):
        if _published(region, CARD_DATE):
            continue
        pm = _programme_manager(region)
        card = rate_card_draft_create(region=region, actor=pm, from_current=False, notes="Demo: 2026-27 caps")
        rate_card_lines_set(rate_card=card, actor=pm, rates=rows[region.slug])
        rate_card_publish(rate_card=card, actor=pm, effective_from=CARD_DATE, notify=False)
        published += 1

    lines = [f"Price caps: {published} rate cards from {CARD_DATE:%-d %B %Y} published."]
    west_midlands = Region.objects.filter(slug="west-midlands").first()
    if west_midlands is None:
        return lines
    pm = _programme_manager(west_midlands)
    if not _published(west_midlands, UPCOMING_DATE):
        card = rate_card_draft_create(region=west_midlands, actor=pm, notes="Demo: 2027-28, 3% uplift")
        rate_card_uplift(rate_card=card, actor=pm, percent=UPCOMING_UPLIFT)
        rate_card_publish(rate_card=card, actor=pm, effective_from=UPCOMING_DATE, notify=False)
        lines.append(f"Price caps: West Midlands +{UPCOMING_UPLIFT}% from {UPCOMING_DATE:%-d %B %Y} published.")

    stoke = LocalAuthority.objects.filter(slug="stoke-on-trent").first()
    team_manager = grades.get("team-manager")
    if stoke and team_manager and not Exemption.objects.filter(local_authority=stoke).exists():
        today = timezone.localdate()
        exemption_record(
            actor=pm,
            local_authority=stoke,
            role_grade=team_manager,
            hourly_rate=Decimal("45.00"),
            starts_on=today.replace(day=1),
            ends_on=today.replace(day=1) + timedelta(days=180),
            plan="Two permanent team managers are being recruited through the regional campaign; the "
            "exemption ends when they start.",
            agreed_by="West Midlands DCS group (demo)",
        )
        lines.append(f"Price caps: an exemption for Stoke-on-Trent ({CoreJobType.TEAM_MANAGER.label}) recorded.")
    return lines
