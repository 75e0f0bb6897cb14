"""Services mode, issue 14 "faults": a Celery worker killed with SIGKILL in the middle of a recompute.

The recompute's message is taken again by a second worker once the broker's visibility timeout has
passed (acks_late: the killed worker never acknowledged it), the snapshot ends right, and a reader
polling the API through gunicorn the whole time only ever sees the old snapshot or the new one, whole.
"""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from datareturns.bench_benchmarks import recompute_data_create
from datareturns.benchmarks import benchmarks_recompute
from datareturns.benchmarks_selectors import benchmark_read, benchmark_rows_visible_to
from datareturns.models import BenchmarkRow, BenchmarkSnapshot
from datareturns.services import UploadSource
from rates.models import CoreJobType
from riia.models import Role
from riia.services_keys import api_key_create
from tests.datareturns.conftest import csv_body, row, send
from tests.proof.processes import CeleryWorker, Gunicorn, service_env, tasks_routed, wait_until
from tests.rates.factories import core_grade
from tests.riia.factories import person_with_role

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the workers need a database they can share"),
]

# Enough placements that the worker's recompute of one LA's scopes takes a second or more on CI's 2 cores.
PLACEMENTS = 120_000
UPLOADED = 40
VISIBILITY_TIMEOUT = 4  # seconds; the deployment's default is the task time limit + 5 minutes


