"""Scoped reads of price caps, rate cards and exemptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rates.lookup import cap_table_load
from rates.models import EXEMPTION_WARNING_DAYS, Exemption, PriceCap, RateCard, RoleGrade
from riia.models import LocalAuthority, Region, Role, User
from riia.rules import las_where, regions_where

VIEW = "rates.view_ratecard"
MANAGE = "rates.manage_ratecard"
MANAGE_EXEMPTION = "rates.manage_exemption"


def rate_card_get(*, user: User, pk: int, perm: str = MANAGE) -> RateCard:
    rate_card = get_object_or_404(RateCard.objects.select_related("region", "created_by"), pk=pk)
    if not user.has_perm(perm, rate_card.region):
        raise PermissionDenied("Only the region's programme manager can see draft rate cards.")
    return rate_card


def rate_card_draft_get(*, user: User, pk: int) -> RateCard:
    rate_card = rate_card_get(user=user, pk=pk)
    if rate_card.status != RateCard.Status.DRAFT:
        raise PermissionDenied("This rate card has been published and can no longer be changed.")
    return rate_card


def rate_card_drafts(*, user: User, region: Region) -> QuerySet[RateCard]:
    if not user.has_perm(MANAGE, region):
        return RateCard.objects.none()
    return RateCard.objects.filter(region=region, status=RateCard.Status.DRAFT).select_related("created_by")


def _caps(region: Region) -> QuerySet[PriceCap]:
    return PriceCap.objects.filter(region=region).select_related("role_grade", "rate_card")


@dataclass(frozen=True)
class RegionCaps:
    current: list[PriceCap]
    upcoming: list[PriceCap]
    history: list[PriceCap]


def region_caps(*, region: Region, on: date | None = None) -> RegionCaps:
    """The region's caps split into those in force on ``on`` (default today), those starting later
    and those that have ended, each by role."""
    on = on or timezone.localdate()
    caps = list(_caps(region).order_by("role_grade__display_order", "role_grade__name", "effective_from"))
    return RegionCaps(
        current=[c for c in caps if c.effective_from <= on and (c.effective_to is None or c.effective_to >= on)],
        upcoming=[c for c in caps if c.effective_from > on],
        history=sorted(
            (c for c in caps if c.effective_to is not None and c.effective_to < on),
            key=lambda c: c.effective_from,
            reverse=True,
        ),
    )


@dataclass(frozen=True)
class CapChange:
    """The caps one published rate card brings in from one date, with the notes typed for it."""

    effective_from: date
    notes: str
    caps: list[PriceCap]


def caps_by_effective_date(*, caps: list[PriceCap]) -> list[CapChange]:
    """Caps grouped by the date they take effect (and the rate card that set them), earliest first."""
    groups: dict[tuple[date, int | None], list[PriceCap]] = {}
    for cap in sorted(caps, key=lambda c: c.effective_from):
        groups.setdefault((cap.effective_from, cap.rate_card_id), []).append(cap)
    return [
        CapChange(effective_from=start, notes=group[0].rate_card.notes if group[0].rate_card else "", caps=group)
        for (start, _), group in groups.items()
    ]


def latest_caps_by_grade(*, region: Region) -> dict[int, PriceCap]:
    """Each role's latest published cap: the one a new rate card follows, and what its rates are
    compared with on both the uplift preview and the check page (so "now" means the same on both)."""
    latest: dict[int, PriceCap] = {}
    for cap in _caps(region).order_by("effective_from"):
        latest[cap.role_grade_id] = cap
    return latest


def publish_date_example(*, region: Region) -> date:
    """A date a new rate card could take effect from: the next 1 April after both today and the start
    of the latest published caps (so the hint's own example is accepted)."""
    latest = max((c.effective_from for c in latest_caps_by_grade(region=region).values()), default=None)
    after = max(timezone.localdate(), latest or timezone.localdate())
    april = date(after.year, 4, 1)
    return april if april > after else date(after.year + 1, 4, 1)


def caps_on(*, region: Region, on: date) -> list[tuple[RoleGrade, PriceCap]]:
    """Every grade of the region with the cap in force on ``on``, found by the one cap lookup (a
    local grade without a cap of its own gets its core type's cap, whose ``role_grade`` says so)."""
    table = cap_table_load(region=region, start=on, end=on)
    rows = []
    for grade in region_role_grades(region=region):
        cap = table.price_cap_on(role_grade_id=grade.pk, on=on)
        if cap is not None:
            rows.append((grade, cap))
    return rows


def exemptions_for_region(*, user: User, region: Region) -> QuerySet[Exemption]:
    if not user.has_perm(VIEW, region):
        return Exemption.objects.none()
    return Exemption.objects.filter(local_authority__region=region).select_related("local_authority", "role_grade")


def exemption_get(*, user: User, pk: int) -> Exemption:
    exemption = get_object_or_404(Exemption.objects.select_related("local_authority__region", "role_grade"), pk=pk)
    if not user.has_perm(MANAGE_EXEMPTION, exemption.local_authority.region):
        raise PermissionDenied("Only the region's programme manager can change exemptions.")
    return exemption


def region_local_authorities(*, region: Region) -> QuerySet[LocalAuthority]:
    return region.local_authorities.order_by("name")


def region_role_grades(*, region: Region) -> QuerySet[RoleGrade]:
    """The national grades and the region's own local grades, in display order. Every page, service
    and cap lookup that asks which grades a region uses asks this."""
    return RoleGrade.objects.filter(Q(region__isnull=True) | Q(region=region))


def exemptions_ending_soon(*, user: User, today: date | None = None) -> QuerySet[Exemption]:
    """Active exemptions ending within 14 days that the person is told about: every exemption in a
    region they run as programme manager, and their own LA's."""
    today = today or timezone.localdate()
    pm_regions = regions_where(user, [Role.PROGRAMME_MANAGER])
    las = las_where(user)
    if not pm_regions and not las:
        return Exemption.objects.none()
    return (
        Exemption.objects.filter(
            Q(local_authority__region__in=pm_regions) | Q(local_authority__in=las),
            status=Exemption.Status.ACTIVE,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=EXEMPTION_WARNING_DAYS),
        )
        .select_related("local_authority__region", "role_grade")
        .order_by("ends_on")
    )


def rate_card_drafts_for(*, user: User) -> QuerySet[RateCard]:
    """Draft rate cards in every region where the person is programme manager."""
    pm_regions = regions_where(user, [Role.PROGRAMME_MANAGER])
    return RateCard.objects.filter(region__in=pm_regions, status=RateCard.Status.DRAFT).select_related("region")
