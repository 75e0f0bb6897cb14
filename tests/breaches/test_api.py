"""The read-only breach request API: scoping per role (both ways), filters, detail by reference."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breaches.models import BreachRequestStatus
from tests.breaches.factories import BreachRequestFactory, decided_request
from tests.rates.factories import core_grade

pytestmark = pytest.mark.django_db

LIST = "/api/v1/breach-requests/"
DECISIONS = "/api/v1/breach-decisions/"


@pytest.fixture
def requests_of_dudley(la, cap):
    return {
        "draft": BreachRequestFactory(local_authority=la, reference="BR-100-00001"),
        "submitted": BreachRequestFactory(local_authority=la, submitted=True, reference="BR-100-00002"),
        "decided": decided_request(la, reference="BR-100-00003"),
    }


def references(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("workforce_lead", {"draft", "submitted", "decided"}),
        ("la_viewer", {"draft", "submitted", "decided"}),
        ("programme_manager", {"submitted", "decided"}),
        ("sub_regional_lead", {"submitted", "decided"}),
        ("second_la_lead", {"decided"}),
        ("foreign_lead", set()),
        ("foreign_programme_manager", set()),
        ("agency_contact", set()),
        ("nobody", set()),
    ],
)
def test_list_is_scoped_to_what_each_person_may_see(request, client_for, requests_of_dudley, person, expected):
    response = client_for(request.getfixturevalue(person)).get(LIST)

    assert references(response) == {requests_of_dudley[key].reference for key in expected}


def test_anonymous_callers_are_refused(client, requests_of_dudley):
    assert client.get(LIST).status_code == 403


def test_detail_by_reference_with_frozen_figures_and_decision(client_for, workforce_lead, requests_of_dudley):
    body = client_for(workforce_lead).get(f"{LIST}BR-100-00003/").json()

    assert body["status"] == "approved" and body["cap_rate"] == "35.00" and body["over_by"] == "5.00"
    assert body["decision"]["outcome"] == "approved"
    assert (
        body["role"] == "social-worker"
        and body["local_authority_code"] == requests_of_dudley["draft"].local_authority.old_code
    )


@pytest.mark.parametrize("person", ["second_la_lead", "foreign_lead"])
def test_detail_of_a_request_one_may_not_see_is_not_found(request, client_for, requests_of_dudley, person):
    response = client_for(request.getfixturevalue(person)).get(f"{LIST}BR-100-00001/")

    assert response.status_code == 404


def test_filters_by_status_la_and_role(client_for, workforce_lead, la, requests_of_dudley):
    client = client_for(workforce_lead)

    assert references(client.get(LIST, {"status": "awaiting_signatures"})) == {"BR-100-00002"}
    assert references(client.get(LIST, {"local_authority": la.old_code})) == {
        "BR-100-00001",
        "BR-100-00002",
        "BR-100-00003",
    }
    assert references(client.get(LIST, {"local_authority": "999"})) == set()
    assert len(references(client.get(LIST, {"role": core_grade().code}))) == 3
    assert references(client.get(LIST, {"role": "team-manager"})) == set()


def test_a_bad_status_filter_is_a_structured_400(client_for, workforce_lead, requests_of_dudley):
    response = client_for(workforce_lead).get(LIST, {"status": "pending"})

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["status"]


def test_decisions_are_visible_across_the_region_only(client_for, second_la_lead, foreign_lead, requests_of_dudley):
    assert references(client_for(second_la_lead).get(DECISIONS)) == {"BR-100-00003"}
    assert references(client_for(foreign_lead).get(DECISIONS)) == set()


def test_the_list_does_not_query_per_row(client_for, workforce_lead, la, cap):
    for n in range(8):
        decided_request(la, reference=f"BR-100-1{n:04d}", proposed_rate=Decimal("41.00"))
    client = client_for(workforce_lead)
    client.get(LIST)  # warm the session

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    BreachRequestFactory.create_batch(8, local_authority=la, status=BreachRequestStatus.DRAFT)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)

    assert len(many) == len(few)
