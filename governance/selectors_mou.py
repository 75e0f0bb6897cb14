"""The MOU register and the induction page for a newly appointed DCS, read for one person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from breaches.models import BreachRequestStatus
from breaches.selectors.register import quarter_of
from breaches.selectors.requests import breach_requests_visible_to
from datareturns.benchmarks_selectors import benchmark_results
from datareturns.selectors_returns import previous_quarter
from governance.models import MeetingAction, MouVersion
from governance.selectors_meetings import next_meetings
from riia.models import LocalAuthority, Region, User


@dataclass
class MouRegister:
    region: Region
    versions: list[MouVersion]
    current: MouVersion | None
    not_signed: list[LocalAuthority] = field(default_factory=list)


def mou_register(*, region: Region) -> MouRegister:
    versions = list(
        MouVersion.objects.filter(region=region).prefetch_related("signatures__local_authority").order_by("-number")
    )
    current = versions[0] if versions else None
    las = list(LocalAuthority.objects.filter(region=region).order_by("name"))
    signed = {s.local_authority_id for s in current.signatures.all()} if current else set()
    return MouRegister(
        region=region, versions=versions, current=current, not_signed=[la for la in las if la.pk not in signed]
    )


def mou_version_get(*, region: Region, pk: int) -> MouVersion:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(MouVersion, region=region, pk=pk)


def _all_roles_row(user: User, scope: str, quarter: str) -> dict[str, Any] | None:
    try:
        _at, results = benchmark_results(user=user, scope=scope, quarter=quarter, role="all")
    except PermissionError:
        return None
    return results[0] if results else None


@dataclass
class Induction:
    la: LocalAuthority
    quarter: str
    la_figures: dict[str, Any] | None
    region_figures: dict[str, Any] | None
    mou: MouRegister
    open_requests: list
    open_actions: list
    next_meetings: list


def induction_for(*, user: User, la: LocalAuthority) -> Induction:
    """Everything a newly appointed DCS needs about the MOU, for their LA (figures of the last ended
    quarter, through the dashboards' selector)."""
    from django.utils import timezone

    quarter = previous_quarter(quarter_of(timezone.localdate()))
    region = la.region
    return Induction(
        la=la,
        quarter=quarter,
        la_figures=_all_roles_row(user, f"la:{la.new_code}", quarter),
        region_figures=_all_roles_row(user, f"region:{region.slug}", quarter),
        mou=mou_register(region=region),
        open_requests=list(
            breach_requests_visible_to(user=user).filter(local_authority=la, status__in=BreachRequestStatus.open())
        ),
        open_actions=list(MeetingAction.objects.filter(owner_la=la, status=MeetingAction.Status.OPEN)),
        next_meetings=list(next_meetings(region=region, user=user)[:5]),
    )
