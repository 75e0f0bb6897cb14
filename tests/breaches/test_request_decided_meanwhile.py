"""A decider whose colleague decided first (tests/proof/test_concurrency.py races the two through
gunicorn): the page says so and shows the request as it now stands, without a form inviting a second
decision."""

import re

from django.urls import reverse

from breaches.models import BreachRequestStatus, Decision
from breaches.services.requests import breach_request_decide
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
