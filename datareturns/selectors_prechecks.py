"""Scoped reads for the pre-offer check: whom a person checks for, and the check counts a
programme manager sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from datareturns.models import CheckTally
from datareturns.rules import msps_uploading_for
from datareturns.selectors import placement_upload_las_for
from datareturns.services import UploadSource
from rates.models import RoleGrade
from riia.models import MSP, LocalAuthority, Role
from riia.rules import current_memberships

TALLY_DAYS = 90


@dataclass(frozen=True)
class CheckScope:
    """Who checks on the page: an MSP's uploader checks as the MSP (for the LAs it serves); an LA's
    workforce lead as their LA. The same senders, for the same LAs, as an upload by them."""

    msp: MSP | None
    local_authorities: list[LocalAuthority]

    def source(self, *, local_authority: LocalAuthority, user) -> UploadSource:
        """The sender a check of a placement with ``local_authority`` is made as."""
        if self.msp is not None:
            return UploadSource(msp=self.msp, user=user)
        return UploadSource(local_authority=local_authority, user=user)


def check_scope_for(*, user) -> CheckScope | None:
    """None when the person may not check (the rules of sending placements: datareturns/rules.py)."""
    msps = msps_uploading_for(user)
    if msps:
        las = list(msps[0].local_authorities.select_related("region").order_by("name"))
        return CheckScope(msp=msps[0], local_authorities=las) if las else None
    las = placement_upload_las_for(user=user)
    return CheckScope(msp=None, local_authorities=las) if las else None


def check_role_grades_for(*, local_authorities: list[LocalAuthority]) -> QuerySet[RoleGrade]:
    """National grades and the local grades of these LAs' regions."""
    regions = {la.region_id for la in local_authorities}
    return RoleGrade.objects.filter(Q(region__isnull=True) | Q(region__in=regions)).order_by("name")


def check_tallies_visible_to(*, user, days: int = TALLY_DAYS) -> QuerySet[CheckTally]:
    """The last ``days`` days' check counts of the MSPs serving a programme manager's regions and of
    those regions' LAs; nothing for anyone else."""
    regions = [m.region_id for m in current_memberships(user) if m.role == Role.PROGRAMME_MANAGER]
    if not regions:
        return CheckTally.objects.none()
    msps = MSP.objects.filter(local_authorities__region_id__in=regions).values("pk")
    las = LocalAuthority.objects.filter(region_id__in=regions).values("pk")
    since = timezone.localdate() - timedelta(days=days - 1)
    return (
        CheckTally.objects.filter(Q(msp__in=msps) | Q(local_authority__in=las), day__gte=since)
        .select_related("msp", "local_authority", "api_key", "user")
        .order_by("-day", "sender", "pk")
    )
