"""Defects schemathesis found in the placement and benchmark APIs (tests/proof/test_api_contract.py),
each held here by a small test that failed before its fix."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from riia.services_keys import api_key_create
from tests.datareturns.conftest import csv_body, row, send

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def msp_client(msp):
    _, key = api_key_create(actor=None, name="Nightly export", msp=msp)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.mark.parametrize("quarter", ["0000-Q1", "9999-Q4"])
def test_a_quarter_of_a_year_no_calendar_has_is_a_400_not_a_500(msp_client, quarter):
    # date(0, 1, 1) and date(10000, 1, 1) raised ValueError: a 500.
    response = msp_client.get("/api/v1/placements/", {"quarter": quarter})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "quarter"


def test_a_placement_without_msp_or_breach_request_is_null_where_the_schema_allows_null(
    schema, la, la_code, social_worker_cap, workforce_lead
):
    # An LA's own upload has no MSP, and most placements no breach request: both null, which the
    # schema called a string.
    from datareturns.services import UploadSource

    assert send(UploadSource(local_authority=la), csv_body(row(la_code=la_code))).status == 201
    client = APIClient()
    client.force_login(workforce_lead)
    [sent] = client.get("/api/v1/placements/").json()["results"]
    placement = schema["components"]["schemas"]["Placement"]["properties"]

    assert sent["msp"] is None and sent["breach_request"] is None
    assert placement["msp"].get("nullable") is True
    assert placement["breach_request"].get("nullable") is True


def test_the_benchmark_list_is_one_page_not_a_page_of_pages(schema):
    # The view's own paginated body was wrapped in another page: PaginatedPaginatedBenchmarkListList.
    answer = schema["paths"]["/api/v1/benchmarks/"]["get"]["responses"]["200"]["content"]["application/json"]

    assert answer["schema"] == {"$ref": "#/components/schemas/PaginatedBenchmarkList"}
    assert "computed_at" in schema["components"]["schemas"]["PaginatedBenchmarkList"]["properties"]
