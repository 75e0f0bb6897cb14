"""Uploads into one region run one after another (``_lock_sender_and_regions``): a placement or
leavers upload waits while another upload of the region holds its lock, then goes ahead. Without
it, a leavers upload and a placement upload touching one placement deadlocked or left flags computed
from the row as it was before the other's change (tests/proof/test_concurrency.py races them through
gunicorn; this shows the waiting itself, without depending on timing)."""

import threading
import time

import pytest
from django.db import connection, connections

from datareturns.models import Placement
from datareturns.services import REGION_UPLOADS_LOCK, UploadSource
from tests.datareturns.conftest import csv_body, row, send

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"),
]


def _waiting_for_region(region_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid = %s AND objid = %s AND objsubid = 2",
            [REGION_UPLOADS_LOCK, region_id],
        )
        return cursor.fetchone()[0] == 1


@pytest.mark.parametrize("kind", ["placements", "leavers"])
def test_an_upload_waits_for_another_upload_of_its_region(msp_source, la, la_code, social_worker_cap, kind):
    if kind == "placements":
        source, body = msp_source, csv_body(row(la_code=la_code))
    else:
        source = UploadSource(local_authority=la)
        body = f"la_code,worker_registration,leave_date,leave_reason\n{la_code},SW1,2026-01-15,resigned\n".encode()
    holder = connections.create_connection("default")  # another upload, holding the region's lock
    holder.set_autocommit(False)
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REGION_UPLOADS_LOCK, la.region_id])
    answers = []

    def upload():
        try:
            answers.append(send(source, body, leavers=kind == "leavers").status)
        finally:
            connections["default"].close()

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not _waiting_for_region(la.region_id):
            assert time.monotonic() < deadline, "the upload never waited for the region's lock"
            assert thread.is_alive(), f"the upload finished without waiting: {answers}"
            time.sleep(0.05)
        assert answers == []
    finally:
        holder.rollback()
        holder.close()
        thread.join(timeout=30)

    assert answers == [201]
    if kind == "placements":
        assert Placement.objects.count() == 1
