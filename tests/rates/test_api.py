from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from rates.lookup import paye_equivalent
from rates.models import CoreJobType
from tests.rates.factories import RoleGradeFactory, publish_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def caps(region, programme_manager, grades):
    publish_card(region, programme_manager, effective_from=date(2026, 4, 1), notify=False)


def caps_url(region, **query):
    url = reverse("api-region-caps", args=[region.slug])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


@pytest.mark.parametrize("person", ["msp_uploader", "msp_viewer", "workforce_lead", "programme_manager", "riia_member"])
def test_region_members_and_serving_msps_get_the_caps_on_a_date(request, client_for, region, caps, person):
    response = client_for(request.getfixturevalue(person)).get(caps_url(region, on="2026-04-01"))

    assert response.status_code == 200
    body = response.json()
    assert body["region"] == {"slug": "west-midlands", "name": "West Midlands"}
    assert body["on"] == "2026-04-01"
    social = next(c for c in body["caps"] if c["role_grade"]["core_type"] == CoreJobType.SOCIAL_WORKER)
    assert social == {
        "role_grade": {
            "code": "social-worker",
            "name": "Social worker",
            "core_type": "social_worker",
            "region_slug": None,
        },
        "limited_company_umbrella_hourly_cap": "35.00",
        "paye_hourly_cap": str(paye_equivalent(Decimal("35.00"))),
        "effective_from": "2026-04-01",
        "effective_to": None,
        "applies_via": None,
    }
    assert len(body["caps"]) == 5


def test_before_the_first_card_there_are_no_caps(client_for, region, caps, workforce_lead):
    assert client_for(workforce_lead).get(caps_url(region, on="2026-03-31")).json()["caps"] == []


def test_date_defaults_to_today(client_for, region, caps, workforce_lead, today):
    assert client_for(workforce_lead).get(caps_url(region)).json()["on"] == today.isoformat()


def test_local_grade_without_its_own_cap_says_which_cap_applies(client_for, region, caps, workforce_lead):
    RoleGradeFactory(region=region, code="wm-experienced", name="Experienced social worker", core_type="social_worker")

    body = client_for(workforce_lead).get(caps_url(region, on="2026-05-01")).json()

    local = next(c for c in body["caps"] if c["role_grade"]["code"] == "wm-experienced")
    assert local["applies_via"] == "social-worker" and local["limited_company_umbrella_hourly_cap"] == "35.00"
    assert local["role_grade"]["region_slug"] == "west-midlands"


@pytest.mark.parametrize("bad", ["01-04-2026", "2026-02-30", "2026-13-01", "tomorrow"])
def test_bad_date_is_a_400_naming_the_field(client_for, region, caps, workforce_lead, bad):
    response = client_for(workforce_lead).get(caps_url(region, on=bad))

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "on", "message": "Enter the date as YYYY-MM-DD, for example 2026-04-01."}]
    }


@pytest.mark.parametrize("person", ["foreign_lead", "foreign_programme_manager", "agency_contact", "nobody"])
def test_non_members_are_refused(request, client_for, region, caps, person):
    response = client_for(request.getfixturevalue(person)).get(caps_url(region))

    assert response.status_code == 403
    assert response.json() == {"errors": [{"field": None, "message": "You do not have a role in this region."}]}


def test_anonymous_gets_a_json_403_not_a_sign_in_page(client, region, caps):
    response = client.get(caps_url(region))

    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] is None


def test_unknown_region_is_404(client_for, workforce_lead):
    assert client_for(workforce_lead).get("/api/v1/regions/atlantis/caps/").status_code == 404


def test_the_api_is_read_only(client_for, region, caps, programme_manager):
    assert client_for(programme_manager).post(caps_url(region), {}).status_code == 405


def test_schema_and_docs_need_sign_in_and_describe_the_caps_endpoint(client, client_for, workforce_lead):
    assert client.get("/api/schema/").status_code == 302
    assert client.get("/api/docs/").status_code == 302

    signed_in = client_for(workforce_lead)
    schema = signed_in.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/regions/{slug}/caps/" in schema.content
    assert signed_in.get("/api/docs/").status_code == 200
