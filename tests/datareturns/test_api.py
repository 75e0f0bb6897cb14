"""The placement upload API through HTTP: keys, scope, status codes and the error format."""

import json

import pytest
from rest_framework.test import APIClient

from datareturns.models import Placement, Upload
from riia.services_keys import api_key_create, api_key_revoke
from tests.datareturns.conftest import csv_body, row

pytestmark = pytest.mark.django_db
UPLOADS = "/api/v1/placements/uploads/"


@pytest.fixture
def msp_key(msp):
    _, key = api_key_create(actor=None, name="Nightly export", msp=msp)
    return key


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def post_csv(client, body: bytes, **headers):
    return client.generic("POST", UPLOADS, body, content_type="text/csv", **headers)


def test_csv_upload_with_a_key_is_201_with_counts(msp_key, la_code, social_worker_cap):
    response = post_csv(client_with(msp_key), csv_body(row("A-1", la_code, pay="40.00", charge="55")))

    assert response.status_code == 201
    body = response.json()
    assert body["rows"] == 1 and body["created"] == 1 and body["flags"]["above_cap_unauthorised"] == 1
    assert Upload.objects.get().api_key.name == "Nightly export"


def test_json_upload_with_numbers_and_booleans(msp_key, la_code, social_worker_cap):
    placement = {
        "assignment_id": "J-1",
        "la_code": la_code,
        "worker_registration": "SW55",
        "role": "social-worker",
        "engagement_type": "paye",
        "hourly_pay_rate": 25.5,
        "charge_rate": 40,
        "start_date": "2026-05-01",
        "end_date": None,
        "hours_per_week": 37,
        "agency": "Acme",
        "project_team": False,
        "pqe_years": 3.5,
    }
    response = client_with(msp_key).post(
        UPLOADS, json.dumps({"placements": [placement]}), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert Placement.objects.get().pqe_years == 3.5


def test_row_errors_are_400_in_the_error_format_and_nothing_is_stored(msp_key, la_code, social_worker_cap):
    response = post_csv(client_with(msp_key), csv_body(row("A-1", la_code), row("A-2", la_code, start="2026-13-01")))

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "row": 3,
                "field": "start_date",
                "value": "2026-13-01",
                "message": "The start date must be a real date written YYYY-MM-DD or DD/MM/YYYY.",
            }
        ],
        "error_count": 1,
    }
    assert Placement.objects.count() == 0


