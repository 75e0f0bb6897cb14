"""Two programme managers' clicks at once: the row lock taken before the check lets one through."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from breaches.models import TrainingFundEntry
from breaches.services.sanctions import fund_spend_record, sanction_mark_paid
from riia.errors import DomainError
from tests.breaches.factories_register import BreachRecordFactory, SanctionFactory, SanctionPolicyFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _twice_at_once(call) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.fixture
def fine(region, la):
    policy = SanctionPolicyFactory(region=region)
    return SanctionFactory(policy=policy, local_authority=la, breach_records=[BreachRecordFactory(local_authority=la)])


def test_a_fine_paid_twice_at_once_is_paid_once(programme_manager, fine):
    outcomes = _twice_at_once(lambda: sanction_mark_paid(actor=programme_manager, sanction=fine))

    assert outcomes == ["This sanction is already paid.", "ok"]
    assert TrainingFundEntry.objects.count() == 1


def test_two_spends_at_once_cannot_overdraw_the_fund(programme_manager, region, fine):
    sanction_mark_paid(actor=programme_manager, sanction=fine)

    outcomes = _twice_at_once(
        lambda: fund_spend_record(
            actor=programme_manager,
            region=region,
            amount=Decimal("150.00"),
            description="Training",
            occurred_on=timezone.localdate(),
        )
    )

    assert outcomes == ["You cannot spend £150.00: the training fund holds £100.00.", "ok"]
