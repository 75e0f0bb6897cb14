"""Each person's home page lists the breach requests waiting for them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from breaches.services.requests import breach_request_sign
from riia.models import Region, Role
from tests.breaches.factories import BreachRequestFactory, decided_request

pytestmark = pytest.mark.django_db


def home(client_for, person) -> str:
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 200
    return response.text


def test_lead_sees_drafts_and_returned_requests(client_for, workforce_lead, draft, la):
    returned = BreachRequestFactory(local_authority=la, submitted=True, status="returned", reference="BR-RET-00001")

    page = home(client_for, workforce_lead)

    assert "Your breach requests to finish" in page
    assert draft.reference in page and returned.reference in page


def test_dcs_sees_what_waits_for_their_signature_until_they_sign(client_for, awaiting_signatures, dcs, chief_executive):
    assert awaiting_signatures.reference in home(client_for, dcs)

    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)

    assert awaiting_signatures.reference not in home(client_for, dcs)
    assert awaiting_signatures.reference in home(client_for, chief_executive)


def test_other_las_dcs_sees_nothing_to_sign(client_for, awaiting_signatures, second_la):
    from tests.riia.factories import person_with_role

    other_dcs = person_with_role(Role.DCS, second_la)

    assert awaiting_signatures.reference not in home(client_for, other_dcs)


@pytest.mark.parametrize(
    ("level", "sees", "does_not_see"),
    [
        (Region.DecisionLevel.REGIONAL, "programme_manager", "sub_regional_lead"),
        (Region.DecisionLevel.SUB_REGIONAL, "sub_regional_lead", "programme_manager"),
    ],
)
def test_the_decider_sees_what_waits_for_their_decision(
    request, client_for, region, la, cap, level, sees, does_not_see
):
    Region.objects.filter(pk=region.pk).update(breach_decision_level=level)
    waiting = BreachRequestFactory(local_authority=la, submitted=True, status="awaiting_decision")

    assert waiting.reference in home(client_for, request.getfixturevalue(sees))
    assert waiting.reference not in home(client_for, request.getfixturevalue(does_not_see))


def test_every_la_member_in_the_region_sees_recent_decisions(client_for, la, cap, second_la_lead, foreign_lead):
    decided = decided_request(la, reference="BR-DEC-00001")

    assert "Recent breach decisions in your region" in home(client_for, second_la_lead)
    assert decided.reference in home(client_for, second_la_lead)
    assert decided.reference not in home(client_for, foreign_lead)


def test_home_page_queries_do_not_grow_with_requests(client_for, workforce_lead, la, cap):
    BreachRequestFactory(local_authority=la)
    decided_request(la, reference="BR-DEC-99999")
    client = client_for(workforce_lead)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))

    BreachRequestFactory.create_batch(6, local_authority=la)
    for n in range(6):
        decided_request(la, reference=f"BR-DEC-{n:05d}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))

    assert len(many.captured_queries) == len(few.captured_queries)
