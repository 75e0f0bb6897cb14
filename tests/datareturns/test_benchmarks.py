"""Every metric of every scope against the hand-computed figures of benchmark_world.py."""

from decimal import Decimal as D

import pytest
from django.db import connection

from datareturns.benchmarks import (
    Geography,
    Wanted,
    aggregate_portable,
    aggregate_postgresql,
    benchmark_quarters,
    benchmarks_recompute,
    scope_key,
)
from datareturns.benchmarks_selectors import METRICS
from datareturns.models import BenchmarkRow, BenchmarkSnapshot
from tests.datareturns.benchmark_world import QUARTERS, TODAY, world_create


@pytest.fixture
def world(region, group, la, second_la, foreign_la):
    world_create(region=region, la=la, second_la=second_la, foreign_la=foreign_la)
    benchmarks_recompute(today=TODAY)
    return {"dudley": f"la:{la.new_code}", "coventry": f"la:{second_la.new_code}", "camden": f"la:{foreign_la.new_code}",
            "group": f"group:west-midlands/{group.slug}", "region": "region:west-midlands", "london": "region:london"}  # fmt: skip


def figures(scope, quarter, role):
    row = BenchmarkRow.objects.get(snapshot__scope=scope, quarter=quarter, role=role)
    return {name: getattr(row, name) for name in (*METRICS, "previous_placements")}


EMPTY = {
    "placements": 0, "agency_fte": D("0.00"), "median_pay": None, "mean_pay": None, "above_cap": 0, "above_cap_authorised": 0,
    "above_cap_unauthorised": 0, "share_above_cap": None, "spend": None, "cool_off_flags": 0, "pqe_flags": 0,
    "project_team_repricing_flags": 0,
}  # fmt: skip
NO_RETURNS = {"returns_signed_off": 0, "employed_fte": None, "agency_rate": None, "conversions": None}

# Dudley social workers, 2026-Q1: placements 2 (32.00 × 37 h × 59 days at £45; 34.00 × 30 h × 31 days at £46).
DUDLEY_SW_Q1 = {
    "placements": 2, "previous_placements": 0, "agency_fte": D("1.81"), "median_pay": D("33.00"), "mean_pay": D("33.00"),
    "cap": D("35.00"), "above_cap": 0, "above_cap_authorised": 0, "above_cap_unauthorised": 0, "share_above_cap": D("0.0000"),
    "spend": D("20145.00"), "returns_signed_off": 1, "las_in_scope": 1, "employed_fte": D("10.00"), "agency_rate": D("0.1533"),
    "conversions": 2, "cool_off_flags": 0, "pqe_flags": 0, "project_team_repricing_flags": 0, "change_placements": 2,
    "change_median_pay": None, "change_share_above_cap": None, "change_agency_rate": None,
}  # fmt: skip
# 2026-Q2: 4 placements (one ended on the quarter's first day), one authorised and one unauthorised above cap,
# a local grade counted as a social worker; spend 375,675 / 7 = 53,667.857…
DUDLEY_SW_Q2 = {
    "placements": 4, "previous_placements": 2, "agency_fte": D("3.35"), "median_pay": D("35.00"), "mean_pay": D("35.00"),
    "cap": D("35.00"), "above_cap": 2, "above_cap_authorised": 1, "above_cap_unauthorised": 1, "share_above_cap": D("0.5000"),
    "spend": D("53667.86"), "returns_signed_off": 0, "las_in_scope": 1, "employed_fte": None, "agency_rate": None,
    "conversions": None, "cool_off_flags": 1, "pqe_flags": 0, "project_team_repricing_flags": 0, "change_placements": 2,
    "change_median_pay": D("2.00"), "change_share_above_cap": D("0.5000"), "change_agency_rate": None,
}  # fmt: skip
DUDLEY_ALL_Q2 = {
    "placements": 5, "previous_placements": 2, "agency_fte": D("4.35"), "median_pay": D("36.00"), "mean_pay": D("37.00"), "cap": None,
    "above_cap": 2, "above_cap_authorised": 1, "above_cap_unauthorised": 1, "share_above_cap": D("0.4000"), "spend": D("73013.57"),
    "returns_signed_off": 0, "las_in_scope": 1, "employed_fte": None, "agency_rate": None, "conversions": None, "cool_off_flags": 1,
    "pqe_flags": 1, "project_team_repricing_flags": 1, "change_placements": 3, "change_median_pay": D("3.00"),
    "change_share_above_cap": D("0.4000"), "change_agency_rate": None,
}  # fmt: skip
DUDLEY_ALL_Q1 = {**DUDLEY_SW_Q1, "cap": None, "employed_fte": D("13.00"), "agency_rate": D("0.1223"), "conversions": 3}


