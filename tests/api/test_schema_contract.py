"""What the published OpenAPI schema says about errors and links (riia/api/schema.py): the answers
schemathesis found undocumented (tests/proof/test_api_contract.py), and the links its stateful phase
follows."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.riia.factories import person_with_role


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_its_error_answers_in_the_error_format(schema):
    # Before: a 404 of a detail, a 400 of a bad filter and a 403 without a role were undocumented.
    for path, method, operation in _operations(schema):
        if path == "/api/v1/whoami/":
            continue  # no parameters, and anyone signed in may ask: only 401 (WhoAmIView.error_answers)
        responses = operation["responses"]
        expected = {"400", "403"} | ({"404"} if "{" in path else set())
        assert expected <= set(responses), f"{method} {path}: {sorted(responses)}"
        for code in expected:
            body = responses[code]["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("/Error") or body["$ref"].endswith("/RowErrors"), (method, path, code)


def test_key_operations_document_401_and_session_only_ones_do_not(schema):
    key_taking = {path for path, _, op in _operations(schema) if {"ApiKey": []} in op.get("security", [])}
    for path, method, operation in _operations(schema):
        assert ("401" in operation["responses"]) == (path in key_taking), f"{method} {path}"


def test_the_schema_page_is_not_an_operation_of_the_api(schema):
    assert "/api/schema/" not in schema["paths"]


def test_uploads_link_to_their_detail_and_requests_to_their_decision(schema):
    paths = schema["paths"]
    upload = paths["/api/v1/placements/uploads/"]["post"]["responses"]["201"]["links"]["GetUpload"]
    assert upload == {
        "operationId": "v1_placements_uploads_retrieve",
        "parameters": {"id": "$response.body#/id"},
        "description": "The upload just stored (or stored before).",
    }
    assert "GetUpload" in paths["/api/v1/leavers/uploads/"]["post"]["responses"]["201"]["links"]
    decision = paths["/api/v1/breach-requests/{reference}/"]["get"]["responses"]["200"]["links"]["GetDecision"]
    assert decision["operationId"] == "v1_breach_decisions_retrieve"
    operation_ids = {op["operationId"] for _, _, op in _operations(schema)}
    for _, _, operation in _operations(schema):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in operation_ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/placements/uploads/not-a-number/",
        "/api/v1/breach-requests/%C2%84/",
        "/api/v1/regions/%C3%87%C3%87/caps/",
        "/api/v1/no-such-thing/",
    ],
)
def test_an_api_address_no_view_matches_is_a_404_in_the_error_format(settings, la, path):
    # Before: Django's HTML 404 page (its technical page in debug), which API clients cannot parse.
    settings.DEBUG = True  # the technical 404 is what a development server answered
    client = APIClient()
    client.force_login(person_with_role("workforce_lead", la))

    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "errors": [{"field": None, "message": "Not found. Check the address, or you may not have access to it."}]
    }


@pytest.mark.django_db
def test_a_page_address_that_matches_nothing_is_still_a_page(client, la):
    client.force_login(person_with_role("workforce_lead", la))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
