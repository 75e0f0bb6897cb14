"""Scoped reads of meetings, actions and the region contact directory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from breaches.selectors.register import _cell as csv_cell  # the register's formula-neutralising cell
from governance.models import Meeting, MeetingAction
from governance.rules import can_view_meeting, can_view_region_governance
from riia.models import MSP, LocalAuthority, Membership, Region, Role, User
from riia.rules import las_where, member_region_ids, regions_where


def meetings_visible_to(*, user: User, region: Region) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(region=region).select_related("group", "chair")
    if can_view_region_governance(user, region):
        return qs
    if region.pk in member_region_ids(user):
        return qs.filter(scope=Meeting.Scope.WITH_MSPS)
    return qs.none()


def meeting_get(*, user: User, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("region", "group", "chair")
        .prefetch_related("attendees", "actions__owner", "actions__owner_la")
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not can_view_meeting(user, meeting):
        raise Http404("No such meeting")
    return meeting


def actions_open_for(*, user: User) -> QuerySet[MeetingAction]:
    """Open actions the person owns, or their LA owns (for its workforce lead and DCS)."""
    if not user.is_authenticated:
        return MeetingAction.objects.none()
    las = las_where(user, [Role.WORKFORCE_LEAD, Role.DCS])
    return (
        MeetingAction.objects.filter(Q(owner=user) | Q(owner_la__in=las), status=MeetingAction.Status.OPEN)
        .select_related("meeting", "owner_la")
        .order_by("due_on")
    )


def next_meetings(*, region: Region, user: User) -> QuerySet[Meeting]:
    return meetings_visible_to(user=user, region=region).filter(held_on__gte=timezone.localdate()).order_by("held_on")


# --- The region contact directory ------------------------------------------------------------

DIRECTORY_ROLES = [Role.DCS, Role.CHIEF_EXECUTIVE, Role.WORKFORCE_LEAD]


@dataclass
class DirectoryEntry:
    organisation: str
    kind: str  # "Local authority" or "MSP"
    contacts: list[tuple[str, str, str]] = field(default_factory=list)  # (role, name, email)


def region_directory(*, region: Region) -> list[DirectoryEntry]:
    """For each LA, who holds DCS, chief executive and workforce lead, and who represented it at the
    region's governance meetings; for each MSP serving the region, its people."""
    las = list(LocalAuthority.objects.filter(region=region).order_by("name"))
    memberships = (
        Membership.objects.current()
        .filter(local_authority__in=las, role__in=DIRECTORY_ROLES)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    by_la: dict[int, list[tuple[str, str, str]]] = {la.pk: [] for la in las}
    for m in memberships:
        by_la[m.local_authority_id].append((m.get_role_display(), m.user.full_name, m.user.email))
    representatives = (
        Meeting.objects.filter(region=region, attendees__local_authority__in=las)
        .values_list("attendees__local_authority", "attendees__name")
        .distinct()
        .order_by("attendees__name")
    )
    for la_id, name in representatives:
        by_la[la_id].append(("Represents it at governance meetings", name, ""))
    entries = [DirectoryEntry(la.name, "Local authority", by_la[la.pk]) for la in las]
    msps = MSP.objects.filter(local_authorities__region=region).distinct().order_by("name")
    msp_people = (
        Membership.objects.current().filter(msp__in=msps).select_related("user", "msp").order_by("user__full_name")
    )
    by_msp: dict[int, list[tuple[str, str, str]]] = {msp.pk: [] for msp in msps}
    for m in msp_people:
        by_msp[m.msp_id].append((m.get_role_display(), m.user.full_name, m.user.email))
    entries += [DirectoryEntry(msp.name, "MSP", by_msp[msp.pk]) for msp in msps]
    return entries


DIRECTORY_CSV_HEADER = ["Organisation", "Kind", "Role", "Name", "Email"]


def region_directory_rows(entries: list[DirectoryEntry]) -> Iterator[list[str]]:
    yield DIRECTORY_CSV_HEADER
    for entry in entries:
        for role, name, email in entry.contacts or [("", "", "")]:
            yield [csv_cell(v) for v in (entry.organisation, entry.kind, role, name, email)]


def regions_for_meetings(*, user: User) -> list[Region]:
    return regions_where(user, [Role.PROGRAMME_MANAGER, Role.SUB_REGIONAL_LEAD])
