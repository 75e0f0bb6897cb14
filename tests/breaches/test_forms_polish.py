"""Issue 12, forms that accept what people type: money with or without the pound sign and pence, a
comma decimal explained, the error summary in page order, sign-in in any case of the address."""

import pytest
from django.urls import reverse

from breaches.models import BreachRequest
from tests.breaches.test_request_views import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "stored"), [("£45.50", "45.50"), ("45.50", "45.50"), ("45.5", "45.50")])
def test_proposed_rate_is_accepted_as_people_type_it(client_for, workforce_lead, la, cap, typed, stored):
    client_for(workforce_lead).post(reverse("breaches:request-new"), form_data(la, proposed_rate=typed, action="draft"))

    assert str(BreachRequest.objects.get().proposed_rate) == stored


def test_a_comma_decimal_is_explained(client_for, workforce_lead, la, cap):
    response = client_for(workforce_lead).post(reverse("breaches:request-new"), form_data(la, proposed_rate="45,50"))

    assert 'href="#id_proposed_rate">Use a full stop, not a comma, for the decimal point: enter 45.50, not 45,50' in (
        response.text
    )
    assert not BreachRequest.objects.exists()


def test_error_summary_lists_errors_in_page_order(client_for, workforce_lead, la, cap):
    response = client_for(workforce_lead).post(
        reverse("breaches:request-new"),
        form_data(la, proposed_rate="", contract_start="", reason="", confirms_no_other_breach=None),
    )
    summary = response.text[response.text.index("govuk-error-summary__list") :]

    # On the page: contract start, then the rate, then the reason, then the confirmation.
    order = ["#id_contract_start_0", "#id_proposed_rate", "#id_reason", "#id_confirms_no_other_breach"]
    positions = [summary.index(f'href="{anchor}"') for anchor in order]
    assert positions == sorted(positions)


def test_sign_in_accepts_any_case_of_the_email_address(client, workforce_lead):
    response = client.post(
        reverse("login"), {"username": workforce_lead.email.upper(), "password": "correct-horse-battery"}
    )

    assert response.status_code == 302 and response.url == reverse("home")


def test_sign_in_with_a_wrong_password_is_still_refused_in_any_case(client, workforce_lead):
    response = client.post(reverse("login"), {"username": workforce_lead.email.upper(), "password": "wrong"})

    assert response.status_code == 200 and "Enter a correct email address and password" in response.text
