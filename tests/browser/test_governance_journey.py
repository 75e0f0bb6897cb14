import pytest
from playwright.sync_api import expect

from tests.riia.factories import LocalAuthorityFactory, SubRegionalGroupFactory, person_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_group_meeting_minutes_approved_reach_another_group_and_the_la_sees_its_action(
    sign_in, programme_manager, region, group, la, dcs
):
    other_group = SubRegionalGroupFactory(region=region, name="Coventry and Warwickshire")
    other_lead = person_with_role(
        "workforce_lead", LocalAuthorityFactory(region=region, group=other_group, name="Warwickshire")
    )
    # The programme manager adds the group's meeting, records it and approves the minutes.
    page = sign_in(programme_manager)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Governance").click()
    page.get_by_role("link", name="Add a meeting").click()
    page.get_by_label("Sub-regional group", exact=True).check()
    page.get_by_label("Sub-regional group (for a group meeting)").select_option(label=group.name)
    page.get_by_label("Title").fill("Black Country workforce meeting")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Meeting added")).to_be_visible()
    page.get_by_role("link", name="Record agenda, minutes and decisions").click()
    page.get_by_label("Minutes", exact=True).fill("Caps reviewed; no change.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Send the leavers file")
    page.get_by_label("Or owner: an LA").select_option(label=la.name)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Approve the minutes").click()
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_text("Minutes approved and shared")).to_be_visible()
    # The pack, the MOU register and the directory open for the programme manager.
    page.goto(page.url.split("/governance/")[0] + f"/governance/regions/{region.slug}/packs/2026-Q2/")
    expect(page.get_by_role("heading", name="Quarterly MSP meeting pack")).to_be_visible()
    page.goto(page.url.split("/governance/")[0] + f"/governance/regions/{region.slug}/mou/")
    expect(page.get_by_role("heading", name="MOU register")).to_be_visible()
    page.goto(page.url.split("/governance/")[0] + f"/governance/regions/{region.slug}/contacts/")
    expect(page.get_by_role("heading", name="Contact directory")).to_be_visible()
    _sign_out(page)

    # The other group's lead is told and finds the approved minutes on the region's governance page.
    sign_in(other_lead)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Governance").click()
    expect(
        page.get_by_role("link", name=f"{group.name}: Black Country workforce meeting, 14 April 2026")
    ).to_be_visible()
    _sign_out(page)

    # The LA's DCS sees the action on their home page and the induction page.
    sign_in(dcs)
    expect(page.get_by_text("Send the leavers file")).to_be_visible()
    page.goto(page.url.rstrip("/") + f"/governance/induction/{la.slug}/")
    expect(page.get_by_role("heading", name="Induction to the MOU")).to_be_visible()
