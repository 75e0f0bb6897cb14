"""Issue 11 in a real browser: placements go in through the real upload service, the benchmarks are
computed by the real recompute, and an LA's workforce lead opens their dashboard. Each chart is drawn
by plotly under the real CSP, and the table beside it has exactly the figures the API
(``GET /api/v1/benchmarks/``) gives for the same scope, quarter and role."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from datareturns.benchmarks import benchmarks_recompute_run
from datareturns.dashboards import percent
from datareturns.services import UploadSource
from tests.breaches.factories import cap_in
from tests.datareturns.conftest import csv_body, row, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _placements(la, second_la, msp):
    msp.local_authorities.add(second_la)
    rows = [
        row(f"A-{n}", la.old_code, worker=f"SW2000{n:02d}", pay=pay, start="2026-04-06")
        for n, pay in enumerate(["33.00", "34.00", "36.00", "37.50", "35.00", "34.50"], start=1)
    ]
    rows += [
        row(f"B-{n}", second_la.old_code, worker=f"SW3000{n:02d}", pay="34.00", start="2026-05-04") for n in range(3)
    ]
    send(UploadSource(msp=msp), csv_body(*rows))


def test_a_chart_renders_and_its_table_matches_the_api(sign_in, region, la, second_la, msp, workforce_lead):
    cap_in(region)  # social worker £35.00 an hour from 1 April 2026
    _placements(la, second_la, msp)
    benchmarks_recompute_run()

    page = sign_in(workforce_lead)
    page.get_by_role("link", name="Benchmarks", exact=True).click()
    page.get_by_role("link", name=la.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(la.name)
    expect(page.get_by_text("Data as at")).to_be_visible()

    # Choose the quarter and role through the filters (query parameters).
    page.get_by_label("Quarter", exact=True).select_option("2026-Q2")
    page.get_by_label("Role", exact=True).select_option("social_worker")
    page.get_by_role("button", name="Show figures").click()
    assert "quarter=2026-Q2" in page.url and "role=social_worker" in page.url

    chart = page.locator("#chart-share")
    expect(chart).to_have_attribute("data-drawn", "yes")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator(".scatterlayer .trace")).to_have_count(3)  # the LA, its region and England

    table = page.locator('table[data-table="share"]')
    shown = {
        cells[0]: cells[1:]
        for cells in (
            [c.strip() for c in r.locator("th, td").all_inner_texts()] for r in table.locator("tbody tr").all()
        )
    }
    scopes = [f"la:{la.old_code}", f"region:{region.slug}", "england"]
    answers = [
        page.request.get(f"/api/v1/benchmarks/?scope={scope}&quarter=2026-Q2&role=social_worker").json()
        for scope in scopes
    ]
    from_api = [percent(a["results"][0]["share_above_cap"]) for a in answers]
    assert shown["2026-Q2"] == from_api
    # Two of the LA's six social workers are paid above £35.00.
    assert Decimal(answers[0]["results"][0]["share_above_cap"]) == Decimal("0.3333")

    # The pay chart's table shows the LA's own median (six placements, so not suppressed) as the API does.
    pay = page.locator('table[data-table="pay"]')
    median = answers[0]["results"][0]["median_pay"]
    expect(pay.locator("tbody tr").last).to_contain_text(f"£{Decimal(median):,.2f}")
    expect(page.locator("#chart-pay")).to_have_attribute("data-drawn", "yes")


def test_programme_manager_sorts_the_region_sets_kpis_and_drills_down(
    sign_in, region, la, second_la, msp, programme_manager
):
    cap_in(region)
    _placements(la, second_la, msp)
    benchmarks_recompute_run()

    page = sign_in(programme_manager)
    page.get_by_role("link", name=f"{region.name}: every local authority").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(region.name)
    table = page.locator('table[data-table="las"]')
    expect(table.locator("tbody tr")).to_have_count(2)

    # Sorting is a link in the column heading; the sorted column says so to assistive technology.
    table.get_by_role("link", name="Placements").click()
    expect(table.locator('th[aria-sort="ascending"]')).to_contain_text("Placements")
    expect(table.locator("tbody tr").first).to_contain_text(second_la.name)  # 3 placements before 6
    table.get_by_role("link", name="Placements").click()
    expect(table.locator('th[aria-sort="descending"]')).to_contain_text("Placements")
    expect(table.locator("tbody tr").first).to_contain_text(la.name)
    # 2 of Dudley's 6 above the cap without permission: red against the default 10%.
    expect(table.get_by_role("row", name=la.name)).to_contain_text("Red")
    expect(page.locator("#chart-share")).to_have_attribute("data-drawn", "yes")

    page.get_by_text("How the RAG status is set").click()
    page.get_by_role("link", name="Change the KPI thresholds").click()
    page.get_by_label("Amber limit for the share above the cap").fill("3")
    page.get_by_role("button", name="Save the thresholds").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The amber limit must be at least the green limit")
    page.get_by_label("Green limit for the share above the cap").fill("40")
    page.get_by_label("Amber limit for the share above the cap").fill("50")
    page.get_by_label("Green limit for unauthorised breaches").fill("5")
    page.get_by_label("Amber limit for unauthorised breaches").fill("5")
    page.get_by_role("button", name="Save the thresholds").click()
    expect(page.get_by_text("KPI thresholds saved.")).to_be_visible()

    table = page.locator('table[data-table="las"]')
    expect(table.get_by_role("row", name=la.name).locator("td").nth(6)).to_contain_text("Green")
    table.get_by_role("link", name=la.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(la.name)
