"""Issue 10 in a real browser, as one journey: the workforce lead completes and submits the LA's
quarterly return (checking the answers first), the DCS signs it off on the confirmation page, and the
programme manager sees it signed off on the region's quarter page and downloads the region's CSVs."""

import csv
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from breaches.selectors.register import quarter_bounds, recent_quarters
from datareturns.services import UploadSource
from rates.models import CoreJobType
from tests.datareturns.conftest import csv_body, row, send
from tests.rates.factories import core_grade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_person(page, sign_in):
    def _as(user):
        page.context.clear_cookies()
        return sign_in(user)

    return _as


def test_quarterly_return_journey(as_person, region, la, second_la, msp, workforce_lead, dcs, programme_manager):
    quarter = recent_quarters(count=2)[1]  # the latest quarter that has ended
    first, _last = quarter_bounds(quarter)
    core_grade()
    send(UploadSource(msp=msp), csv_body(row("A-1", la.old_code, charge="50.00", start=first.isoformat())))

    # The lead starts the return from the home page and completes it.
    page = as_person(workforce_lead)
    page.get_by_role("link", name=f"Start the {quarter} return of {la.name}").click()
    page.get_by_role("button", name="Start the return").click()
    expect(page.get_by_role("heading", name=f"Complete the {quarter} return")).to_be_visible()
    for label in CoreJobType.labels:
        page.get_by_label(f"{label}: employed (permanent) FTE", exact=True).fill("12.5")
        page.get_by_label(f"{label}: vacancies FTE", exact=True).fill("1")
        page.get_by_label(f"{label}: agency-to-permanent conversions in the quarter", exact=True).fill("0")
        page.get_by_label(f"{label}: permanent leavers in the quarter", exact=True).fill("1")
    for position in range(5):
        page.locator(".govuk-radios").nth(position).get_by_label("Yes").check()
    page.get_by_label("Narrative", exact=True).fill("One agency worker converted to permanent.")
    page.get_by_role("button", name="Save and check your answers").click()

    # Check your answers, then submit.
    expect(page.get_by_role("heading", name=re.compile("Check your answers before submitting"))).to_be_visible()
    expect(page.get_by_test_id("narrative")).to_have_text("One agency worker converted to permanent.")
    expect(page.locator("[data-figure=placements] td").first).to_have_text("1")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("sent to your DCS to sign off")).to_be_visible()
    expect(page.get_by_test_id("status")).to_contain_text(re.compile("Awaiting sign-off|Late"))

    # The DCS signs it off on the confirmation page.
    page = as_person(dcs)
    page.get_by_role("link", name=f"Sign off the {quarter} return of {la.name}").click()
    page.get_by_role("link", name="Sign off the return").click()
    expect(page.get_by_role("heading", name=f"Sign off the {quarter} return")).to_be_visible()
    page.get_by_role("button", name="Sign off and lock the return").click()
    expect(page.get_by_text("It is now locked")).to_be_visible()
    expect(page.get_by_test_id("status")).to_contain_text("Signed off")

    # The programme manager sees it signed off among the region's LAs and downloads the region's CSVs.
    page = as_person(programme_manager)
    page.get_by_role("link", name=f"{region.name}: {quarter}").click()
    dudley = page.locator(f"tr[data-la='{la.old_code}']")
    expect(dudley).to_contain_text("Signed off")
    expect(page.locator(f"tr[data-la='{second_la.old_code}']")).to_contain_text(re.compile("Not started|Late"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the region's quarter")).click()
    with zipfile.ZipFile(download.value.path()) as archive:
        summary = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode())))
    by_la = {r["local_authority"]: r for r in summary}
    assert by_la[la.name]["status"] == "signed_off"
    assert by_la[la.name]["signed_off_by"] == dcs.full_name
    assert by_la[la.name]["employed_fte"] == "62.50"
    assert by_la[second_la.name]["status"] in ("not_started", "late")
