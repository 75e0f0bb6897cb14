"""Home page panels of the breach register: the programme manager's suggestions to review and unpaid
fines; the sanctions issued to a workforce lead's or DCS's local authority. Each both ways."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from breaches.models import SanctionPolicy
from breaches.services.register import breach_record_confirm
from breaches.services.sanctions import sanction_mark_paid, sanction_waive
from tests.breaches.factories_register import BreachRecordFactory, SanctionFactory, SanctionPolicyFactory

pytestmark = pytest.mark.django_db

REVIEW = "Suggested breaches to review"
UNPAID = "Fines not yet paid"
ISSUED_TO_LA = "Sanctions issued to your local authority"


def home(client_for, person) -> str:
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 200
    return response.text


def suggestion(la, reference: str = "placement-1"):
    return BreachRecordFactory(
        local_authority=la,
        source="suggested",
        status="suggested",
        source_reference=reference,
        occurred_on=date(2026, 8, 14),
    )


@pytest.fixture
def fine(region, la):
    return SanctionFactory(policy=SanctionPolicyFactory(region=region), local_authority=la)


# --- suggestions to review --------------------------------------------------------------------


def test_programme_manager_sees_suggestions_until_they_are_reviewed(client_for, programme_manager, la):
    record = suggestion(la)
    url = reverse("breaches:register-detail", args=[record.pk])

    page = home(client_for, programme_manager)
    assert REVIEW in page and "Dudley, 14 August 2026: Pay rate above cap" in page and url in page

    breach_record_confirm(actor=programme_manager, breach_record=record)

    page = home(client_for, programme_manager)
    assert "No suggested breach is waiting for your review." in page and url not in page


def test_another_regions_programme_manager_does_not_see_the_suggestion(client_for, foreign_programme_manager, la):
    record = suggestion(la)

    page = home(client_for, foreign_programme_manager)

    assert REVIEW in page
    assert reverse("breaches:register-detail", args=[record.pk]) not in page


@pytest.mark.parametrize("person", ["workforce_lead", "dcs", "riia_member", "sub_regional_lead", "msp_viewer"])
def test_only_the_programme_manager_has_suggestions_to_review(request, client_for, la, person):
    record = suggestion(la)

    page = home(client_for, request.getfixturevalue(person))

    assert REVIEW not in page and reverse("breaches:register-detail", args=[record.pk]) not in page


# --- fines not yet paid -----------------------------------------------------------------------


def test_programme_manager_sees_an_unpaid_fine_until_it_is_paid(client_for, programme_manager, fine):
    url = reverse("breaches:sanction-detail", args=[fine.pk])

    page = home(client_for, programme_manager)
    assert UNPAID in page and url in page and "Dudley: Fine for breaching without permission of £250.00" in page

    sanction_mark_paid(actor=programme_manager, sanction=fine)

    page = home(client_for, programme_manager)
    assert "Every fine issued has been paid or waived." in page and url not in page


def test_a_waived_fine_or_a_warning_is_not_waiting_for_payment(client_for, programme_manager, region, la, fine):
    sanction_waive(actor=programme_manager, sanction=fine, reason="Paid for training directly.")
    warning_policy = SanctionPolicyFactory(
        region=region, name="Warning", kind=SanctionPolicy.Kind.WARNING, default_amount=None
    )
    warning = SanctionFactory(policy=warning_policy, local_authority=la)

    page = home(client_for, programme_manager)

    assert "Every fine issued has been paid or waived." in page
    assert reverse("breaches:sanction-detail", args=[warning.pk]) not in page


@pytest.mark.parametrize("person", ["foreign_programme_manager", "riia_member", "sub_regional_lead"])
def test_others_in_or_outside_the_region_do_not_see_the_unpaid_fine(request, client_for, fine, person):
    page = home(client_for, request.getfixturevalue(person))

    assert reverse("breaches:sanction-detail", args=[fine.pk]) not in page
    assert (UNPAID in page) == (person == "foreign_programme_manager")  # the panel is the programme manager's


# --- sanctions issued to the person's LA ------------------------------------------------------


@pytest.mark.parametrize("person", ["workforce_lead", "dcs"])
def test_lead_and_dcs_see_sanctions_issued_to_their_la_paid_or_not(
    request, client_for, programme_manager, fine, person
):
    user = request.getfixturevalue(person)
    url = reverse("breaches:sanction-detail", args=[fine.pk])

    page = home(client_for, user)
    assert ISSUED_TO_LA in page and url in page and "Issued" in page

    sanction_mark_paid(actor=programme_manager, sanction=fine, paid_on=fine.issued_on)

    page = home(client_for, user)
    assert url in page and "Paid" in page
    assert client_for(user).get(url).status_code == 200  # the link leads somewhere they may go


@pytest.mark.parametrize("person", ["second_la_lead", "foreign_lead"])
def test_another_las_people_do_not_see_the_sanction(request, client_for, fine, person):
    page = home(client_for, request.getfixturevalue(person))

    assert "No sanction has been issued to your local authority." in page
    assert reverse("breaches:sanction-detail", args=[fine.pk]) not in page


@pytest.mark.parametrize("person", ["la_viewer", "chief_executive", "msp_viewer", "agency_contact"])
def test_people_without_a_lead_or_dcs_role_have_no_la_sanctions_panel(request, client_for, fine, person):
    page = home(client_for, request.getfixturevalue(person))

    assert ISSUED_TO_LA not in page and reverse("breaches:sanction-detail", args=[fine.pk]) not in page


def test_an_msp_fine_is_not_shown_as_the_las(client_for, region, la, msp, workforce_lead):
    msp_fine = SanctionFactory(policy=SanctionPolicyFactory(region=region), msp=msp, amount=Decimal("100.00"))

    page = home(client_for, workforce_lead)

    assert reverse("breaches:sanction-detail", args=[msp_fine.pk]) not in page
