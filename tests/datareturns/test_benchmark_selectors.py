"""Who sees which benchmark scope, and whose small-number pay figures are suppressed."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from datareturns.benchmarks_selectors import (
    METRICS,
    PAY_METRICS,
    ScopeError,
    benchmark_results,
    scope_parse,
)
from datareturns.models import BenchmarkRow, BenchmarkSnapshot, ScopeKind

COMPUTED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _snapshot(scope, kind, *, region=None, group=None, la=None, placements=4, previous=None):
    snapshot = BenchmarkSnapshot.objects.create(
        scope=scope, kind=kind, region=region, group=group, local_authority=la, computed_at=COMPUTED
    )
    BenchmarkRow.objects.create(
        snapshot=snapshot,
        quarter="2026-Q2",
        role="all",
        placements=placements,
        previous_placements=previous,
        agency_fte=Decimal("4.00"),
        median_pay=Decimal("34.50"),
        mean_pay=Decimal("35.00"),
        spend=Decimal("12345.67"),
        change_median_pay=Decimal("0.50"),
    )
    return snapshot


@pytest.fixture
def snapshots(region, group, la, second_la, foreign_la, other_region):
    return {
        "england": _snapshot("england", ScopeKind.ENGLAND),
        "region": _snapshot(f"region:{region.slug}", ScopeKind.REGION, region=region),
        "foreign_region": _snapshot(f"region:{other_region.slug}", ScopeKind.REGION, region=other_region),
        "group": _snapshot(f"group:{region.slug}/{group.slug}", ScopeKind.GROUP, region=region, group=group),
        "la": _snapshot(f"la:{la.new_code}", ScopeKind.LA, region=region, group=group, la=la),
        "second_la": _snapshot(f"la:{second_la.new_code}", ScopeKind.LA, region=region, la=second_la),
        "foreign_la": _snapshot(f"la:{foreign_la.new_code}", ScopeKind.LA, region=other_region, la=foreign_la),
    }


def _scopes(user):
    return {r["scope"] for r in benchmark_results(user=user)[1]}


def test_scope_parse_accepts_dfe_number_and_ons_code(la):
    assert scope_parse(f"la:{la.old_code}").label == f"la:{la.new_code}"
    assert scope_parse(f"la:{la.new_code.lower()}").local_authority == la
    assert scope_parse("england").kind == ScopeKind.ENGLAND


def test_scope_parse_group_and_region(group, region):
    assert scope_parse(f"group:{region.slug}/{group.slug}").group == group
    assert scope_parse(f"region:{region.slug}").region == region


@pytest.mark.parametrize("label", ["", "wales", "region:", "region:nowhere", "la:999", "group:x/y", "la"])
def test_scope_parse_refuses_unknown_or_malformed(label, db):
    with pytest.raises(ScopeError):
        scope_parse(label)


def test_everyone_signed_in_sees_england_and_regions_only(snapshots, nobody, foreign_lead, la, region):
    assert _scopes(nobody) == {"england", f"region:{region.slug}", "region:london"}
    visible = _scopes(foreign_lead)
    assert f"la:{la.new_code}" not in visible
    assert "group:west-midlands/" + la.group.slug not in visible
    assert f"la:{foreign_lead.memberships.get().local_authority.new_code}" in visible


@pytest.mark.parametrize(
    "person", ["workforce_lead", "second_la_lead", "programme_manager", "sub_regional_lead", "riia_member"]
)
def test_people_of_the_region_see_its_groups_and_las(request, snapshots, person, la, second_la, foreign_la):
    visible = _scopes(request.getfixturevalue(person))
    assert {f"la:{la.new_code}", f"la:{second_la.new_code}", f"group:west-midlands/{la.group.slug}"} <= visible
    assert f"la:{foreign_la.new_code}" not in visible


@pytest.mark.parametrize("person", ["msp_uploader", "msp_viewer", "agency_contact", "foreign_programme_manager"])
def test_people_outside_the_region_are_refused_its_la_scope(request, snapshots, person, la):
    user = request.getfixturevalue(person)
    with pytest.raises(PermissionError):
        benchmark_results(user=user, scope=f"la:{la.old_code}")
    assert f"la:{la.new_code}" not in _scopes(user)


def _row(user, scope):
    (row,) = benchmark_results(user=user, scope=scope)[1]
    return row


def test_result_has_exactly_the_metric_names(snapshots, programme_manager):
    row = _row(programme_manager, "england")
    assert set(row) == {"scope", "quarter", "role", "suppressed", *METRICS}


def test_la_own_people_see_own_small_numbers_but_not_other_las(snapshots, workforce_lead, la, second_la):
    own = _row(workforce_lead, f"la:{la.new_code}")
    assert own["suppressed"] == [] and own["median_pay"] == Decimal("34.50")
    other = _row(workforce_lead, f"la:{second_la.new_code}")
    assert other["suppressed"] == list(PAY_METRICS)
    assert all(other[name] is None for name in PAY_METRICS)
    assert other["placements"] == 4
    group = _row(workforce_lead, f"group:west-midlands/{la.group.slug}")
    assert group["median_pay"] is None


def test_programme_manager_sees_small_numbers_of_own_region_only(snapshots, programme_manager, region, la):
    for scope in (f"la:{la.new_code}", f"group:west-midlands/{la.group.slug}", f"region:{region.slug}"):
        assert _row(programme_manager, scope)["suppressed"] == []
    assert _row(programme_manager, "region:london")["suppressed"] == list(PAY_METRICS)
    assert _row(programme_manager, "england")["suppressed"] == list(PAY_METRICS)


@pytest.mark.parametrize("person", ["sub_regional_lead", "riia_member"])
def test_other_region_staff_see_small_numbers_suppressed(request, snapshots, person, la):
    assert _row(request.getfixturevalue(person), f"la:{la.new_code}")["suppressed"] == list(PAY_METRICS)


def test_five_placements_are_not_suppressed_but_a_small_previous_quarter_hides_the_change(region, nobody):
    _snapshot(f"region:{region.slug}", ScopeKind.REGION, region=region, placements=5, previous=4)
    row = _row(nobody, f"region:{region.slug}")
    assert row["suppressed"] == ["change_median_pay"]
    assert row["median_pay"] == Decimal("34.50") and row["change_median_pay"] is None


def test_five_placements_both_quarters_nothing_suppressed(region, nobody):
    _snapshot(f"region:{region.slug}", ScopeKind.REGION, region=region, placements=5, previous=5)
    assert _row(nobody, f"region:{region.slug}")["suppressed"] == []


def test_filters_and_computed_at(snapshots, nobody):
    computed_at, rows = benchmark_results(user=nobody, scope="england", quarter="2026-Q2", role="all")
    assert computed_at == COMPUTED and len(rows) == 1
    assert benchmark_results(user=nobody, scope="england", quarter="2026-Q1")[1] == []
    with pytest.raises(ValueError):
        benchmark_results(user=nobody, quarter="2026-5")
    with pytest.raises(ValueError):
        benchmark_results(user=nobody, role="janitor")


def test_la_api_key_sees_its_region_and_its_own_small_numbers(snapshots, la, second_la, foreign_la):
    from riia.api.authentication import ApiKeyClient
    from riia.services_keys import api_key_create

    api_key, _ = api_key_create(actor=None, name="Dashboard feed", local_authority=la)
    client = ApiKeyClient(api_key)
    visible = _scopes(client)
    assert f"la:{second_la.new_code}" in visible and f"la:{foreign_la.new_code}" not in visible
    assert _row(client, f"la:{la.new_code}")["suppressed"] == []
    assert _row(client, f"la:{second_la.new_code}")["suppressed"] == list(PAY_METRICS)


def test_msp_api_key_sees_england_and_regions_only(snapshots, msp, la, region):
    from riia.api.authentication import ApiKeyClient
    from riia.services_keys import api_key_create

    api_key, _ = api_key_create(actor=None, name="Nightly export", msp=msp)
    client = ApiKeyClient(api_key)
    assert _scopes(client) == {"england", f"region:{region.slug}", "region:london"}
    with pytest.raises(PermissionError):
        benchmark_results(user=client, scope=f"la:{la.new_code}")
