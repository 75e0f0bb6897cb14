"""GET /api/v1/benchmarks/: the same figures as the selector, for what the caller may see."""

import pytest

from datareturns.benchmarks import benchmarks_recompute
from datareturns.benchmarks_selectors import METRICS, PAY_METRICS
from riia.services_keys import api_key_create
from tests.datareturns.benchmark_world import QUARTERS, TODAY, world_create

URL = "/api/v1/benchmarks/"


@pytest.fixture
def world(region, group, la, second_la, foreign_la):
    world_create(region=region, la=la, second_la=second_la, foreign_la=foreign_la)
    benchmarks_recompute(today=TODAY)


def test_results_have_exactly_the_contract_fields(client_for, world, workforce_lead, la):
    answer = client_for(workforce_lead).get(URL, {"scope": f"la:{la.old_code}", "quarter": "2026-Q2", "role": "all"})
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"computed_at", "count", "next", "previous", "results"}
    assert body["computed_at"] is not None and body["count"] == 1
    (result,) = body["results"]
    assert set(result) == {"scope", "quarter", "role", "suppressed", *METRICS}
    assert result["scope"] == f"la:{la.new_code}" and result["placements"] == 5
    assert result["median_pay"] == "36.00" and result["spend"] == "73013.57" and result["suppressed"] == []


def test_small_numbers_are_null_and_named_for_people_outside_the_la(client_for, world, second_la_lead, la):
    answer = client_for(second_la_lead).get(URL, {"scope": f"la:{la.new_code}", "quarter": "2026-Q2"})
    rows = {r["role"]: r for r in answer.json()["results"]}
    assert rows["social_worker"]["suppressed"] == list(PAY_METRICS)
    assert all(rows["social_worker"][m] is None for m in PAY_METRICS)
    assert rows["social_worker"]["placements"] == 4
    assert rows["all"]["median_pay"] == "36.00" and rows["all"]["suppressed"] == ["change_median_pay"]


def test_programme_manager_sees_the_regions_small_numbers(client_for, world, programme_manager, la):
    answer = client_for(programme_manager).get(URL, {"scope": f"la:{la.new_code}", "quarter": "2026-Q2"})
    assert all(r["suppressed"] == [] for r in answer.json()["results"])


@pytest.mark.parametrize("person", ["foreign_lead", "foreign_programme_manager", "msp_viewer", "agency_contact"])
def test_another_regions_la_figures_are_refused(request, client_for, world, person, la):
    answer = client_for(request.getfixturevalue(person)).get(URL, {"scope": f"la:{la.old_code}"})
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["field"] is None


@pytest.mark.parametrize("person", ["second_la_lead", "sub_regional_lead", "riia_member", "programme_manager"])
def test_the_regions_people_see_its_la_figures(request, client_for, world, person, la):
    answer = client_for(request.getfixturevalue(person)).get(URL, {"scope": f"la:{la.old_code}"})
    assert answer.status_code == 200 and answer.json()["count"] == len(QUARTERS) * 6


def test_without_a_scope_every_visible_scope_is_listed_and_paginated(client_for, world, foreign_lead, foreign_la):
    answer = client_for(foreign_lead).get(URL, {"quarter": "2026-Q2", "role": "all", "limit": 2})
    body = answer.json()
    assert body["count"] == 4  # England, two regions, Camden: no West Midlands LA or group
    assert len(body["results"]) == 2 and body["next"]
    scopes = {
        r["scope"] for r in client_for(foreign_lead).get(URL, {"quarter": "2026-Q2", "role": "all"}).json()["results"]
    }
    assert scopes == {"england", "region:west-midlands", "region:london", f"la:{foreign_la.new_code}"}


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ({"scope": "la:999"}, "scope", "la:999"),
        ({"scope": "wales"}, "scope", "wales"),
        ({"quarter": "2026-Q5"}, "quarter", "2026-Q5"),
        ({"role": "janitor"}, "role", "janitor"),
    ],
)
def test_bad_filters_are_400_with_field_and_value(client_for, world, nobody, query, field, value):
    answer = client_for(nobody).get(URL, query)
    assert answer.status_code == 400
    (error,) = answer.json()["errors"]
    assert error["field"] == field and error["value"] == value and error["message"]


def test_signed_out_is_refused(client, world):
    assert client.get(URL).status_code in (401, 403)


def test_la_api_key_sees_its_region_and_its_own_small_numbers(client, world, la, foreign_la):
    _, key = api_key_create(actor=None, name="Dashboards", local_authority=la)
    headers = {"Authorization": f"Api-Key {key}"}
    own = client.get(
        URL, {"scope": f"la:{la.new_code}", "quarter": "2026-Q2", "role": "social_worker"}, headers=headers
    )
    assert own.status_code == 200 and own.json()["results"][0]["median_pay"] == "35.00"
    assert client.get(URL, {"scope": f"la:{foreign_la.new_code}"}, headers=headers).status_code == 403


def test_msp_api_key_sees_england_and_regions_only(client, world, msp, la):
    _, key = api_key_create(actor=None, name="Nightly", msp=msp)
    headers = {"Authorization": f"Api-Key {key}"}
    assert client.get(URL, {"scope": "england"}, headers=headers).status_code == 200
    assert client.get(URL, {"scope": f"la:{la.new_code}"}, headers=headers).status_code == 403
    scopes = {r["scope"] for r in client.get(URL, {"quarter": "2026-Q2"}, headers=headers).json()["results"]}
    assert scopes == {"england", "region:west-midlands", "region:london"}
