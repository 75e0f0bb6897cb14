"""Demo price caps: a rate card from 1 April 2026 for every region (rates/data/demo_caps.csv), with
the two years before it for the West Midlands and London (so the demo's eight quarters of placements
have caps in force), an upcoming West Midlands card from 1 April 2027 (+3%) and one West Midlands
exemption, all made through the real services. Running it again adds nothing."""

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
    uplift_rate,
)
from riia.models import LocalAuthority, Region, User

CARD_DATE = date(2026, 4, 1)
# Earlier years' cards for the demo regions: (from, percent below the 2026-27 caps).
HISTORY = [(date(2024, 4, 1), Decimal("5.5")), (date(2025, 4, 1), Decimal("3"))]
HISTORY_REGIONS = ["west-midlands", "london"]
UPCOMING_DATE = date(2027, 4, 1)
UPCOMING_UPLIFT = Decimal("3")


def _programme_manager(region: Region) -> User:
    from riia.demo import DEMO_DOMAIN

    return User.objects.get(email=f"pm.{region.slug}@{DEMO_DOMAIN}")


def _published(region: Region, on: date) -> bool:
    return RateCard.objects.filter(region=region, status=RateCard.Status.PUBLISHED, effective_from=on).exists()


def demo_cap_rates() -> dict[str, dict[RoleGrade, Decimal]]:
    """The demo caps (rates/data/demo_caps.csv): region slug -> {grade: hourly cap}."""
    grades = {g.code: g for g in RoleGrade.objects.all()}
    rows: dict[str, dict[RoleGrade, Decimal]] = defaultdict(dict)
    with (DATA_DIR / "demo_caps.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["role_grade_code"] in grades:
                rows[row["region_slug"]][grades[row["role_grade_code"]]] = Decimal(row["hourly_rate"])
    return rows


def demo_rate_card_publish(
    *, region: Region, actor: User, rates: dict[RoleGrade, Decimal], effective_from: date, notes: str
) -> RateCard:
    """A rate card with these caps, drafted and published (without notifying anyone) by ``actor``."""
    card = rate_card_draft_create(region=region, actor=actor, from_current=False, notes=notes)
    rate_card_lines_set(rate_card=card, actor=actor, rates=rates)
    return rate_card_publish(rate_card=card, actor=actor, effective_from=effective_from, notify=False)


def _history(region: Region, rates: dict[RoleGrade, Decimal], pm: User) -> int:
    """Earlier years' cards, only for a region with no card yet (a cap period cannot be backdated)."""
    if region.slug not in HISTORY_REGIONS or RateCard.objects.filter(region=region).exists():
        return 0
    for effective_from, percent_below in HISTORY:
        earlier = {grade: uplift_rate(hourly_rate=rate, percent=-percent_below) for grade, rate in rates.items()}
        notes = f"Demo: {effective_from.year}-{(effective_from.year + 1) % 100} caps"
        demo_rate_card_publish(region=region, actor=pm, rates=earlier, effective_from=effective_from, notes=notes)
    return len(HISTORY)


def load() -> list[str]:
    rows = demo_cap_rates()
    grades = {g.code: g for g in RoleGrade.objects.all()}
    published = history = 0
    for region in Region.objects.filter(slug__in=rows):
        if _published(region, CARD_DATE):
            continue
        pm = _programme_manager(region)
        history += _history(region, rows[region.slug], pm)
        demo_rate_card_publish(
            region=region, actor=pm, rates=rows[region.slug], effective_from=CARD_DATE, notes="Demo: 2026-27 caps"
        )
        published += 1

    lines = [f"Price caps: {published} rate cards from {CARD_DATE:%-d %B %Y} published."]
    if history:
        lines.append(f"Price caps: {history} earlier rate cards (from {HISTORY[0][0]:%-d %B %Y}) published.")
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
