"""The day's first checks of one key, made at once, are all counted in one tally row (PostgreSQL:
real concurrent transactions; SQLite serialises writers, so the race cannot happen there)."""

import threading

import pytest
from django.db import connection

from datareturns.models import CheckTally
from datareturns.prechecks import check_tally_add
from datareturns.services import UploadSource
from riia.models import ApiKey
from riia.services_keys import api_key_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_concurrent_first_checks_of_the_day_make_one_row_counting_eight(msp):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (run with DATABASE_URL=postgres://...)")
    api_key_create(actor=None, name="Offer desk", msp=msp)
    source = UploadSource(msp=msp, api_key=ApiKey.objects.get())
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def check():
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            check_tally_add(source=source, rows=10)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    tally = CheckTally.objects.get()
    assert (tally.checks, tally.rows) == (8, 80)
