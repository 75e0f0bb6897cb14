"""The benchmarking dashboard pages: who sees which page, that they show the stored snapshot's
figures as the benchmark selector (and so the API) gives them, suppression as "[c]", filters, sort,
the RAG status, CSV downloads and the "data as at" and recompute notices. The figures themselves are
the computation's tests; here snapshots are stored directly."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from datareturns.benchmarks_selectors import benchmark_results
from datareturns.models import BenchmarkRow, BenchmarkSnapshot, QuarterlyReturn, ReturnStatus, ScopeKind
from tests.riia.factories import LocalAuthorityFactory

COMPUTED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
QUARTERS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def _store(scope, kind, *, figures, region=None, group=None, la=None, queued=False):
    """A snapshot with a row per quarter and role; ``figures(quarter, role)`` gives each row's values."""
    snapshot = BenchmarkSnapshot.objects.create(
        scope=scope,
        kind=kind,
        region=region,
        group=group,
        local_authority=la,
        computed_at=COMPUTED,
        queued_at=COMPUTED if queued else None,
    )
    BenchmarkRow.objects.bulk_create(
        BenchmarkRow(snapshot=snapshot, quarter=q, role=role, **figures(q, role))
        for q in QUARTERS
        for role in ("all", "social_worker")
    )
    return snapshot


def _figures(placements, median, share, unauthorised=0, cap="35.00"):
    def build(quarter, role):
        step = QUARTERS.index(quarter)
        return {
            "placements": placements,
            "previous_placements": placements,
            "median_pay": Decimal(median) + step,
            "mean_pay": Decimal(median) + step,
            "spend": Decimal("1000.00"),
            "cap": Decimal(cap) if role != "all" else None,
            "share_above_cap": Decimal(share),
            "above_cap": unauthorised,
            "above_cap_unauthorised": unauthorised,
            "agency_rate": Decimal("0.2500"),
        }

    return build


@pytest.fixture
def snapshots(region, group, la, second_la, other_region, foreign_la):
    return {
        "england": _store("england", ScopeKind.ENGLAND, figures=_figures(500, "33.00", "0.0800")),
        "region": _store(
            f"region:{region.slug}", ScopeKind.REGION, region=region, figures=_figures(60, "34.00", "0.05")
        ),
        "london": _store(
            f"region:{other_region.slug}", ScopeKind.REGION, region=other_region, figures=_figures(80, "39.00", "0.1")
        ),
        # Dudley: 4 placements, so its pay figures are suppressed for everyone but its people and the PM.
        "la": _store(
            f"la:{la.new_code}",
            ScopeKind.LA,
            region=region,
            group=group,
            la=la,
            figures=_figures(4, "36.00", "0.25", 1),
        ),
        "second_la": _store(
            f"la:{second_la.new_code}", ScopeKind.LA, region=region, la=second_la, figures=_figures(56, "31.25", "0.02")
        ),
        "foreign_la": _store(
            f"la:{foreign_la.new_code}",
            ScopeKind.LA,
            region=other_region,
            la=foreign_la,
            figures=_figures(80, "41.17", "0.1"),
        ),
    }


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- England --------------------------------------------------------------------------------


def test_england_shows_every_region_to_anyone_signed_in(client_for, nobody, snapshots):
    response = client_for(nobody).get(reverse("dashboards:england"))
    assert response.status_code == 200
    text = _text(response)
    assert "England: 2026-Q2, all roles" in text
    assert "West Midlands" in text and "London" in text
    assert "Data as at 1 June 2026" in text
    # No LA-level figures on the England page.
    assert "Camden" not in text and "Dudley" not in text
    assert 'id="chart-data-pay"' in text and 'data-module="app-chart"' in text


def test_england_page_figures_are_the_selectors(client_for, nobody, snapshots):
    response = client_for(nobody).get(reverse("dashboards:england"), {"quarter": "2026-Q1", "role": "social_worker"})
    results = benchmark_results(user=nobody, scope="region:london", quarter="2026-Q1", role="social_worker")[1]
    table = response.context["tables"]["regions"]
    london = next(row for row in table.rows if row[0] == "London")
    assert london[3] == f"£{results[0]['median_pay']:,.2f}" == "£41.00"


def test_a_bad_filter_is_reported_and_the_latest_quarter_shown(client_for, nobody, snapshots):
    response = client_for(nobody).get(reverse("dashboards:england"), {"quarter": "1999-Q1", "role": "wizard"})
    text = _text(response)
    assert "There is a problem" in text
    assert "Select a quarter from the list" in text and "Select a role from the list" in text
    assert response.context["quarter"] == "2026-Q2"


