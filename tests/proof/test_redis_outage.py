"""Fault: Redis stopped while the app runs (issue 14, "Faults").

A private Redis (never the machine's) is the broker and cache of a real gunicorn and a real Celery
worker on the test database. With that Redis stopped: the dashboards render from the last snapshot
and say newer data is waiting, the placement list renders, an MSP's upload through the API is
accepted and committed, and the recompute and the emails it asks for wait in the outbox
(riia.outbox). With Redis started again on the same port, the worker reconnects, relays the outbox
and runs them: the snapshot counts the new rows, the emails go, nothing is left unsent."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from datareturns.models import BenchmarkSnapshot, Placement
from riia.models import Notification, NotificationDelivery, OutboxMessage
from riia.services_keys import api_key_create
from tests.datareturns.conftest import csv_body, la_code, msp_source, row, send, social_worker_cap  # noqa: F401 - fixtures
from tests.proof.processes import CeleryWorker, Gunicorn, PrivateRedis, service_env, wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the app and worker share the test database"),
]


def _get(url: str, session: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 - loopback
        return answer.status, answer.read().decode()


def _post_csv(url: str, key: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310
        url, data=body, method="POST", headers={"Authorization": f"Api-Key {key}", "Content-Type": "text/csv"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_render_uploads_commit_and_their_tasks_run_once_it_is_back(
    msp,
    msp_source,  # noqa: F811
    la,
    la_code,  # noqa: F811
    social_worker_cap,  # noqa: F811
    agency,
    workforce_lead,
    programme_manager,
):
    # The world, committed: an MSP key, a signed-in programme manager, one computed snapshot (the
    # first upload's recompute runs in this process, eagerly).
    _, key = api_key_create(actor=None, name="Nightly upload", msp=msp)
    assert send(msp_source, csv_body(row("A-1", la_code))).status == 201
    scope = f"la:{la.new_code}"
    before = BenchmarkSnapshot.objects.get(scope=scope)
    assert before.computed_at is not None and before.rows.get(quarter="2026-Q2", role="social_worker").placements == 1
    assert not OutboxMessage.objects.filter(sent_at=None).exists()
    client = Client()
    client.force_login(programme_manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    with PrivateRedis() as redis:
        env = service_env(REDIS_URL=redis.url)
        with Gunicorn(env) as web, CeleryWorker(["celery", "recompute"], env):
            # The worker is consuming (it declared its queues) before Redis goes: it has to notice the
            # loss and reconnect, not merely start late.
            wait_until(lambda: redis.cli("exists", "_kombu.binding.celery", "_kombu.binding.recompute") == "2",
                  what="the worker to consume from Redis", seconds=30)  # fmt: skip
            redis.stop()
            started = time.monotonic()

            # An upload through the API: accepted and committed. Its placement is above the cap
            # without permission, so it also notifies (emails) the LA's lead and the programme manager.
            status, body = _post_csv(
                f"{web.url}/api/v1/placements/uploads/", key, csv_body(row("A-2", la_code, pay="40.00", charge="55"))
            )
            assert status == 201, body
            assert Placement.objects.filter(assignment_id="A-2").exists()
            emails = Notification.objects.filter(delivery=NotificationDelivery.IMMEDIATELY)
            assert emails.count() == 2 and not emails.exclude(emailed_at=None).exists()
            unsent = OutboxMessage.objects.filter(sent_at=None)
            assert sorted(unsent.values_list("task", flat=True)) == [
                "datareturns.tasks.benchmarks_recompute_task",
                "riia.tasks.notification_email_send_task",
                "riia.tasks.notification_email_send_task",
            ]
            # Each on-commit attempt stopped at its first refusal, which it recorded.
            assert all("Connection refused" in m.last_error for m in unsent.exclude(attempts=0))
            assert unsent.filter(attempts=1).count() == 2  # the recompute's commit, the emails' commit

            # Pages render from the last snapshot, and say newer data is waiting.
            for name, args in (("dashboards:la", [la.slug]), ("dashboards:region", [la.region.slug])):
                status, page = _get(f"{web.url}{reverse(name, args=args)}", session)
                assert status == 200 and "Newer data is waiting to be included." in page, name
            status, page = _get(f"{web.url}{reverse('datareturns:placement-list')}", session)
            assert status == 200 and "A-2" in page
            outage = time.monotonic() - started
            assert outage < 15, f"the requests with Redis down took {outage:.1f} s"

            # Redis back on the same port: the worker reconnects, relays the outbox and runs it all.
            redis.start()
            back = time.monotonic()
            wait_until(
                lambda: (
                    not OutboxMessage.objects.filter(sent_at=None).exists()
                    and not emails.filter(emailed_at=None).exists()
                    and BenchmarkSnapshot.objects.filter(
                        scope=scope, computed_at__gt=before.computed_at, queued_at=None
                    ).exists()
                ),
                what="the outbox to drain, the emails to go and the recompute to run",
            )
            print(f"Redis down: requests answered in {outage:.1f} s; back: all done in {time.monotonic() - back:.1f} s")
            after = BenchmarkSnapshot.objects.get(scope=scope)
            assert after.rows.get(quarter="2026-Q2", role="social_worker").placements == 2
            status, page = _get(f"{web.url}{reverse('dashboards:la', args=[la.slug])}", session)
            assert status == 200 and "waiting to be included" not in page and "being recomputed" not in page
