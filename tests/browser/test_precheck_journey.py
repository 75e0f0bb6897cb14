"""Issue 15 in a real browser: an LA's workforce lead checks a proposed placement before offering it,
sees that it would be above the cap without permission (and by how much), and starts a breach
request pre-filled from the check. The registration number typed in is never shown again."""

import pytest
from playwright.sync_api import expect

from datareturns.models import CheckTally, Placement
from datareturns.prechecks import check_tally_add
from datareturns.services import UploadSource
from tests.breaches.factories import cap_in
from tests.rates.factories import core_grade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_checks_a_placement_and_starts_a_pre_filled_breach_request(sign_in, region, la, workforce_lead):
    cap_in(region)  # social worker £35.00 an hour from 1 April 2026

    page = sign_in(workforce_lead)
    page.get_by_role("link", name="Placements", exact=True).click()
    page.get_by_role("link", name="Check a placement before you offer it").click()
    expect(page.get_by_role("heading", name="Check a placement before you offer it")).to_be_visible()

    registration = page.get_by_label("Worker's Social Work England registration number")
    registration.fill("SW42x242")
    page.get_by_label("Role", exact=True).select_option(label="Social worker")
    page.get_by_label("Limited company").check()
    page.get_by_label("Hourly pay rate").fill("38.50")
    page.get_by_label("Charge rate").fill("52.00")
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("6")
    start.get_by_label("Year").fill("2026")
    page.get_by_label("Hours per week").fill("37")
    page.get_by_label("Agency", exact=True).fill("Acme Social Care")
    page.get_by_role("group", name="Is the worker in a project team?").get_by_label("No").check()
    page.get_by_label("Years of post-qualified experience").fill("4")
    page.get_by_role("button", name="Check the placement").click()

    # A mistyped number: the upload's own message, and the number is not shown back.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The worker registration must be SW followed by 1 to 10 digits")
    summary.get_by_role("link", name="The worker registration must be").click()
    expect(registration).to_be_focused()
    expect(registration).to_have_value("")
    assert "SW42x242" not in page.content()
    registration.fill("SW424242")
    page.get_by_role("button", name="Check the placement").click()

    expect(page.get_by_role("heading", name="This placement would breach the agreement")).to_be_visible()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("£3.50 an hour (10.0%)")
    expect(page.locator("[data-flag=above_cap_unauthorised]")).to_contain_text(
        "Paid £38.50 an hour; the West Midlands cap for a social worker on 1 June 2026 is £35.00; "
        "no approved breach request covers it."
    )
    assert "SW424242" not in page.content()
    assert Placement.objects.count() == 0 and CheckTally.objects.get().checks == 2

    page.get_by_role("button", name="Start a breach request from this check").click()

    expect(page.get_by_role("heading", name="Ask permission to pay above the cap")).to_be_visible()
    expect(page.get_by_label("Role", exact=True)).to_have_value(str(core_grade().pk))
    expect(page.get_by_label("Proposed hourly pay rate")).to_have_value("38.50")
    expect(page.get_by_label("Limited company")).to_be_checked()
    expect(page.get_by_label("Number of roles")).to_have_value("1")
    contract_start = page.get_by_role("group", name="Contract start date")
    expect(contract_start.get_by_label("Day")).to_have_value("1")
    expect(contract_start.get_by_label("Month")).to_have_value("6")
    expect(contract_start.get_by_label("Year")).to_have_value("2026")
    assert "SW424242" not in page.url


def test_programme_manager_sees_how_often_the_regions_msps_check(sign_in, msp, msp_uploader, programme_manager):
    check_tally_add(source=UploadSource(msp=msp, user=msp_uploader), rows=3)

    page = sign_in(programme_manager)
    page.get_by_role("link", name="Placements", exact=True).click()
    page.get_by_role("link", name="Pre-offer checks made").click()

    table = page.get_by_role("table", name="Checks a day")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table.get_by_role("row").nth(1)).to_contain_text(msp.name)
    expect(table.get_by_role("row").nth(1)).to_contain_text("3")
