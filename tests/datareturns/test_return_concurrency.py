"""A submission and a sign-off racing, and two reopenings at once: the row lock lets one transition
win and the other is told why. Needs PostgreSQL (SQLite has no row locks)."""

import threading

import pytest
from django.db import connection

from datareturns.models import ReturnReopening, ReturnStatus
from datareturns.services_returns import return_reopen, return_sign_off, return_start, return_submit, return_update
from riia.errors import DomainError
from riia.models import Role
from tests.datareturns.test_returns import QUARTER, complete_details
from tests.riia.factories import person_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("won")
        except DomainError as error:
            outcomes.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_reopenings_record_one(region, la, workforce_lead, dcs, programme_manager):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://...)")
    second_manager = person_with_role(Role.PROGRAMME_MANAGER, region, full_name="Paula Second")
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)
    return_update(actor=workforce_lead, quarterly_return=quarterly_return, details=complete_details())
    return_submit(actor=workforce_lead, quarterly_return=quarterly_return)
    return_sign_off(actor=dcs, quarterly_return=quarterly_return)

    outcomes = _race(
        lambda: return_reopen(actor=programme_manager, quarterly_return=quarterly_return, reason="First"),
        lambda: return_reopen(actor=second_manager, quarterly_return=quarterly_return, reason="Second"),
    )

    assert ReturnReopening.objects.count() == 1
    loser = next(o for o in outcomes if isinstance(o, DomainError))
    assert "because it is in progress" in loser.message
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.IN_PROGRESS


def test_a_change_racing_a_sign_off_never_leaves_a_signed_off_return_changed(la, workforce_lead, dcs):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://...)")
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)
    return_update(actor=workforce_lead, quarterly_return=quarterly_return, details=complete_details())
    return_submit(actor=workforce_lead, quarterly_return=quarterly_return)

    outcomes = _race(
        lambda: return_sign_off(actor=dcs, quarterly_return=quarterly_return),
        lambda: return_update(
            actor=workforce_lead, quarterly_return=quarterly_return, details=complete_details(narrative="Late change")
        ),
    )

    quarterly_return.refresh_from_db()
    if quarterly_return.status == ReturnStatus.SIGNED_OFF:
        # The sign-off won: the change was refused and the signed narrative stands.
        assert quarterly_return.narrative == "Agency use fell after two conversions."
        assert any(isinstance(o, DomainError) and "signed off" in o.message for o in outcomes)
    else:
        # The change won: back in progress, and the DCS was told there was nothing to sign.
        assert quarterly_return.status == ReturnStatus.IN_PROGRESS and quarterly_return.narrative == "Late change"
        assert any(isinstance(o, DomainError) and "in progress" in o.message for o in outcomes)
