"""Every write of governance meetings: meetings, attendees, minutes and their approval, actions and
the once-only overdue reminder."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting, MeetingAction, MeetingAttendee
from governance.rules import can_complete_action, can_create_meeting, can_run_meeting, is_meeting_chair
from riia.errors import DomainError
from riia.models import LocalAuthority, NotificationKind, Region, Role, SubRegionalGroup, User
from riia.rules import is_programme_manager_of, is_sub_regional_lead_of
from riia.selectors import people_holding, people_with_la_role
from riia.services import audit_record, notification_send, required_text

Scope = Meeting.Scope


def _url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("region", "group").get(pk=meeting.pk)


def _require_runner(actor: User, meeting: Meeting) -> None:
    if not can_run_meeting(actor, meeting):
        raise DomainError("Only the chair of this meeting or the region's programme manager can change it.")


def _require_open_minutes(meeting: Meeting) -> None:
    if meeting.minutes_approved:
        raise DomainError("The minutes of this meeting are approved, so it cannot be changed.")


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    region: Region,
    scope: str,
    title: str,
    held_on: date,
    agenda: str = "",
    group: SubRegionalGroup | None = None,
) -> Meeting:
    """The person who creates the meeting chairs it."""
    if not can_create_meeting(actor, region):
        raise DomainError(f"Only the programme manager or a sub-regional lead of {region} can add a meeting.")
    if scope not in Scope.values:
        raise DomainError("Select who the meeting is for", field="scope")
    title = required_text(title, message="Enter a title for the meeting", field="title")
    if scope == Scope.SUB_REGIONAL:
        if group is None or group.region_id != region.pk:
            raise DomainError("Select the sub-regional group", field="group")
        if not (is_programme_manager_of(actor, region) or is_sub_regional_lead_of(actor, group)):
            raise DomainError(f"Only the lead of {group} or the programme manager can add its meetings.", field="group")
    else:
        if not is_programme_manager_of(actor, region):
            raise DomainError("Only the programme manager can add a meeting of the whole region.", field="scope")
        group = None
    meeting = Meeting.objects.create(
        region=region, scope=scope, group=group, title=title, held_on=held_on, agenda=agenda.strip(), chair=actor
    )
    audit_record(
        actor=actor,
        action="meeting.created",
        obj=meeting,
        after={"scope": scope, "group": str(group or ""), "held_on": held_on},
    )
    return meeting


@transaction.atomic
def meeting_attendee_add(
    *,
    actor: User,
    meeting: Meeting,
    name: str,
    organisation: str,
    local_authority: LocalAuthority | None = None,
    person: User | None = None,
) -> MeetingAttendee:
    meeting = _locked(meeting)
    _require_runner(actor, meeting)
    name = required_text(
        name or (person.full_name if person else ""), message="Enter the attendee's name", field="name"
    )
    organisation = required_text(
        organisation or (str(local_authority) if local_authority else ""),
        message="Enter the organisation the attendee represents",
        field="organisation",
    )
    if local_authority is not None and local_authority.region_id != meeting.region_id:
        raise DomainError(f"Select an LA of {meeting.region}", field="local_authority")
    attendee = MeetingAttendee.objects.create(
        meeting=meeting, person=person, name=name, organisation=organisation, local_authority=local_authority
    )
    audit_record(
        actor=actor, action="meeting.attendee_added", obj=meeting, after={"name": name, "organisation": organisation}
    )
    return attendee


@transaction.atomic
def meeting_minutes_record(
    *, actor: User, meeting: Meeting, minutes: str, decisions: str = "", agenda: str | None = None
) -> Meeting:
    meeting = _locked(meeting)
    _require_runner(actor, meeting)
    _require_open_minutes(meeting)
    meeting.minutes = required_text(minutes, message="Enter the minutes", field="minutes")
    meeting.decisions = decisions.strip()
    if agenda is not None:
        meeting.agenda = agenda.strip()
    meeting.save(update_fields=["minutes", "decisions", "agenda"])
    audit_record(actor=actor, action="meeting.minutes_recorded", obj=meeting, after={"decisions": meeting.decisions})
    return meeting


def _other_groups_audience(meeting: Meeting):
    """Everyone of the region's other groups (their LAs' people and their leads) and the region's staff:
    the minutes of one group are shared with every other group, in one regional message."""
    other_las = LocalAuthority.objects.filter(region=meeting.region).exclude(group=meeting.group)
    return [
        *people_holding(roles=Role.la_roles(), local_authority__in=other_las),
        *people_holding(roles=Role.region_roles(), region=meeting.region),
    ]


@transaction.atomic
def meeting_minutes_approve(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    if not is_meeting_chair(actor, meeting):
        raise DomainError("Only the chair of this meeting can approve its minutes.")
    _require_open_minutes(meeting)
    if not meeting.minutes.strip():
        raise DomainError("Record the minutes before you approve them.")
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_approved_at"])
    audit_record(
        actor=actor, action="meeting.minutes_approved", obj=meeting, after={"approved_at": meeting.minutes_approved_at}
    )
    if meeting.scope == Scope.SUB_REGIONAL:
        notification_send(
            recipients=_other_groups_audience(meeting),
            subject=f"Minutes approved: {meeting.group} – {meeting.title}",
            kind=NotificationKind.REGION,
            body=f"The approved minutes of {meeting.group}'s meeting on {meeting.held_on:%d %B %Y} are shared "
            f"with every group in {meeting.region}.",
            url=_url(meeting),
        )
    return meeting


@transaction.atomic
def meeting_action_add(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    due_on: date,
    owner: User | None = None,
    owner_la: LocalAuthority | None = None,
) -> MeetingAction:
    meeting = _locked(meeting)
    _require_runner(actor, meeting)
    description = required_text(description, message="Enter the action", field="description")
    if (owner is None) == (owner_la is None):
        raise DomainError("Select who owns the action: a person or an LA", field="owner")
    if owner_la is not None and owner_la.region_id != meeting.region_id:
        raise DomainError(f"Select an LA of {meeting.region}", field="owner_la")
    action = MeetingAction.objects.create(
        meeting=meeting, description=description, due_on=due_on, owner=owner, owner_la=owner_la
    )
    audit_record(
        actor=actor,
        action="meeting.action_added",
        obj=meeting,
        after={"action": description, "owner": action.owner_label, "due_on": due_on},
    )
    notification_send(
        recipients=_owners(action),
        subject=f"Action for you from {meeting.title}",
        kind=NotificationKind.ACTION,
        body=f"{description}\n\nDue {due_on:%d %B %Y}.",
        url=_url(meeting),
    )
    return action


def _owners(action: MeetingAction) -> list[User]:
    if action.owner_id:
        return [action.owner]
    return list(people_with_la_role(local_authority=action.owner_la, roles=[Role.WORKFORCE_LEAD, Role.DCS]))


@transaction.atomic
def meeting_action_complete(*, actor: User, action: MeetingAction) -> MeetingAction:
    action = MeetingAction.objects.select_for_update(of=("self",)).select_related("meeting__region").get(pk=action.pk)
    if not can_complete_action(actor, action):
        raise DomainError("Only the action's owner or the meeting's chair can mark it done.")
    if action.status == MeetingAction.Status.DONE:
        raise DomainError("This action is already done.")
    action.status = MeetingAction.Status.DONE
    action.completed_at = timezone.now()
    action.save(update_fields=["status", "completed_at"])
    audit_record(
        actor=actor, action="meeting.action_completed", obj=action.meeting, after={"action": action.description}
    )
    return action


def meeting_actions_remind_overdue(*, today: date | None = None) -> int:
    """Beat: remind each overdue open action's owner once. Safe to run twice (``reminded_at`` is set)."""
    today = today or timezone.localdate()
    ids = list(
        MeetingAction.objects.filter(
            status=MeetingAction.Status.OPEN, due_on__lt=today, reminded_at__isnull=True
        ).values_list("pk", flat=True)[:1000]
    )
    sent = 0
    for pk in ids:
        sent += _remind_one(pk, today)
    return sent


@transaction.atomic
def _remind_one(pk: int, today: date) -> int:
    action = (
        MeetingAction.objects.select_for_update(of=("self",))
        .select_related("meeting", "owner", "owner_la")
        .filter(Q(pk=pk), status=MeetingAction.Status.OPEN, reminded_at__isnull=True)
        .first()
    )
    if action is None:
        return 0
    action.reminded_at = timezone.now()
    action.save(update_fields=["reminded_at"])
    notification_send(
        recipients=_owners(action),
        subject=f"Overdue action from {action.meeting.title}",
        kind=NotificationKind.ACTION,
        body=f"{action.description}\n\nIt was due on {action.due_on:%d %B %Y}.",
        url=_url(action.meeting),
    )
    audit_record(actor=None, action="meeting.action_reminded", obj=action.meeting, after={"action": action.description})
    return 1
