"""The one cap lookup used by everything: breach requests, MSP uploads and the pages.

``cap_lookup`` answers one question; ``cap_table_load`` loads a region's caps and live exemptions
once and answers many (for checking thousands of uploaded rows without a query per row).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q

from rates.models import EngagementType, Exemption, PriceCap, RoleGrade
from riia.models import LocalAuthority, Region

PENNY = Decimal("0.01")


def paye_equivalent(hourly_rate: Decimal) -> Decimal:
    """The PAYE cap for a limited-company/umbrella cap: the same money with holiday pay, employer NI
    and the apprenticeship levy taken out (rates in ``settings.RATES_PAYE_ONCOSTS``), to the penny."""
    oncosts = settings.RATES_PAYE_ONCOSTS
    factor = (1 + oncosts["holiday_pay"]) * (1 + oncosts["employer_ni"] + oncosts["apprenticeship_levy"])
    return (hourly_rate / factor).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CapAnswer:
    """The cap in force for a role on a date, and what a given LA may pay (a live exemption may
    raise it)."""

    role_grade_id: int
    engagement_type: str
    cap: Decimal
    price_cap_id: int
    cap_effective_from: date
    cap_effective_to: date | None
    exemption_id: int | None = None
    exemption_rate: Decimal | None = None

    @property
    def allowed_rate(self) -> Decimal:
        if self.exemption_rate is not None and self.exemption_rate > self.cap:
            return self.exemption_rate
        return self.cap

    def over_by(self, rate: Decimal) -> Decimal:
        """How far ``rate`` is above the allowed rate (zero when within it)."""
        return max(rate - self.allowed_rate, Decimal("0.00"))

    def over_by_percent(self, rate: Decimal) -> Decimal:
        return (self.over_by(rate) * 100 / self.allowed_rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class CapTable:
    """A region's caps (and its LAs' exemptions) held in memory for many lookups."""

    def __init__(self, caps: Iterable[PriceCap], exemptions: Iterable[Exemption], grades: Iterable[RoleGrade]):
        self._caps: dict[int, list[PriceCap]] = defaultdict(list)
        for cap in sorted(caps, key=lambda c: c.effective_from):
            self._caps[cap.role_grade_id].append(cap)
        self._starts = {grade_id: [c.effective_from for c in caps] for grade_id, caps in self._caps.items()}
        self._exemptions: dict[tuple[int, int], list[Exemption]] = defaultdict(list)
        for exemption in exemptions:
            self._exemptions[(exemption.local_authority_id, exemption.role_grade_id)].append(exemption)
        grades = list(grades)
        # Role grade codes usable in this region (national grades and the region's local ones), for
        # turning an uploaded row's code into an id without a query.
        self.grade_ids_by_code: dict[str, int] = {g.code: g.pk for g in grades}
        # A local grade without its own cap is judged against its core type's national grade.
        national = {g.core_type: g.pk for g in grades if g.region_id is None}
        self._fallback = {g.pk: national.get(g.core_type) for g in grades if g.region_id is not None}
        # Answers are immutable and few (caps x engagement types x exemptions): built once each, so
        # checking 100,000 uploaded rows does not build 100,000 of them.
        self._answers: dict[tuple, CapAnswer] = {}

    def _cap_on(self, grade_id: int, on: date) -> PriceCap | None:
        caps = self._caps.get(grade_id)
        if not caps:
            return None
        index = bisect_right(self._starts[grade_id], on) - 1
        if index < 0:
            return None
        cap = caps[index]
        return cap if cap.effective_to is None or on <= cap.effective_to else None

    def price_cap_on(self, *, role_grade_id: int, on: date) -> PriceCap | None:
        """The PriceCap in force for the grade on ``on`` (its core type's, for a local grade without
        a cap of its own)."""
        cap = self._cap_on(role_grade_id, on)
        if cap is None and role_grade_id in self._fallback:
            cap = self._cap_on(self._fallback[role_grade_id], on)
        return cap

    def lookup(
        self, *, role_grade_id: int, on: date, engagement_type: str, local_authority_id: int | None = None
    ) -> CapAnswer | None:
        cap = self.price_cap_on(role_grade_id=role_grade_id, on=on)
        if cap is None:
            return None
        exemption = None
        if local_authority_id is not None:
            for candidate in self._exemptions.get((local_authority_id, role_grade_id), ()):
                if candidate.starts_on <= on <= candidate.ends_on:
                    exemption = candidate
                    break
        key = (role_grade_id, cap.pk, engagement_type, exemption.pk if exemption else None)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = CapAnswer(
                role_grade_id=role_grade_id,
                engagement_type=engagement_type,
                cap=cap.rate_for(engagement_type),
                price_cap_id=cap.pk,
                cap_effective_from=cap.effective_from,
                cap_effective_to=cap.effective_to,
                exemption_id=exemption.pk if exemption else None,
                exemption_rate=exemption.rate_for(engagement_type) if exemption else None,
            )
        return answer


def cap_table_load(*, region: Region, start: date | None = None, end: date | None = None) -> CapTable:
    """Load a region's caps, its local grades and its LAs' live exemptions (optionally only those
    touching ``start``..``end``) in three queries."""
    caps = PriceCap.objects.filter(region=region)
    exemptions = Exemption.objects.filter(local_authority__region=region).exclude(status=Exemption.Status.REVOKED)
    if start is not None:
        caps = caps.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
        exemptions = exemptions.filter(ends_on__gte=start)
    if end is not None:
        caps = caps.filter(effective_from__lte=end)
        exemptions = exemptions.filter(starts_on__lte=end)
    from rates.selectors import region_role_grades  # rates.selectors reads caps through this module

    return CapTable(caps, exemptions, region_role_grades(region=region))


def cap_lookup(
    *,
    region: Region,
    role_grade: RoleGrade,
    on: date,
    engagement_type: str = EngagementType.LIMITED_COMPANY,
    local_authority: LocalAuthority | None = None,
) -> CapAnswer | None:
    """The cap for (region, role, date, engagement type) and, given an LA, what it may pay taking a
    live exemption into account. None when the region has no cap for that role on that date."""
    table = cap_table_load(region=region, start=on, end=on)
    return table.lookup(
        role_grade_id=role_grade.pk,
        on=on,
        engagement_type=engagement_type,
        local_authority_id=local_authority.pk if local_authority else None,
    )