def test_without_snapshots_the_pages_say_so(client_for, programme_manager, la, region):
    text = _text(client_for(programme_manager).get(reverse("dashboards:england")))
    assert "No benchmarks have been computed yet" in text
    text = _text(client_for(programme_manager).get(reverse("dashboards:region", args=[region.slug])))
    assert "No benchmarks have been computed for West Midlands yet" in text
    text = _text(client_for(programme_manager).get(reverse("dashboards:la", args=[la.slug])))
    assert "No benchmarks have been computed for Dudley yet" in text


# --- A region -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "person", ["programme_manager", "sub_regional_lead", "riia_member", "workforce_lead", "la_viewer"]
)
def test_region_dashboard_is_for_its_staff_and_its_las(request, client_for, person, snapshots, region):
    user = request.getfixturevalue(person)
    response = client_for(user).get(reverse("dashboards:region", args=[region.slug]))
    assert response.status_code == 200
    assert [row["la"].name for row in response.context["rows"]] == ["Coventry", "Dudley"]


@pytest.mark.parametrize(
    "person", ["foreign_lead", "foreign_programme_manager", "msp_uploader", "agency_contact", "nobody"]
)
def test_region_dashboard_is_refused_to_others(request, client_for, person, snapshots, region):
    user = request.getfixturevalue(person)
    assert client_for(user).get(reverse("dashboards:region", args=[region.slug])).status_code == 403
    assert client_for(user).get(reverse("dashboards:region-csv", args=[region.slug])).status_code == 403


def test_region_dashboard_suppresses_small_numbers_except_for_the_programme_manager(
    client_for, programme_manager, second_la_lead, snapshots, region
):
    url = reverse("dashboards:region", args=[region.slug])
    rows = {r[0]: r for r in client_for(second_la_lead).get(url).context["tables"]["las"].rows}
    assert rows["Dudley"][2] == "[c]"  # 4 placements: another LA of the region sees no pay
    assert rows["Coventry"][2] == "£34.25"  # its own, and 56 placements
    rows = {r[0]: r for r in client_for(programme_manager).get(url).context["tables"]["las"].rows}
    assert rows["Dudley"][2] == "£39.00"


def test_region_dashboard_sorts_by_a_column_both_ways(client_for, programme_manager, snapshots, region):
    url = reverse("dashboards:region", args=[region.slug])
    client = client_for(programme_manager)
    rows = client.get(url, {"sort": "share_above_cap", "order": "desc"}).context["rows"]
    assert [r["la"].name for r in rows] == ["Dudley", "Coventry"]
    response = client.get(url, {"sort": "share_above_cap", "order": "asc"})
    assert [r["la"].name for r in response.context["rows"]] == ["Coventry", "Dudley"]
    # The heading of the sorted column says so, and its link reverses the order.
    link = response.context["sort_links"]["share_above_cap"]
    assert link["aria_sort"] == "ascending" and "order=desc" in link["url"]
    assert 'aria-sort="ascending"' in response.content.decode()


def test_region_dashboard_rates_each_la_against_the_kpis(
    client_for, programme_manager, snapshots, region, la, second_la
):
    QuarterlyReturn.objects.create(
        local_authority=second_la,
        quarter="2025-Q4",
        status=ReturnStatus.SIGNED_OFF,
        signed_off_at=datetime(2026, 2, 20, 10, 0, tzinfo=UTC),
        signed_off_by=programme_manager,
    )
    url = reverse("dashboards:region", args=[region.slug])
    rows = {r["la"].name: r for r in client_for(programme_manager).get(url, {"quarter": "2025-Q4"}).context["rows"]}
    coventry = [(x.rag, x.text) for x in rows["Coventry"]["ratings"]]
    assert coventry == [("green", "2.0%"), ("green", "0"), ("green", "Signed off 20 Feb 2026")]
    dudley = [x.rag for x in rows["Dudley"]["ratings"]]
    # 25% above the cap: red; 1 without permission: amber; no return, due 28 February 2026: red by now.
    assert dudley[:2] == ["red", "amber"]
    assert rows["Dudley"]["overall"].rag == "red"
    assert rows["Coventry"]["overall"].rag == "green"


