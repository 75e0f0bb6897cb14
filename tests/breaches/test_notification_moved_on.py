"""Issue 12: a notification about a request that has since moved on says so on the notifications
page, from the request's current status when the page is drawn (set-based: no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from breaches.models import BreachRequest
from breaches.services.requests import (
    breach_request_decide,
    breach_request_sign,
    breach_request_submit,
    breach_request_withdraw,
)
from riia.models import Notification, Role
from tests.breaches.factories import BreachRequestFactory

pytestmark = pytest.mark.django_db


def _submitted(la, workforce_lead, **kwargs) -> BreachRequest:
    draft = BreachRequestFactory(local_authority=la, created_by=workforce_lead, **kwargs)
    return breach_request_submit(breach_request=draft, actor=workforce_lead)


def test_a_signature_request_says_the_request_has_since_been_decided(
    la, cap, workforce_lead, dcs, chief_executive, programme_manager, client_for
):
    request = _submitted(la, workforce_lead)
    breach_request_sign(breach_request=request, actor=dcs, role=Role.DCS)
    breach_request_sign(breach_request=request, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)

    html = client_for(dcs).get(reverse("notifications")).content.decode()
    assert "This request has since been signed and is waiting for a decision." in html

    breach_request_decide(breach_request=request, actor=programme_manager, outcome="approved")

    html = client_for(dcs).get(reverse("notifications")).content.decode()
    assert "This request has since been decided: it was approved." in html
    # The decision itself is news of the current status: nothing to add to it.
    decided = Notification.objects.get(recipient=dcs, subject__startswith="Your breach request")
    assert decided.about_status == "approved"
    assert html.count("This request has since") == 1


def test_a_notification_about_a_request_still_where_it_was_says_nothing_more(la, cap, workforce_lead, dcs, client_for):
    _submitted(la, workforce_lead)

    html = client_for(dcs).get(reverse("notifications")).content.decode()
    assert "is waiting for your signature" in html
    assert "has since" not in html


def test_the_decider_is_told_a_withdrawn_request_needs_nothing(
    la, cap, workforce_lead, dcs, chief_executive, programme_manager, client_for
):
    request = _submitted(la, workforce_lead)
    breach_request_sign(breach_request=request, actor=dcs, role=Role.DCS)
    breach_request_sign(breach_request=request, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)
    breach_request_withdraw(breach_request=request, actor=workforce_lead)

    html = client_for(programme_manager).get(reverse("notifications")).content.decode()
    assert "This request has since been withdrawn." in html


def test_the_page_reads_the_statuses_in_one_query_whatever_the_number(la, cap, workforce_lead, dcs, client_for):
    _submitted(la, workforce_lead, reference="BR-100-00001")
    client = client_for(dcs)
    client.get(reverse("notifications"))  # warm the session and content type caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications"))

    for n in range(2, 7):
        request = _submitted(la, workforce_lead, reference=f"BR-100-0000{n}")
        BreachRequest.objects.filter(pk=request.pk).update(status="approved")
    with CaptureQueriesContext(connection) as six:
        html = client.get(reverse("notifications")).content.decode()

    assert html.count("This request has since been decided: it was approved.") == 5
    assert len(six.captured_queries) == len(one.captured_queries)
