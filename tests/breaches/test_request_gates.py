"""The sign, return, decide and submit pages refuse anyone without the role before reading the form
(found by tests/test_role_url_matrix.py: an empty POST to sign answered 500, and anyone who could
see a request reached these forms). The state is still the service's to explain."""

import pytest
from django.urls import reverse

from breaches.models import BreachRequestStatus
from riia.models import Role
from tests.breaches.factories import BreachRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_decision(la, workforce_lead, cap):
    return BreachRequestFactory(
        local_authority=la, created_by=workforce_lead, submitted=True, status=BreachRequestStatus.AWAITING_DECISION
    )


def _post(client, name, breach_request, data=None):
    return client.post(reverse(f"breaches:request-{name}", args=[breach_request.pk]), data or {})


@pytest.mark.parametrize("data", [{}, {"role": "nonsense"}, {"role": Role.WORKFORCE_LEAD}])
def test_a_signature_without_a_signing_role_is_a_form_error_not_a_crash(client_for, dcs, awaiting_signatures, data):
    response = _post(client_for(dcs), "sign", awaiting_signatures, data)

    assert response.status_code == 400
    assert not awaiting_signatures.signatures.exists()


@pytest.mark.parametrize("person", ["workforce_lead", "la_viewer", "programme_manager", "riia_member"])
def test_only_the_dcs_and_chief_executive_reach_the_signature(request, client_for, awaiting_signatures, person):
    client = client_for(request.getfixturevalue(person))

    assert _post(client, "sign", awaiting_signatures, {"role": Role.DCS}).status_code == 403
    assert not awaiting_signatures.signatures.exists()


@pytest.mark.parametrize("person", ["workforce_lead", "la_viewer", "sub_regional_lead", "riia_member"])
def test_people_who_neither_sign_nor_decide_cannot_return(request, client_for, awaiting_signatures, person):
    response = _post(client_for(request.getfixturevalue(person)), "return", awaiting_signatures, {"comment": "Why?"})

    assert response.status_code == 403
    awaiting_signatures.refresh_from_db()
    assert awaiting_signatures.status == BreachRequestStatus.AWAITING_SIGNATURES


def test_the_decider_returning_before_the_signatures_is_told_why(client_for, programme_manager, awaiting_signatures):
    response = _post(client_for(programme_manager), "return", awaiting_signatures, {"comment": "Why?"})

    assert response.status_code == 400 and "There is a problem" in response.text
    awaiting_signatures.refresh_from_db()
    assert awaiting_signatures.status == BreachRequestStatus.AWAITING_SIGNATURES


@pytest.mark.parametrize("person", ["dcs", "chief_executive"])
def test_the_dcs_and_chief_executive_reach_the_signature_form(request, client_for, awaiting_signatures, person):
    client = client_for(request.getfixturevalue(person))

    assert _post(client, "sign", awaiting_signatures).status_code == 400  # the empty form is refused
    assert _post(client, "return", awaiting_signatures).status_code == 400


@pytest.mark.parametrize("person", ["workforce_lead", "dcs", "sub_regional_lead", "riia_member"])
def test_only_the_decider_reaches_the_decision(request, client_for, awaiting_decision, person):
    client = client_for(request.getfixturevalue(person))

    assert _post(client, "decide", awaiting_decision, {"outcome": "approved"}).status_code == 403
    awaiting_decision.refresh_from_db()
    assert awaiting_decision.status == BreachRequestStatus.AWAITING_DECISION


def test_the_decider_reaches_the_decision_form(client_for, programme_manager, awaiting_decision):
    client = client_for(programme_manager)

    assert _post(client, "decide", awaiting_decision).status_code == 400
    assert _post(client, "return", awaiting_decision).status_code == 400


@pytest.mark.parametrize(("person", "status"), [("dcs", 403), ("la_viewer", 403), ("workforce_lead", 302)])
def test_only_the_workforce_lead_submits(request, client_for, draft, person, status):
    response = _post(client_for(request.getfixturevalue(person)), "submit", draft)

    assert response.status_code == status
    draft.refresh_from_db()
    assert (draft.status == BreachRequestStatus.AWAITING_SIGNATURES) is (status == 302)
