"""Issue 12, lists and registers: the request list and the decisions register filter by status, LA,
role and quarter from the address, sort, paginate and download as CSV; a rejection's reason shows in
the register; references never wrap."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from breaches.models import Decision
from breaches.services.requests import breach_request_submit
from breaches.views.requests import PAGE_SIZE
from tests.breaches.factories import BreachRequestFactory, DecisionFactory, decided_request

pytestmark = pytest.mark.django_db


def _at(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 10, 0))


@pytest.fixture
def requests_of_two_las(la, second_la, cap):
    return {
        "dudley_open": BreachRequestFactory(
            local_authority=la, submitted=True, reference="BR-100-00001", submitted_at=_at(2026, 5, 4)
        ),
        "dudley_draft": BreachRequestFactory(local_authority=la, reference="BR-100-00002"),
        "coventry_approved": decided_request(
            second_la, reference="BR-200-00001", submitted_at=_at(2026, 8, 3), proposed_rate=Decimal("44.00")
        ),
    }


def listed(client, **query):
    return client.get(reverse("breaches:request-list"), query).text


def test_request_list_filters_by_status_la_and_quarter(client_for, programme_manager, la, requests_of_two_las):
    client = client_for(programme_manager)

    assert "BR-200-00001" in listed(client, status="approved") and "BR-100-00001" not in listed(
        client, status="approved"
    )
    by_la = listed(client, local_authority=la.slug)
    assert "BR-100-00001" in by_la and "BR-200-00001" not in by_la
    q3 = listed(client, quarter="2026-Q3")
    assert "BR-200-00001" in q3 and "BR-100-00001" not in q3


def test_request_list_filters_by_role(client_for, workforce_lead, la, cap, requests_of_two_las):
    from tests.rates.factories import core_grade

    other = BreachRequestFactory(local_authority=la, reference="BR-100-00009", role_grade=core_grade("team_manager"))
    page = listed(client_for(workforce_lead), role_grade=other.role_grade.code)

    assert "BR-100-00009" in page and "BR-100-00002" not in page


def test_request_list_sorts_by_rate(client_for, programme_manager, requests_of_two_las):
    page = listed(client_for(programme_manager), sort="rate-high")

    assert page.index("BR-200-00001") < page.index("BR-100-00001")


def test_a_bad_quarter_in_the_address_is_explained(client_for, programme_manager, requests_of_two_las):
    page = listed(client_for(programme_manager), quarter="2026-Q9")

    assert "Enter a quarter like 2026-Q3" in page and "BR-100-00001" not in page


def test_request_list_shows_who_submitted_it_and_when(client_for, workforce_lead, la, cap):
    draft = BreachRequestFactory(local_authority=la, reference="BR-100-00005")
    breach_request_submit(breach_request=draft, actor=workforce_lead)

    page = listed(client_for(workforce_lead))

    assert f"by {workforce_lead.full_name}" in page
    assert f"{timezone.localdate():%-d %b %Y}" in page


def test_request_list_is_paginated(client_for, workforce_lead, la, cap):
    for n in range(PAGE_SIZE + 3):
        BreachRequestFactory(local_authority=la, reference=f"BR-100-{n:05d}")

    client = client_for(workforce_lead)
    first, second = listed(client), listed(client, page="2")

    assert "page 1 of 2" in first and 'rel="next"' in first
    assert second.count('class="govuk-table__cell app-nowrap"') == 3


def test_request_csv_has_every_filtered_row_with_the_decision(client_for, programme_manager, requests_of_two_las):
    response = client_for(programme_manager).get(reverse("breaches:request-export"), {"status": "approved"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["reference"] for r in rows] == ["BR-200-00001"]
    assert rows[0]["decision"] == "Approved" and rows[0]["submitted_on"] == "2026-08-03"


def test_request_csv_is_scoped_like_the_list(client_for, second_la_lead, requests_of_two_las):
    response = client_for(second_la_lead).get(reverse("breaches:request-export"))

    text = b"".join(response.streaming_content).decode()
    assert "BR-200-00001" in text and "BR-100-00001" not in text


# --- the decisions register ------------------------------------------------------------------


@pytest.fixture
def rejected(la, cap):
    breach_request = BreachRequestFactory(
        local_authority=la, submitted=True, status="rejected", reference="BR-100-00007", submitted_at=_at(2026, 7, 1)
    )
    DecisionFactory(breach_request=breach_request, outcome=Decision.Outcome.REJECTED, comment="The cap is enough.")
    return breach_request


def test_decisions_register_shows_the_rejection_reason(client_for, region, second_la_lead, rejected):
    page = client_for(second_la_lead).get(reverse("breaches:region-decisions", args=[region.slug])).text

    assert "Reason: The cap is enough." in page
    assert '<td class="govuk-table__cell app-nowrap"><a class="govuk-link"' in page  # the reference never wraps


def test_rejection_reason_is_on_the_request_page(client_for, workforce_lead, rejected):
    page = client_for(workforce_lead).get(reverse("breaches:request-detail", args=[rejected.pk])).text

    assert "Reason for rejecting it" in page and "The cap is enough." in page


def test_decisions_register_filters_by_outcome_and_downloads(
    client_for, region, programme_manager, rejected, requests_of_two_las
):
    client = client_for(programme_manager)
    url = reverse("breaches:region-decisions", args=[region.slug])

    page = client.get(url, {"status": "rejected"}).text
    assert "BR-100-00007" in page and "BR-200-00001" not in page

    response = client.get(reverse("breaches:region-decisions-export", args=[region.slug]), {"status": "rejected"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["reference"], r["decision_comment_or_reason"]) for r in rows] == [("BR-100-00007", "The cap is enough.")]


def test_decisions_export_is_refused_outside_the_region(client_for, region, foreign_lead, rejected):
    response = client_for(foreign_lead).get(reverse("breaches:region-decisions-export", args=[region.slug]))

    assert response.status_code in (403, 404)


@pytest.mark.parametrize("url_name", ["breaches:request-list", "breaches:register", "breaches:sanction-list"])
def test_lists_have_a_print_link(client_for, programme_manager, url_name):
    page = client_for(programme_manager).get(reverse(url_name)).text

    assert 'data-module="app-print">Print this page</a>' in page
