"""The same upload sent by several clients at once is stored once (PostgreSQL: real concurrent
transactions; SQLite serialises writers, so the race cannot happen there)."""

import threading

import pytest
from django.db import connection

from datareturns.models import Placement, Upload
from datareturns.services import UploadError
from tests.datareturns.conftest import csv_body, row, send

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("key", [None, "same-key"])
def test_eight_concurrent_identical_uploads_store_one(msp_source, la_code, social_worker_cap, key):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (run with DATABASE_URL=postgres://...)")
    body = csv_body(*(row(f"A-{n}", la_code, worker=f"SW{n}") for n in range(200)))
    barrier = threading.Barrier(8)
    statuses: list[object] = []

    def upload():
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            statuses.append(send(msp_source, body, key=key).status)
        except UploadError as error:
            statuses.append(error.status)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=upload) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Upload.objects.count() == 1 and Placement.objects.count() == 200
    assert statuses.count(201) >= 1 and len(statuses) == 8
    # Every other client was told it is a repeat: the stored answer, or "still being processed".
    assert set(statuses) <= {201, 200, 409}