def test_same_idempotency_key_replays_the_answer(msp_key, la_code, social_worker_cap):
    client = client_with(msp_key)
    body = csv_body(row("A-1", la_code))
    first = post_csv(client, body, HTTP_IDEMPOTENCY_KEY="k-1")

    again = post_csv(client, body, HTTP_IDEMPOTENCY_KEY="k-1")
    other = post_csv(client, csv_body(row("A-2", la_code)), HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.json() == first.json()


def test_identical_body_without_key_is_200_duplicate_of(msp_key, la_code, social_worker_cap):
    client = client_with(msp_key)
    body = csv_body(row("A-1", la_code))
    first = post_csv(client, body)

    again = post_csv(client, body)

    assert again.status_code == 200 and again.json()["duplicate_of"] == first.json()["id"]


def test_declared_body_over_the_limit_is_413_before_reading(msp_key, settings):
    settings.DATARETURNS_UPLOAD_MAX_BYTES = 100

    response = post_csv(client_with(msp_key), b"x" * 101)

    assert response.status_code == 413 and "larger than the limit" in response.json()["errors"][0]["message"]


def test_wrong_content_type_is_415(msp_key):
    response = client_with(msp_key).generic("POST", UPLOADS, b"a,b", content_type="application/xml")

    assert response.status_code == 415 and response.json()["errors"]


@pytest.mark.parametrize("header", ["Api-Key not-a-key", "Api-Key "])
def test_unknown_key_is_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = post_csv(client, b"a")

    assert response.status_code == 401 and response.json()["errors"]


def test_revoked_key_is_401(msp, msp_key):
    from riia.models import ApiKey

    api_key_revoke(actor=None, api_key=ApiKey.objects.get())

    response = post_csv(client_with(msp_key), b"a")

    assert response.status_code == 401


def test_key_of_one_msp_cannot_write_for_an_la_it_does_not_serve(msp_key, second_la, social_worker_cap):
    response = post_csv(client_with(msp_key), csv_body(row("A-1", second_la.old_code)))

    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "la_code"


def test_key_reads_only_what_its_msp_sent(msp_key, la, la_code, social_worker_cap):
    from tests.riia.factories import MSPFactory

    other = MSPFactory(name="Other MSP")
    other.local_authorities.add(la)
    _, other_key = api_key_create(actor=None, name="Other", msp=other)
    post_csv(client_with(msp_key), csv_body(row("A-1", la_code)))
    post_csv(client_with(other_key), csv_body(row("B-1", la_code, worker="SW9")))

    listed = client_with(msp_key).get("/api/v1/placements/").json()

    assert [p["assignment_id"] for p in listed["results"]] == ["A-1"]
    assert "worker_registration" not in listed["results"][0] and "worker_hash" not in listed["results"][0]


def test_placement_list_filters_by_quarter_and_flag(msp_key, la_code, social_worker_cap):
    post_csv(
        client_with(msp_key),
        csv_body(
            row("A-1", la_code, start="2026-05-01", end="2026-06-30"),
            row("A-2", la_code, worker="SW2", start="2026-07-01", pay="40", charge="55"),
        ),
    )
    client = client_with(msp_key)

    q2 = client.get("/api/v1/placements/?quarter=2026-Q2").json()["results"]
    above = client.get("/api/v1/placements/?flag=above_cap_unauthorised").json()["results"]
    bad = client.get("/api/v1/placements/?quarter=2026-5")

    assert [p["assignment_id"] for p in q2] == ["A-1"]
    assert [p["assignment_id"] for p in above] == ["A-2"] and above[0]["flags"][0]["code"] == "above_cap_unauthorised"
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "quarter"


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("msp_uploader", 201),
        ("workforce_lead", 201),
        ("msp_viewer", 403),
        ("la_viewer", 403),
        ("programme_manager", 403),
    ],
)
def test_who_may_upload_in_a_session(request, person, status, la_code, social_worker_cap):
    user = request.getfixturevalue(person)
    client = APIClient()
    client.force_authenticate(user)

    response = post_csv(client, csv_body(row("A-1", la_code)))

    assert response.status_code == status


def test_anonymous_upload_is_refused(db):
    response = post_csv(APIClient(), b"a")

    assert response.status_code in (401, 403)


def test_leavers_need_an_la_not_an_msp_key(msp_key, la_code):
    response = client_with(msp_key).generic(
        "POST",
        "/api/v1/leavers/uploads/",
        b"la_code,worker_registration,leave_date,leave_reason\n",
        content_type="text/csv",
    )

    assert response.status_code == 400 and "local authority" in response.json()["errors"][0]["message"]


def test_uploads_list_shows_own_uploads(msp_key, la_code, social_worker_cap):
    post_csv(client_with(msp_key), csv_body(row("A-1", la_code)))

    listed = client_with(msp_key).get(UPLOADS).json()["results"]

    assert listed[0]["rows"] == 1 and listed[0]["api_key"] == "Nightly export"


def test_schema_documents_the_upload_contract(client_for, workforce_lead):
    import yaml

    schema = yaml.safe_load(client_for(workforce_lead).get("/api/schema/").content)

    upload = schema["paths"]["/api/v1/placements/uploads/"]["post"]
    assert set(upload["requestBody"]["content"]) == {"text/csv", "application/json"}
    assert {"200", "201", "400", "401", "409", "413", "415", "422"} <= set(upload["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in upload["parameters"])
    assert {"ApiKey"} <= {name for item in upload["security"] for name in item}
    listing = schema["paths"]["/api/v1/placements/"]["get"]
    assert {"la", "quarter", "flag"} <= {p["name"] for p in listing["parameters"]}
    assert "/api/v1/leavers/uploads/" in schema["paths"]
