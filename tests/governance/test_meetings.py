from datetime import date, timedelta

import pytest
from django.utils import timezone

from governance import services_meetings as services
from governance.models import Meeting, MeetingAction
from riia.errors import DomainError
from riia.models import AuditRecord, Notification, Role
from tests.riia.factories import LocalAuthorityFactory, SubRegionalGroupFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_group_lead(region):
    group = SubRegionalGroupFactory(region=region, name="Birmingham and Solihull")
    la = LocalAuthorityFactory(region=region, group=group, name="Solihull")
    return person_with_role(Role.WORKFORCE_LEAD, la)


@pytest.fixture
def group_meeting(sub_regional_lead, region, group):
    return services.meeting_create(
        actor=sub_regional_lead,
        region=region,
        scope="sub_regional",
        group=group,
        title="Group workforce meeting",
        held_on=date(2026, 4, 14),
        agenda="1. Caps\n2. Breaches",
    )


def test_a_sub_regional_lead_creates_their_groups_meeting_and_chairs_it(group_meeting, sub_regional_lead):
    assert group_meeting.chair == sub_regional_lead and group_meeting.scope == "sub_regional"
    assert AuditRecord.objects.filter(action="meeting.created", object_id=str(group_meeting.pk)).exists()


def test_a_sub_regional_lead_cannot_create_a_whole_region_meeting(sub_regional_lead, region):
    with pytest.raises(DomainError, match="whole region"):
        services.meeting_create(
            actor=sub_regional_lead, region=region, scope="regional", title="All", held_on=date(2026, 4, 1)
        )


@pytest.mark.parametrize("who", ["workforce_lead", "msp_viewer", "foreign_programme_manager"])
def test_others_cannot_create_meetings(who, request, region):
    with pytest.raises(DomainError, match="Only the programme manager or a sub-regional lead"):
        services.meeting_create(
            actor=request.getfixturevalue(who), region=region, scope="regional", title="x", held_on=date(2026, 4, 1)
        )


def test_approved_sub_regional_minutes_are_shared_with_every_other_group_in_one_message(
    group_meeting, sub_regional_lead, workforce_lead, other_group_lead, programme_manager
):
    services.meeting_minutes_record(
        actor=sub_regional_lead, meeting=group_meeting, minutes="Agreed caps.", decisions="Adopt"
    )
    services.meeting_minutes_approve(actor=sub_regional_lead, meeting=group_meeting)

    shared = Notification.objects.filter(subject__startswith="Minutes approved")
    assert set(shared.values_list("recipient", flat=True)) >= {other_group_lead.pk, programme_manager.pk}
    assert not shared.filter(recipient=workforce_lead).exists()  # the group's own LA was at the meeting
    assert len(set(shared.values_list("subject", "body"))) == 1  # one regional message
    with pytest.raises(DomainError, match="approved, so it cannot be changed"):
        services.meeting_minutes_record(actor=sub_regional_lead, meeting=group_meeting, minutes="Changed")


def test_only_the_chair_approves_minutes(group_meeting, sub_regional_lead, programme_manager):
    services.meeting_minutes_record(actor=programme_manager, meeting=group_meeting, minutes="Agreed caps.")
    with pytest.raises(DomainError, match="Only the chair"):
        services.meeting_minutes_approve(actor=programme_manager, meeting=group_meeting)


def test_minutes_cannot_be_approved_empty(group_meeting, sub_regional_lead):
    with pytest.raises(DomainError, match="Record the minutes"):
        services.meeting_minutes_approve(actor=sub_regional_lead, meeting=group_meeting)


def test_action_owned_by_an_la_tells_its_people_and_they_complete_it(
    group_meeting, sub_regional_lead, la, workforce_lead, la_viewer
):
    action = services.meeting_action_add(
        actor=sub_regional_lead,
        meeting=group_meeting,
        description="Send leavers data",
        due_on=date(2026, 5, 1),
        owner_la=la,
    )
    assert Notification.objects.filter(recipient=workforce_lead, subject__startswith="Action for you").exists()
    with pytest.raises(DomainError, match="Only the action's owner"):
        services.meeting_action_complete(actor=la_viewer, action=action)
    services.meeting_action_complete(actor=workforce_lead, action=action)
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at


def test_an_action_needs_exactly_one_owner(group_meeting, sub_regional_lead, la, workforce_lead):
    for owners in ({}, {"owner": workforce_lead, "owner_la": la}):
        with pytest.raises(DomainError, match="Select who owns the action"):
            services.meeting_action_add(
                actor=sub_regional_lead, meeting=group_meeting, description="x", due_on=date(2026, 5, 1), **owners
            )


def test_overdue_actions_are_reminded_once(group_meeting, sub_regional_lead, dcs):
    today = timezone.localdate()
    overdue = services.meeting_action_add(
        actor=sub_regional_lead,
        meeting=group_meeting,
        description="Overdue",
        due_on=today - timedelta(days=1),
        owner=dcs,
    )
    services.meeting_action_add(
        actor=sub_regional_lead, meeting=group_meeting, description="Not yet", due_on=today, owner=dcs
    )
    assert services.meeting_actions_remind_overdue() == 1
    assert services.meeting_actions_remind_overdue() == 0
    reminders = Notification.objects.filter(recipient=dcs, subject__startswith="Overdue action")
    assert reminders.count() == 1
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None


def test_done_actions_are_not_reminded(group_meeting, sub_regional_lead, dcs):
    action = services.meeting_action_add(
        actor=sub_regional_lead, meeting=group_meeting, description="Done", due_on=date(2020, 1, 1), owner=dcs
    )
    services.meeting_action_complete(actor=dcs, action=action)
    assert services.meeting_actions_remind_overdue() == 0


def test_the_beat_task_reminds(group_meeting, sub_regional_lead, dcs):
    from governance.tasks import meeting_actions_remind_overdue_task

    services.meeting_action_add(
        actor=sub_regional_lead, meeting=group_meeting, description="Late", due_on=date(2020, 1, 1), owner=dcs
    )
    assert meeting_actions_remind_overdue_task.delay().get() == 1


def test_the_database_refuses_an_action_with_two_owners(group_meeting, la, dcs):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingAction.objects.create(
            meeting=group_meeting, description="x", due_on=date(2026, 1, 1), owner=dcs, owner_la=la
        )


def test_a_regional_meeting_has_no_group_in_the_database(programme_manager, region, group):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            region=region, scope="regional", group=group, title="x", held_on=date(2026, 1, 1), chair=programme_manager
        )