def test_dudley_every_metric(world):
    assert figures(world["dudley"], "2026-Q1", "social_worker") == DUDLEY_SW_Q1
    assert figures(world["dudley"], "2026-Q2", "social_worker") == DUDLEY_SW_Q2
    assert figures(world["dudley"], "2026-Q2", "all") == DUDLEY_ALL_Q2
    assert figures(world["dudley"], "2026-Q1", "all") == DUDLEY_ALL_Q1


def test_group_is_its_one_la(world):
    for quarter in QUARTERS:
        for role in ("all", "social_worker", "team_manager"):
            assert figures(world["group"], quarter, role) == figures(world["dudley"], quarter, role)


def test_region_counts_the_la_without_placements(world):
    assert figures(world["region"], "2026-Q2", "social_worker") == {**DUDLEY_SW_Q2, "las_in_scope": 2}
    assert figures(world["region"], "2026-Q1", "all") == {**DUDLEY_ALL_Q1, "las_in_scope": 2}


def test_an_la_with_no_placements_has_a_row_of_blanks(world):
    for quarter in QUARTERS:
        row = figures(world["coventry"], quarter, "social_worker")
        assert row == {**row, **EMPTY, **NO_RETURNS, "cap": D("35.00"), "las_in_scope": 1}
        assert row["change_median_pay"] is None and row["change_agency_rate"] is None


def test_a_quarter_with_no_data_is_a_row_of_blanks_everywhere(world):
    row = figures("england", "2025-Q4", "all")
    assert row == {**row, **EMPTY, **NO_RETURNS, "cap": None, "las_in_scope": 3, "previous_placements": 1,
                   "change_placements": -1, "change_median_pay": None, "change_share_above_cap": None}  # fmt: skip


def test_england_mixes_regions_and_has_no_cap(world):
    # Dudley's two and Camden's (40.00 × 37 h × 81 days at £55): spend 305,850 / 7.
    row = figures("england", "2026-Q1", "social_worker")
    assert row == {**DUDLEY_SW_Q1, "placements": 3, "agency_fte": D("2.81"), "median_pay": D("34.00"),
                   "mean_pay": D("35.33"), "cap": None, "spend": D("43692.86"), "las_in_scope": 3,
                   "change_placements": 3}  # fmt: skip


def test_first_quarter_has_no_changes(world):
    row = figures("england", "2025-Q3", "social_worker")
    assert row["placements"] == 1 and row["spend"] == D("12897.14") and row["median_pay"] == D("30.00")
    assert row["previous_placements"] is None
    assert [row[f"change_{m}"] for m in ("placements", "median_pay", "share_above_cap", "agency_rate")] == [None] * 4


def test_a_region_without_caps_has_blank_caps(world):
    assert figures(world["london"], "2026-Q2", "social_worker")["cap"] is None
    assert figures(world["region"], "2026-Q2", "team_manager")["cap"] is None


def test_every_scope_quarter_and_role_has_a_row(world):
    assert [q.label for q in benchmark_quarters(today=TODAY)] == QUARTERS
    assert BenchmarkSnapshot.objects.count() == 7
    for snapshot in BenchmarkSnapshot.objects.all():
        assert snapshot.rows.count() == len(QUARTERS) * 6
        assert snapshot.computed_at is not None and snapshot.latest_upload_id is not None


def test_recompute_of_some_scopes_leaves_the_others_and_is_idempotent(world, la):
    before = BenchmarkSnapshot.objects.get(scope="region:london").computed_at
    benchmarks_recompute(scope_labels=[f"la:{la.old_code}", "england"], today=TODAY)
    benchmarks_recompute(scope_labels=[f"la:{la.old_code}", "england"], today=TODAY)
    assert BenchmarkSnapshot.objects.get(scope="region:london").computed_at == before
    assert BenchmarkSnapshot.objects.get(scope=world["dudley"]).computed_at > before
    assert figures(world["dudley"], "2026-Q2", "social_worker") == DUDLEY_SW_Q2
    assert BenchmarkRow.objects.filter(snapshot__scope="england").count() == len(QUARTERS) * 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares the PostgreSQL query with the portable path")
def test_postgresql_query_and_portable_path_agree(world):
    geography = Geography.load()
    quarters = benchmark_quarters(today=TODAY)
    wanted = Wanted.of(scope_key(s) for s in geography.all_scopes())
    sql = aggregate_postgresql(quarters=quarters, wanted=wanted, geography=geography)
    portable = aggregate_portable(quarters=quarters, wanted=wanted, geography=geography)
    assert sql == portable and len(sql) > 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares the PostgreSQL partials with the portable path")
