"""Issue 12, the sanctions list: filters and pagination from the address; no internal numbers on pages."""

import pytest
from django.urls import reverse

from breaches.models import Sanction, SanctionPolicy
from breaches.services.sanctions import sanction_mark_paid
from breaches.views.sanctions import PAGE_SIZE
from tests.breaches.factories_register import BreachRecordFactory, SanctionFactory, SanctionPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fine_policy(region):
    return SanctionPolicyFactory(region=region)


@pytest.fixture
def sanctions(fine_policy, region, la, msp):
    warning = SanctionPolicyFactory(
        region=region, name="Warning", kind=SanctionPolicy.Kind.WARNING, default_amount=None
    )
    record = BreachRecordFactory(local_authority=la)
    return {
        "la_fine": SanctionFactory(policy=fine_policy, local_authority=la, breach_records=[record]),
        "msp_warning": SanctionFactory(policy=warning, msp=msp, amount=None, breach_records=[record]),
    }


def test_sanctions_filter_by_who_was_sanctioned_and_kind(client_for, programme_manager, sanctions, la, msp):
    client = client_for(programme_manager)

    to_msps = client.get(reverse("breaches:sanction-list"), {"target": "msp"}).text
    fines = client.get(reverse("breaches:sanction-list"), {"kind": "fine"}).text

    assert msp.name in to_msps and f">{la.name}<" not in to_msps
    assert "1 sanction." in fines and f">{la.name}<" in fines


def test_sanctions_filter_by_status(client_for, programme_manager, sanctions):
    page = client_for(programme_manager).get(reverse("breaches:sanction-list"), {"status": "paid"}).text

    assert "No sanctions match these filters." in page


def test_sanctions_list_is_paginated(client_for, programme_manager, fine_policy, la):
    record = BreachRecordFactory(local_authority=la)
    for _ in range(PAGE_SIZE + 1):
        SanctionFactory(policy=fine_policy, local_authority=la, breach_records=[record])

    client = client_for(programme_manager)

    assert "page 1 of 2" in client.get(reverse("breaches:sanction-list")).text
    assert "page 2 of 2" in client.get(reverse("breaches:sanction-list"), {"page": "2"}).text


def test_a_bad_quarter_is_explained(client_for, programme_manager, sanctions):
    page = client_for(programme_manager).get(reverse("breaches:sanction-list"), {"quarter": "last"}).text

    assert "Enter a quarter like 2026-Q3" in page


def test_the_fund_ledger_names_who_paid_not_the_sanction_number(client_for, programme_manager, region, sanctions, la):
    fine: Sanction = sanctions["la_fine"]
    sanction_mark_paid(actor=programme_manager, sanction=fine)

    page = client_for(programme_manager).get(reverse("breaches:fund-ledger", args=[region.slug])).text

    assert f"Fine paid by {la.name}" in page
    assert f"sanction {fine.pk}" not in page.lower()