def test_region_dashboard_drills_down_to_an_la_with_the_same_filters(
    client_for, programme_manager, snapshots, region, la
):
    response = client_for(programme_manager).get(
        reverse("dashboards:region", args=[region.slug]), {"quarter": "2026-Q1", "role": "social_worker"}
    )
    assert (
        f'href="{reverse("dashboards:la", args=[la.slug])}?quarter=2026-Q1&amp;role=social_worker"'
        in response.content.decode()
    )


def test_region_csv_has_the_pages_rows(client_for, riia_member, snapshots, region):
    client = client_for(riia_member)
    page = client.get(reverse("dashboards:region", args=[region.slug]), {"sort": "placements", "order": "desc"})
    response = client.get(
        reverse("dashboards:region-csv", args=[region.slug]), {"table": "las", "sort": "placements", "order": "desc"}
    )
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == page.context["tables"]["las"].rows
    assert rows[2][2] == "[c]"
    assert client.get(reverse("dashboards:region-csv", args=[region.slug]), {"table": "nope"}).status_code == 404


def test_csv_neutralises_formula_cells(client_for, programme_manager, region):
    la = LocalAuthorityFactory(name="=HYPERLINK(1)", region=region)
    BenchmarkSnapshot.objects.create(
        scope=f"region:{region.slug}", kind=ScopeKind.REGION, region=region, computed_at=COMPUTED
    )
    snapshot = BenchmarkSnapshot.objects.create(
        scope=f"la:{la.new_code}", kind=ScopeKind.LA, region=region, local_authority=la, computed_at=COMPUTED
    )
    BenchmarkRow.objects.create(snapshot=snapshot, quarter="2026-Q2", role="all", placements=9)
    BenchmarkRow.objects.create(
        snapshot=snapshot.__class__.objects.get(scope=f"region:{region.slug}"), quarter="2026-Q2", role="all"
    )
    body = client_for(programme_manager).get(reverse("dashboards:region-csv", args=[region.slug]), {"table": "las"})
    rows = list(csv.reader(io.StringIO(body.content.decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_a_queued_recompute_is_announced(client_for, programme_manager, snapshots, region):
    BenchmarkSnapshot.objects.filter(scope=f"region:{region.slug}").update(queued_at=timezone.now())
    text = _text(client_for(programme_manager).get(reverse("dashboards:region", args=[region.slug])))
    assert "these figures are being recomputed" in text
    text = _text(client_for(programme_manager).get(reverse("dashboards:england")))
    assert "these figures are being recomputed" in text
    assert "waiting to be included" not in text


def test_a_late_recompute_says_when_the_figures_shown_were_computed(client_for, programme_manager, snapshots, region):
    """Queued more than a minute ago and not yet done (no worker, or Redis down): the page says how old
    its figures are and that newer data waits."""
    BenchmarkSnapshot.objects.filter(scope=f"region:{region.slug}").update(queued_at=COMPUTED)
    notice = "These figures were computed on 1 June 2026 at 1:00pm. Newer data is waiting to be included."
    for url in (reverse("dashboards:region", args=[region.slug]), reverse("dashboards:england")):
        text = _text(client_for(programme_manager).get(url))
        assert notice in text and "being recomputed" not in text


def test_a_recompute_still_in_the_outbox_is_waiting_at_once(client_for, programme_manager, snapshots, region, la):
    """Queued a moment ago, but its task could not be handed to Redis: newer data is waiting."""
    from datareturns.tasks import benchmarks_recompute_task
    from riia.models import OutboxMessage

    now = timezone.now()
    BenchmarkSnapshot.objects.filter(scope=f"la:{la.new_code}").update(queued_at=now)
    OutboxMessage.objects.create(task=benchmarks_recompute_task.name, args=[[f"la:{la.new_code}"]])
    url = reverse("dashboards:la", args=[la.slug])
    assert "Newer data is waiting to be included." in _text(client_for(programme_manager).get(url))
    OutboxMessage.objects.update(sent_at=timezone.now())  # the relay sent it: being recomputed
    text = _text(client_for(programme_manager).get(url))
    assert "these figures are being recomputed" in text and "waiting to be included" not in text


def test_no_recompute_notice_when_none_is_queued(client_for, programme_manager, snapshots, region):
    text = _text(client_for(programme_manager).get(reverse("dashboards:region", args=[region.slug])))
    assert "being recomputed" not in text


# --- A local authority ----------------------------------------------------------------------


def test_la_dashboard_shows_its_figures_beside_region_and_england(client_for, workforce_lead, snapshots, la):
    response = client_for(workforce_lead).get(reverse("dashboards:la", args=[la.slug]), {"role": "social_worker"})
    assert response.status_code == 200
    comparison = response.context["tables"]["comparison"]
    assert [c.heading for c in comparison.columns] == ["Figure", "Dudley", "West Midlands", "England"]
    median = next(row for row in comparison.rows if row[0] == "Median hourly pay")
    assert median == ["Median hourly pay", "£39.00", "£37.00", "£36.00"]  # its own small numbers: shown
    charts = {c.key: c for c in response.context["charts"]}
    assert set(charts) == {"pay", "share", "agency-rate"}
    assert charts["pay"].x == QUARTERS
    assert charts["pay"].series[-1] == {"name": "Cap", "y": [35.0] * 4, "dash": True}
    assert charts["share"].series[0]["y"] == [0.25] * 4


def test_la_dashboard_suppresses_pay_for_another_la_of_the_region(client_for, second_la_lead, snapshots, la):
    response = client_for(second_la_lead).get(reverse("dashboards:la", args=[la.slug]))
    median = next(row for row in response.context["tables"]["comparison"].rows if row[0] == "Median hourly pay")
    assert median[1] == "[c]"
    pay = next(c for c in response.context["charts"] if c.key == "pay")
    assert pay.series[0]["y"] == [None] * 4  # a suppressed figure is a gap, never drawn


@pytest.mark.parametrize("person", ["foreign_lead", "foreign_programme_manager", "msp_uploader", "nobody"])
def test_la_dashboard_of_another_region_is_not_found(request, client_for, person, snapshots, la):
    client = client_for(request.getfixturevalue(person))
    assert client.get(reverse("dashboards:la", args=[la.slug])).status_code == 404
    assert client.get(reverse("dashboards:la-csv", args=[la.slug])).status_code == 404


def test_la_trends_cover_up_to_eight_quarters_ending_with_the_chosen_one(client_for, workforce_lead, snapshots, la):
    response = client_for(workforce_lead).get(reverse("dashboards:la", args=[la.slug]), {"quarter": "2026-Q1"})
    assert response.context["charts"][0].x == ["2025-Q3", "2025-Q4", "2026-Q1"]


def test_la_csv_of_a_chart_is_its_table(client_for, programme_manager, snapshots, la):
    client = client_for(programme_manager)
    page = client.get(reverse("dashboards:la", args=[la.slug]))
    response = client.get(reverse("dashboards:la-csv", args=[la.slug]), {"table": "share"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == page.context["tables"]["share"].csv_rows()
    assert rows[0] == ["Quarter", "Dudley", "West Midlands", "England"]
    assert 'filename="benchmarks-' in response["Content-Disposition"]


def test_la_dashboard_lists_its_breaches_as_the_register_scopes_them(
    client_for, workforce_lead, second_la_lead, snapshots, la
):
    from tests.breaches.factories_register import BreachRecordFactory

    BreachRecordFactory(local_authority=la, recorded_by=workforce_lead)
    assert len(client_for(workforce_lead).get(reverse("dashboards:la", args=[la.slug])).context["breach_records"]) == 1
    # Another LA's people do not see Dudley's register entries, on the register or here.
    assert len(client_for(second_la_lead).get(reverse("dashboards:la", args=[la.slug])).context["breach_records"]) == 0


def test_pages_load_plotly_and_the_chart_script_from_our_own_files(client_for, workforce_lead, snapshots, la):
    html = client_for(workforce_lead).get(reverse("dashboards:la", args=[la.slug])).content.decode()
    assert '<script src="/static/build/plotly.min.js"></script>' in html
    assert 'src="/static/js/benchmark-charts.js"' in html
    assert '<script id="chart-data-pay" type="application/json">' in html


def test_home_links_a_persons_own_dashboards(client_for, workforce_lead, la, region):
    text = _text(client_for(workforce_lead).get(reverse("home")))
    assert "Benchmarking dashboards" in text
    assert reverse("dashboards:la", args=[la.slug]) in text
    assert reverse("dashboards:region", args=[region.slug]) in text


def test_navigation_links_the_dashboards(client_for, agency_contact):
    response = client_for(agency_contact).get(reverse("home"))
    assert ("Benchmarks", reverse("dashboards:england")) in [(i.label, i.url) for i in response.context["navigation"]]