def _england(base_url: str, key: str) -> tuple[str | None, int, int, int]:
    """One answer of the API for England: (computed_at, count, rows in the answer, total placements)."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base_url}/api/v1/benchmarks/?scope=england&limit=500", headers={"Authorization": f"Api-Key {key}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
        body = json.loads(answer.read())
    results = body["results"]
    return body["computed_at"], body["count"], len(results), sum(r["placements"] for r in results)


def _rows(scope: str) -> list[tuple]:
    return list(
        BenchmarkRow.objects.filter(snapshot__scope=scope)
        .order_by("quarter", "role")
        .values_list("quarter", "role", "placements", "median_pay", "mean_pay", "spend", "agency_fte")
    )


class Reader(threading.Thread):
    """Polls the API until stopped, keeping every distinct answer and any failure."""

    def __init__(self, base_url: str, key: str):
        super().__init__(daemon=True)
        self.base_url, self.key = base_url, key
        self.answers: dict[tuple, int] = {}
        self.failures: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                answer = _england(self.base_url, self.key)
            except Exception as error:  # noqa: BLE001 - every failure is a finding
                self.failures.append(repr(error))
            else:
                self.answers[answer] = self.answers.get(answer, 0) + 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_recompute_leaves_the_old_snapshot_whole_until_the_redelivered_run_swaps(
    msp, la, second_la, foreign_la, agency
):
    la_code = la.old_code
    for core in CoreJobType.values:
        core_grade(core)
    recompute_data_create(rows=PLACEMENTS, msp=msp, say=print)
    benchmarks_recompute()  # the old snapshot: every scope, computed in process
    old = BenchmarkSnapshot.objects.get(scope="england")
    old_rows = _rows("england")
    _key, secret = api_key_create(actor=None, name="Proof reader", msp=msp)

    queue = f"riia-proof-{uuid.uuid4().hex[:12]}"
    env = service_env(RIIA_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT), RIIA_BROKER_RESTORE_INTERVAL="1")
    with tasks_routed({"datareturns.tasks.benchmarks_recompute_*": queue}):
        # New data through the real upload service: its commit queues the recompute of the LA's scopes.
        start = (timezone.localdate() - timedelta(days=20)).isoformat()
        rows = [
            row(assignment_id=f"K-{i}", la_code=la_code, worker=f"SW9{i:05d}", start=start) for i in range(UPLOADED)
        ]
        upload = send(UploadSource(msp=msp), csv_body(*rows)).upload
        assert upload.status == upload.Status.COMPLETE
        assert BenchmarkSnapshot.objects.get(scope="england").queued_at is not None

        with Gunicorn(env) as web:
            reader = Reader(web.url, secret)
            reader.start()
            try:
                wait_until(lambda: reader.answers, seconds=30, what="a first answer from the API", outputs=[web])
                old_answer = next(iter(reader.answers))

                first = CeleryWorker([queue], env, name="doomed").start()
                try:
                    wait_until(
                        lambda: BenchmarkSnapshot.objects.filter(scope="england", started_at__isnull=False).exists(),
                        seconds=60,
                        every=0.01,  # the kill must land while the run is under way
                        what="the first worker starting the recompute",
                        outputs=[first, web],
                    )
                    first.kill(signal.SIGKILL)
                    killed_at = time.monotonic()
                    first.popen.wait(timeout=10)
                finally:
                    log = first.stop()
                assert "succeeded" not in log, f"the recompute finished before the kill; raise PLACEMENTS\n{log}"
                mid = BenchmarkSnapshot.objects.get(scope="england")
                assert mid.computed_at == old.computed_at and _rows("england") == old_rows  # nothing swapped

                with CeleryWorker([queue], env, name="second") as second:
                    fresh = wait_until(
                        lambda: BenchmarkSnapshot.objects.filter(
                            scope="england", computed_at__gt=old.computed_at, queued_at=None, started_at=None
                        ).first(),
                        seconds=60,
                        what="the redelivered recompute swapping in a new England snapshot",
                        outputs=[second, web],
                    )
                    redelivered_after = time.monotonic() - killed_at
                    new_answer = wait_until(
                        lambda: [a for a in list(reader.answers) if a != old_answer],
                        seconds=30,
                        what="the reader seeing the new snapshot",
                        outputs=[web],
                    )
            finally:
                reader.stopping.set()
                reader.join(timeout=30)

    print(f"redelivered and swapped {redelivered_after:.1f} s after the kill; answers: {reader.answers}")
    assert not reader.failures, reader.failures[:5]
    # Every answer was wholly the old snapshot or wholly the new one: never a mix, never missing rows.
    old_total = sum(r[2] for r in old_rows)
    new_rows = _rows("england")
    new_total = sum(r[2] for r in new_rows)
    assert new_total > old_total
    distinct = set(reader.answers)
    assert distinct == {old_answer, new_answer[0]}, distinct
    assert old_answer[1:] == (len(old_rows), len(old_rows), old_total)
    assert new_answer[0][1:] == (len(new_rows), len(new_rows), new_total)

    # The figures are those a fresh computation in process gives, and the marks are all cleared.
    scopes = [f"la:{la.new_code}", f"region:{la.region.slug}", f"group:{la.region.slug}/{la.group.slug}", "england"]
    by_worker = {scope: _rows(scope) for scope in scopes}
    benchmarks_recompute(scope_labels=scopes)
    assert {scope: _rows(scope) for scope in scopes} == by_worker
    assert fresh.latest_upload_id == upload.pk
    assert not BenchmarkSnapshot.objects.filter(queued_at__isnull=False).exists()
    assert not BenchmarkSnapshot.objects.filter(started_at__isnull=False).exists()


def _england_now() -> tuple:
    return BenchmarkSnapshot.objects.get(scope="england").computed_at, sum(r[2] for r in _rows("england"))


def _upload_from_another_connection(msp, la_code: str, assignment_id: str) -> None:
    """New placements and their recompute (eager, in that thread), committed on a connection of its own."""

    def work():
        try:
            send(UploadSource(msp=msp), csv_body(row(assignment_id=assignment_id, la_code=la_code, worker="SW800001")))
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_one_answer_reads_one_snapshot_when_a_swap_commits_between_its_queries(msp, la, agency):
    """The race the SIGKILL test met by chance (an answer with the old computed_at and the new figures),
    forced: a swap commits after the answer read computed_at and before it read the rows."""
    core_grade()
    send(UploadSource(msp=msp), csv_body(row(la_code=la.old_code)))  # the first snapshot (eager recompute)
    reader = person_with_role(Role.MSP_VIEWER, msp)

    def answer(assignment_id: str) -> tuple:
        computed_at, rows = benchmark_rows_visible_to(user=reader, scope="england")
        _upload_from_another_connection(msp, la.old_code, assignment_id)
        return computed_at, sum(r.placements for r in rows)

    first = _england_now()
    with benchmark_read():
        assert answer("LATE-1") == first  # wholly the snapshot it began with
    second = _england_now()
    assert second[0] > first[0] and second[1] > first[1]  # the swap did commit meanwhile

    # Statement by statement (READ COMMITTED) the same answer mixes the two: what benchmark_read prevents.
    computed_at, total = answer("LATE-2")
    third = _england_now()
    assert (computed_at, total) == (second[0], third[1]) and third[1] > second[1]
