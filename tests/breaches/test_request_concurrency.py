"""Two people deciding the same request at the same moment: the row lock lets one win and tells the
other clearly. Needs PostgreSQL (SQLite has no row locks and serialises writers differently)."""

import threading

import pytest
from django.db import connection

from breaches.models import BreachRequestStatus, Decision
from breaches.services.requests import breach_request_decide
from riia.errors import DomainError
from riia.models import Role
from tests.breaches.factories import BreachRequestFactory, cap_in
from tests.riia.factories import person_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_decisions_record_exactly_one(region, la, programme_manager):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://...)")
    cap_in(region)
    second_manager = person_with_role(Role.PROGRAMME_MANAGER, region, full_name="Paula Second")
    breach_request = BreachRequestFactory(
        local_authority=la, submitted=True, status=BreachRequestStatus.AWAITING_DECISION
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(person, outcome):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            breach_request_decide(
                breach_request=breach_request, actor=person, outcome=outcome, comment="Decided in a hurry"
            )
            outcomes[person.full_name] = "won"
        except DomainError as error:
            outcomes[person.full_name] = error
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=decide, args=(programme_manager, Decision.Outcome.APPROVED)),
        threading.Thread(target=decide, args=(second_manager, Decision.Outcome.REJECTED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Decision.objects.filter(breach_request=breach_request).count() == 1
    assert sorted(str(type(v).__name__) for v in outcomes.values()) == ["DomainError", "str"]
    loser = next(v for v in outcomes.values() if isinstance(v, DomainError))
    winner = Decision.objects.get().decided_by
    assert "has already been decided" in loser.message
    assert winner.full_name in loser.message and "Your decision was not recorded" in loser.message
