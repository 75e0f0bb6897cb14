import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import services_meetings as services
from governance.models import Meeting
from tests.riia.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(programme_manager, region, group):
    return services.meeting_create(
        actor=programme_manager,
        region=region,
        scope="sub_regional",
        group=group,
        title="Group meeting",
        held_on=date(2026, 4, 14),
    )


def test_programme_manager_adds_a_meeting_and_records_it_through_the_pages(
    client_for, programme_manager, region, la, dcs
):
    client = client_for(programme_manager)
    response = client.post(
        reverse("meetings:create", args=[region.slug]),
        {
            "scope": "regional",
            "title": "Regional board",
            "held_on_day": "14",
            "held_on_month": "4",
            "held_on_year": "2026",
            "agenda": "1. Caps",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.chair == programme_manager
    client.post(reverse("meetings:attendee-add", args=[meeting.pk]), {"name": "Dee Dcs", "local_authority": la.pk})
    client.post(reverse("meetings:minutes", args=[meeting.pk]), {"minutes": "Agreed caps", "decisions": "Adopt"})
    client.post(
        reverse("meetings:action-add", args=[meeting.pk]),
        {"description": "Send leavers", "owner": dcs.pk, "due_on_day": "1", "due_on_month": "5", "due_on_year": "2026"},
    )
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "Dee Dcs, Dudley" in page and "Agreed caps" in page and "Send leavers" in page


def test_a_meeting_without_a_title_shows_the_error(client_for, programme_manager, region):
    response = client_for(programme_manager).post(reverse("meetings:create", args=[region.slug]), {"scope": "regional"})
    assert "Enter a title for the meeting" in response.text and not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["workforce_lead", "riia_member", "msp_viewer", "foreign_programme_manager"])
def test_others_cannot_add_meetings(who, request, client_for, region):
    response = client_for(request.getfixturevalue(who)).get(reverse("meetings:create", args=[region.slug]))
    assert response.status_code == 403


def test_open_actions_appear_on_the_owners_home_page_marked_overdue(
    client_for, meeting, programme_manager, dcs, workforce_lead
):
    services.meeting_action_add(
        actor=programme_manager,
        meeting=meeting,
        description="Send the leavers file",
        due_on=timezone.localdate() - timedelta(days=2),
        owner=dcs,
    )
    page = client_for(dcs).get(reverse("home")).text
    assert "Your meeting actions" in page and "Send the leavers file" in page and "Overdue" in page
    assert "Send the leavers file" not in client_for(workforce_lead).get(reverse("home")).text


def test_an_msp_sees_only_meetings_with_msps(client_for, meeting, programme_manager, region, msp_viewer):
    with_msps = services.meeting_create(
        actor=programme_manager,
        region=region,
        scope="with_msps",
        title="Quarterly MSP meeting",
        held_on=date(2026, 5, 1),
    )
    client = client_for(msp_viewer)
    assert client.get(reverse("meetings:detail", args=[with_msps.pk])).status_code == 200
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    page = client.get(reverse("meetings:region", args=[region.slug])).text
    assert "Quarterly MSP meeting" in page and "Group meeting" not in page


def test_approved_group_minutes_are_listed_on_the_region_page(
    client_for, meeting, programme_manager, region, second_la_lead
):
    services.meeting_minutes_record(actor=programme_manager, meeting=meeting, minutes="Agreed")
    client_for(programme_manager).post(reverse("meetings:approve", args=[meeting.pk]))
    page = client_for(second_la_lead).get(reverse("meetings:region", args=[region.slug])).text
    assert "Approved minutes of the sub-regional groups" in page and "Black Country: Group meeting" in page


def test_directory_csv_lists_roles_and_neutralises_formulas(
    client_for, region, la, dcs, msp, msp_viewer, programme_manager
):
    evil = UserFactory(full_name='=HYPERLINK("http://x")')
    from riia.services import membership_grant

    membership_grant(user=evil, role="chief_executive", organisation=la, actor=None)
    response = client_for(programme_manager).get(reverse("meetings:directory-export", args=[region.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Organisation", "Kind", "Role", "Name", "Email"]
    assert [la.name, "Local authority", "Director of Children's Services", dcs.full_name, dcs.email] in rows
    assert any(r[0] == msp.name and r[3] == msp_viewer.full_name for r in rows)
    assert [r[3] for r in rows if "HYPERLINK" in r[3]] == ['\'=HYPERLINK("http://x")']


@pytest.mark.parametrize("who", ["msp_viewer", "agency_contact", "foreign_programme_manager"])
def test_directory_is_refused_outside_the_regions_las_and_staff(who, request, client_for, region):
    response = client_for(request.getfixturevalue(who)).get(reverse("meetings:directory", args=[region.slug]))
    assert response.status_code == 403
