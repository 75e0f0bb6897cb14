"""Issue 9 in a real browser: an LA without an MSP uploads its placements as a CSV file. One row is
wrong, so the error summary names it and nothing is stored; the lead corrects the file, uploads it
again, and sees the placements with their flags and the explanation behind each."""

import pytest
from playwright.sync_api import expect

from datareturns.models import Placement, Upload
from tests.breaches.factories import cap_in
from tests.datareturns.conftest import HEADER, csv_body, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_la_uploads_a_file_with_a_bad_row_corrects_it_and_sees_the_flags(sign_in, tmp_path, region, la, workforce_lead):
    cap_in(region)  # social worker £35.00 an hour from 1 April 2026
    good = row("DUD-1", la.old_code, worker="SW100001", pay="34.00")
    above_cap = row("DUD-2", la.old_code, worker="SW100002", pay="47.00", charge="60.00", start="2026-06-03")
    junior = row("DUD-3", la.old_code, worker="SW100003", pay="33.00", pqe="1")
    wrong = row("DUD-3", la.old_code, worker="SW100003", pay='"33,00"', pqe="1")
    file = tmp_path / "placements.csv"
    file.write_bytes(csv_body(good, above_cap, wrong, header=HEADER))

    page = sign_in(workforce_lead)
    page.get_by_role("link", name="Placements", exact=True).click()
    page.get_by_role("link", name="Upload placements").click()
    page.get_by_label("CSV file").set_input_files(str(file))
    page.get_by_role("button", name="Upload").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Row 4, hourly pay rate: The hourly pay rate is not a valid amount: use a point for pence"
    )
    expect(summary).to_contain_text("The file has 1 error, so nothing was stored")
    summary.get_by_role("link", name="Row 4, hourly pay rate").click()
    expect(page.get_by_label("CSV file")).to_be_focused()
    assert Placement.objects.count() == 0 and Upload.objects.count() == 0

    file.write_bytes(csv_body(good, above_cap, junior, header=HEADER))
    page.get_by_label("CSV file").set_input_files(str(file))
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("heading", name="Placements uploaded")).to_be_visible()
    expect(page.locator(".govuk-panel")).to_contain_text("3 rows")
    page.get_by_role("link", name="Every placement of this upload").click()

    table = page.get_by_role("table", name="Placements")
    expect(table.get_by_role("row")).to_have_count(4)  # the header and three placements
    above = table.get_by_role("row", name="DUD-2")
    expect(above).to_contain_text("Above cap without permission")
    expect(table.get_by_role("row", name="DUD-3")).to_contain_text("Less than 3 years' post-qualified experience")
    expect(table.get_by_role("row", name="DUD-1")).to_contain_text("None")

    above.get_by_role("link", name="Above cap without permission").click()
    expect(page.get_by_role("heading", name="Placement DUD-2")).to_be_visible()
    expect(page.locator("#flag-above_cap_unauthorised")).to_contain_text(
        "Paid £47.00 an hour; the West Midlands cap for a social worker on 3 June 2026 is £35.00; "
        "no approved breach request covers it."
    )
