"""Services mode: a committed upload reaches a real Celery worker through Redis, which swaps in
fresh snapshots of the LA, its group, its region and England."""

import time

import pytest
from django.conf import settings
from django.db import connection

from datareturns.models import BenchmarkSnapshot
from tests.datareturns.conftest import csv_body, row, send
from tests.proof.celery_routes import recomputes_routed_to
from tests.riia.test_celery_worker import worker_queue  # noqa: F401 - the fixture that starts the worker

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a database it can share"),
]


@pytest.mark.django_db(transaction=True)
def test_an_upload_leads_to_fresh_snapshots_from_a_real_worker(
    worker_queue,  # noqa: F811
    msp_source,
    la,
    la_code,
    social_worker_cap,
    agency,
):
    with recomputes_routed_to(worker_queue):  # (rebuilds Celery's router: it keeps the routes it was made with)
        answer = send(msp_source, csv_body(row(la_code=la_code), row(assignment_id="A-2", la_code=la_code)))
        assert answer.status == 201
        expected = {
            f"la:{la.new_code}",
            f"group:{la.region.slug}/{la.group.slug}",
            f"region:{la.region.slug}",
            "england",
        }
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            fresh = BenchmarkSnapshot.objects.filter(latest_upload=answer.upload, queued_at=None)
            if set(fresh.values_list("scope", flat=True)) == expected:
                break
            time.sleep(0.2)
        else:
            pytest.fail(
                f"no fresh snapshots: {list(BenchmarkSnapshot.objects.values('scope', 'computed_at', 'queued_at'))}"
            )
        row_ = BenchmarkSnapshot.objects.get(scope=f"la:{la.new_code}").rows.get(
            quarter="2026-Q2", role="social_worker"
        )
        assert row_.placements == 2