def test_placements_spread_over_their_quarters_agree_with_the_portable_path_at_every_boundary(
    region, group, la, second_la
):
    """Stage 1 sums each placement once and spreads the sums over its quarters. Placements starting and
    ending on every quarter's first and last day and the days either side, open-ended, or ending after
    the current quarter, must give the figures of the portable path's placement-by-quarter arithmetic."""
    import random
    from datetime import timedelta

    from breaches.selectors.register import quarter_bounds
    from tests.datareturns.benchmark_world import placement
    from tests.rates.factories import core_grade

    grade = core_grade("social_worker")
    days = sorted(
        {
            day + timedelta(days=shift)
            for label in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
            for day in quarter_bounds(label)
            for shift in (-1, 0, 1)
        }
    )
    rng = random.Random(11)
    for number in range(60):
        start = rng.choice(days)
        placement(
            rng.choice([la, second_la]),
            grade,
            number=f"b{number}",
            pay=rng.choice(["30.00", "31.50", "33.25"]),
            charge=str(rng.randint(40, 60)),
            hours=rng.choice(["37", "22.5", "30"]),
            start=start,
            end=rng.choice([None, *[day for day in days if day >= start]]),
        )
    geography = Geography.load()
    quarters = benchmark_quarters(today=TODAY)
    wanted = Wanted.of(scope_key(s) for s in geography.all_scopes())
    sql = aggregate_postgresql(quarters=quarters, wanted=wanted, geography=geography, rebuild_all=True)
    assert sql == aggregate_portable(quarters=quarters, wanted=wanted, geography=geography) and len(sql) > 20


def _distributions() -> list[tuple]:
    from datareturns.models import BenchmarkDistribution

    fields = ("level", "scope_id", "quarter", "core", "pay", "placements", "hours", "spend7", "authorised",
              "unauthorised", "cool_off", "pqe", "repricing")  # fmt: skip
    return sorted(BenchmarkDistribution.objects.filter(placements__gt=0).values_list(*fields))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored partials are PostgreSQL's path")
def test_one_las_rebuild_keeps_every_scope_equal_to_a_full_rebuild(world, la, second_la):
    """An upload's recompute rebuilds only its LA's partials and adds new − old to the distributions:
    afterwards every scope's figures equal the portable path's and the distributions a full rebuild's."""
    from datareturns.benchmark_partials import partials_rebuild_all
    from datareturns.models import BenchmarkPartialState, Placement
    from tests.datareturns.benchmark_world import placement
    from tests.rates.factories import core_grade

    grade = core_grade("social_worker")
    edited = Placement.objects.filter(local_authority=la).order_by("pk").first()
    edited.hourly_pay_rate, edited.flag_cool_off = D("51.25"), True  # a pay no one else has: a new row
    edited.save()
    Placement.objects.filter(local_authority=la).order_by("-pk").first().delete()
    placement(second_la, grade, number="new-1", pay="33.00", charge="44", hours="37", start=TODAY.replace(day=1))
    built_before = dict(BenchmarkPartialState.objects.values_list("local_authority_id", "built_at"))
    benchmarks_recompute(scope_labels=[world["dudley"], world["coventry"], world["group"], world["region"], "england"],
                         today=TODAY)  # fmt: skip
    built_after = dict(BenchmarkPartialState.objects.values_list("local_authority_id", "built_at"))
    assert {pk for pk in built_after if built_after[pk] != built_before[pk]} == {la.pk, second_la.pk}

    geography = Geography.load()
    quarters = benchmark_quarters(today=TODAY)
    wanted = Wanted.of(scope_key(s) for s in geography.all_scopes())
    incremental = _distributions()
    assert aggregate_postgresql(quarters=quarters, wanted=wanted, geography=geography) == aggregate_portable(
        quarters=quarters, wanted=wanted, geography=geography
    )
    partials_rebuild_all(quarters=quarters)
    assert incremental == _distributions() and incremental
    # and the snapshots the API reads show the changed figures
    portable = aggregate_portable(quarters=quarters, wanted=wanted, geography=geography)
    for scope in (world["dudley"], world["coventry"], world["region"], "england"):
        kind, pk = scope_key(next(s for s in geography.all_scopes() if s.label == scope))
        for idx, quarter in enumerate(quarters):
            cell = portable.get((kind, pk, "all", idx))
            assert figures(scope, quarter.label, "all")["placements"] == (cell.placements if cell else 0)
    assert figures(world["dudley"], "2026-Q2", "all") != DUDLEY_ALL_Q2
