"""A decider whose colleague decided first, or a DCS whose colleague signed first
(tests/proof/test_concurrency.py races them through gunicorn): the page says so and shows the request
as it now stands, without a form inviting a second try that cannot succeed."""

import re

from django.urls import reverse

from breaches.models import BreachRequestStatus, Decision, Signature
from breaches.services.requests import breach_request_decide, breach_request_sign
from riia.models import Role
from tests.breaches.factories import BreachRequestFactory
from tests.riia.factories import person_with_role


def test_a_decision_posted_after_another_is_refused_on_the_page_as_it_now_stands(
    client_for, region, la, cap, programme_manager
):
    breach_request = BreachRequestFactory(
        local_authority=la, submitted=True, status=BreachRequestStatus.AWAITING_DECISION
    )
    colleague = person_with_role(Role.PROGRAMME_MANAGER, region, full_name="Paula First")
    breach_request_decide(breach_request=breach_request, actor=colleague, outcome=Decision.Outcome.APPROVED)

    response = client_for(programme_manager).post(
        reverse("breaches:request-decide", args=[breach_request.pk]),
        {"outcome": "rejected", "comment": "Recruit permanently instead"},
    )

    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page
    assert (
        f"Breach request {breach_request.reference} has already been decided (approved by Paula First). "
        "Your decision was not recorded." in page
    )
    tag = re.search(r'<p class="govuk-body"><strong class="govuk-tag[^"]*">([^<]+)</strong>', page).group(1)
    assert tag == "Approved"
    assert 'name="outcome"' not in page
    assert Decision.objects.get().outcome == Decision.Outcome.APPROVED


def test_a_signature_posted_after_another_dcs_signed_is_refused_without_the_form_again(client_for, la, cap, dcs):
    breach_request = BreachRequestFactory(local_authority=la, submitted=True)
    other_dcs = person_with_role(Role.DCS, la, full_name="Dev Second")
    sign = reverse("breaches:request-sign", args=[breach_request.pk])
    client = client_for(dcs)
    assert 'name="declaration"' in client.get(sign).text  # the page as it was opened, before the other signed
    breach_request_sign(breach_request=breach_request, actor=other_dcs, role=Role.DCS)

    response = client.post(sign, {"role": Role.DCS, "declaration": "on"})

    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page
    assert "The director of children&#x27;s services has already signed this request." in page
    assert 'name="declaration"' not in page
    assert f"Go back to breach request {breach_request.reference}" in page
    assert Signature.objects.get(breach_request=breach_request).signatory == other_dcs


def test_a_signature_refused_for_a_missing_declaration_keeps_the_form(client_for, la, cap, dcs):
    breach_request = BreachRequestFactory(local_authority=la, submitted=True)

    response = client_for(dcs).post(reverse("breaches:request-sign", args=[breach_request.pk]), {"role": Role.DCS})

    assert response.status_code == 400
    assert "Confirm the declaration to sign the request" in response.text
    assert 'name="declaration"' in response.text
