"""Authorization: Api-Key <key>: the key lifecycle seen from the API (whoami), refusals in the error
format, last use recorded at most once a minute, and keys refused on the session-only APIs."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from riia.api.authentication import ApiKeyClient
from riia.models import ApiKey
from riia.services_keys import api_key_create, api_key_revoke, expiry_moment

pytestmark = pytest.mark.django_db

WHOAMI = "/api/v1/whoami/"


@pytest.fixture
def msp_key(msp, second_la):
    msp.local_authorities.add(second_la)
    return api_key_create(actor=None, name="Nightly upload", msp=msp)


def with_key(client, key, url=WHOAMI):
    return client.get(url, HTTP_AUTHORIZATION=f"Api-Key {key}")


def refusal(response) -> str:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Api-Key"
    [error] = response.json()["errors"]
    assert error["field"] is None
    return error["message"]


def test_an_msp_key_authenticates_as_its_msp(client, msp, la, second_la, msp_key):
    api_key, key = msp_key

    response = with_key(client, key)

    assert response.status_code == 200
    assert response.json() == {
        "kind": "msp",
        "organisation": {
            "kind": "msp",
            "name": "Midlands MSP",
            "slug": msp.slug,
            "local_authorities": sorted([la.old_code, second_la.old_code]),
        },
        "key": {"name": "Nightly upload", "prefix": api_key.prefix, "expiry_date": None},
    }


def test_an_la_key_authenticates_as_its_la(client, la):
    api_key, key = api_key_create(actor=None, name="Leavers", local_authority=la)

    body = with_key(client, key).json()

    assert body["kind"] == "la"
    assert body["organisation"] == {
        "kind": "la",
        "name": "Dudley",
        "slug": la.slug,
        "dfe_code": la.old_code,
        "ons_code": la.new_code,
        "region": "west-midlands",
    }


def test_the_keyword_is_case_insensitive_as_in_the_library(client, msp_key):
    assert client.get(WHOAMI, HTTP_AUTHORIZATION=f"api-key {msp_key[1]}").status_code == 200


def test_a_revoked_key_is_refused(client, programme_manager, msp_key):
    api_key, key = msp_key
    api_key_revoke(actor=programme_manager, api_key=api_key)

    assert refusal(with_key(client, key)) == "This API key has been revoked"


def test_an_expired_key_is_refused_saying_when_it_expired(client, msp_key):
    api_key, key = msp_key
    ApiKey.objects.filter(pk=api_key.pk).update(expiry_date=expiry_moment(date(2026, 3, 1)))

    assert refusal(with_key(client, key)) == "This API key expired on 1 March 2026"


def test_a_key_works_until_its_expiry_day(client, msp):
    _, key = api_key_create(actor=None, name="Short", msp=msp, expiry_date=timezone.localdate() + timedelta(days=1))

    assert with_key(client, key).status_code == 200


@pytest.mark.parametrize("kind", ["unknown prefix", "right prefix, wrong secret", "no dot"])
def test_an_unknown_key_is_refused(client, msp_key, kind):
    api_key, key = msp_key
    sent = {
        "unknown prefix": "zzzzzzzz.abcdefabcdefabcdefabcdefabcdefab",
        "right prefix, wrong secret": f"{api_key.prefix}.{'x' * 32}",
        "no dot": "justsomething",
    }[kind]

    assert refusal(with_key(client, sent)) == "Unknown API key"
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at is None


def test_a_revoked_prefix_with_a_wrong_secret_says_unknown_not_revoked(client, msp_key):
    api_key, _ = msp_key
    api_key_revoke(actor=None, api_key=api_key)

    assert refusal(with_key(client, f"{api_key.prefix}.{'x' * 32}")) == "Unknown API key"


def test_an_empty_key_is_refused_with_how_to_send_it(client, msp_key):
    response = client.get(WHOAMI, HTTP_AUTHORIZATION="Api-Key  ")

    assert "Authorization: Api-Key <key>" in refusal(response)


def test_last_use_is_recorded_at_most_once_a_minute(client, msp_key):
    api_key, key = msp_key

    with_key(client, key)
    first = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert first is not None

    with CaptureQueriesContext(connection) as queries:
        assert with_key(client, key).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at == first

    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=first - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as queries:
        with_key(client, key)
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # One conditional UPDATE, never a read-modify-write that could move the time back.
    assert '"last_used_at" IS NULL OR' in update and '"last_used_at" <' in update
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at > first


def test_without_a_key_the_session_still_applies(client_for, msp_uploader, msp):
    body = client_for(msp_uploader).get(WHOAMI).json()

    assert body["kind"] == "person"
    assert body["person"]["name"] == "Uma Uploader"
    assert body["roles"] == [
        {
            "role": "msp_uploader",
            "role_name": "MSP uploader",
            "organisation": {
                "kind": "msp",
                "name": "Midlands MSP",
                "slug": msp.slug,
                "local_authorities": [msp.local_authorities.get().old_code],
            },
        }
    ]


def test_with_neither_key_nor_session_whoami_is_a_401_naming_the_scheme(client):
    assert refusal(client.get(WHOAMI)).startswith("Sign in, or send an API key")


@pytest.mark.parametrize(
    "url", ["/api/v1/regions/west-midlands/caps/", "/api/v1/breach-requests/", "/api/v1/breach-decisions/"]
)
def test_keys_do_not_work_on_the_session_only_apis(client, region, msp_key, url):
    response = with_key(client, msp_key[1], url)

    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] is None
    assert ApiKey.objects.get(pk=msp_key[0].pk).last_used_at is None


def test_the_client_is_an_organisation_not_a_person(msp_key):
    api_key, _ = msp_key
    client = ApiKeyClient(api_key)

    assert client.is_authenticated and not client.is_anonymous and client.is_active and client.pk is None
    assert client.msp == api_key.msp and client.local_authority is None
    assert str(client) == f"API key Nightly upload ({api_key.prefix}) of Midlands MSP"
    assert not client.has_perm("rates.view_ratecard", api_key.msp)


def test_the_schema_documents_the_key_scheme_and_whoami(client_for, workforce_lead):
    schema = client_for(workforce_lead).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "An API key made on the service's API keys page, sent as `Api-Key <key>`.",
    }
    whoami = schema["paths"]["/api/v1/whoami/"]["get"]
    assert {"ApiKey": []} in whoami["security"]
    assert set(whoami["responses"]) == {"200", "401"}
    caps = schema["paths"]["/api/v1/regions/{slug}/caps/"]["get"]
    assert {"ApiKey": []} not in caps["security"]
    error = schema["components"]["schemas"]["ErrorItem"]
    assert set(error["properties"]) == {"row", "field", "value", "message"}
    assert set(error["required"]) == {"field", "message"}
