"""Services mode, issue 14 "faults": PostgreSQL restarted under a running web app and Celery worker.

A private cluster (the machine's PostgreSQL is everybody's) with a migrated database, gunicorn and a
worker on it, each holding persistent connections that the restart closes under them. Afterwards the
very first signed-in page, an API call, an upload and the recompute it queues all succeed, without
restarting either program and without a 500 (nor a retry) for the user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta

import psycopg2
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone

from riia.celery import app as celery_app
from tests.proof.private_postgres import PrivatePostgres, postgres_bin
from tests.proof.processes import ROOT, CeleryWorker, Gunicorn, PrivateRedis, router_reset, service_env

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="services mode only"),
]

PASSWORD = "correct-horse-battery-staple"

# Run by `manage.py shell -c` on the private database: an MSP serving one LA, its uploader (to sign in)
# and an API key, made through the project's own service; printed as JSON for the test.
SETUP = """
import json
from riia.models import MSP, Agency, LocalAuthority, Membership, Role, User
from riia.services_keys import api_key_create
la = LocalAuthority.objects.select_related("region").exclude(group=None).order_by("pk").first()
msp = MSP.objects.create(name="Proof MSP", slug="proof-msp")
msp.local_authorities.add(la)
Agency.objects.get_or_create(slug="acme-social-care", defaults={"name": "Acme Social Care"})
user = User.objects.create_user(email="uploader@proof.test", password="PASSWORD", full_name="Proof Uploader")
Membership.objects.create(user=user, role=Role.MSP_UPLOADER, msp=msp)
_key, secret = api_key_create(actor=None, name="Proof key", msp=msp)
print(json.dumps({"key": secret, "la_code": la.old_code, "la_scope": "la:" + la.new_code, "email": user.email}))
""".replace("PASSWORD", PASSWORD)

HEADER = (
    "assignment_id,la_code,worker_registration,role,engagement_type,hourly_pay_rate,charge_rate,"
    "start_date,end_date,hours_per_week,agency,project_team,pqe_years"
)


def _csv(la_code: str, prefix: str, rows: int = 3) -> bytes:
    start = (timezone.localdate() - timedelta(days=10)).isoformat()
    lines = [
        f"{prefix}-{i},{la_code},SW7{i:05d},social-worker,limited_company,34.00,48.00,{start},,37,Acme Social Care,false,4"
        for i in range(rows)
    ]
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def _snapshot(url: str, scope: str) -> tuple | None:
    """(computed_at, latest_upload_id, queued_at) of a scope, on a connection of its own."""
    with psycopg2.connect(_dsn(url)) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT computed_at, latest_upload_id, queued_at FROM datareturns_benchmarksnapshot WHERE scope = %s",
            [scope],
        )
        return cursor.fetchone()


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://")


def _wait_for_lock_wait(url: str, outputs) -> None:
    """Until a backend (the worker's) waits for the snapshot table the test locked."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with psycopg2.connect(_dsn(url)) as db, db.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND relation = 'datareturns_benchmarksnapshot'::regclass"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    logs = "\n".join(p.stop()[-4000:] for p in outputs)
    pytest.fail(f"the nightly recompute never reached the locked table\n{logs}")


def _wait_for_everything_recomputed_since(url: str, since, outputs) -> None:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        with psycopg2.connect(_dsn(url)) as db, db.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE computed_at > %s) FROM datareturns_benchmarksnapshot", [since]
            )
            total, fresh = cursor.fetchone()
            if total and total == fresh:
                return
        time.sleep(0.1)
    logs = "\n".join(p.stop()[-4000:] for p in outputs)
    pytest.fail(f"the retried nightly recompute did not complete\n{logs}")


def _wait_for_recompute(url: str, scope: str, upload_id: int, outputs) -> float:
    started = time.monotonic()
    deadline = started + 45
    while time.monotonic() < deadline:
        row = _snapshot(url, scope)
        if row and row[0] is not None and row[1] == upload_id and row[2] is None:
            return time.monotonic() - started
        time.sleep(0.05)
    logs = "\n".join(p.stop()[-4000:] for p in outputs)
    pytest.fail(f"upload {upload_id} not recomputed into {scope}: {_snapshot(url, scope)}\n{logs}")


class Visitor:
    """A signed-in person (session cookie) and an MSP's system (API key) against one gunicorn."""

    def __init__(self, base: str, key: str):
        self.base, self.key = base, key
        self.session = requests.Session()

    def sign_in(self, email: str) -> None:
        self.session.get(f"{self.base}/sign-in/", timeout=30).raise_for_status()
        answer = self.session.post(
            f"{self.base}/sign-in/",
            data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            headers={"Referer": f"{self.base}/sign-in/"},
            timeout=30,
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text[:2000]

    def page(self, path: str = "/") -> requests.Response:
        return self.session.get(f"{self.base}{path}", timeout=30, allow_redirects=False)

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Api-Key {self.key}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.base}/api/v1{path}", headers=headers, timeout=30, **kwargs)

    def upload(self, body: bytes) -> requests.Response:
        return self.api("POST", "/placements/uploads/", data=body, headers={"Content-Type": "text/csv"})


def _round(visitor: Visitor, la_code: str, prefix: str) -> int:
    """A signed-in page, two API reads and an upload, each answered at the first attempt."""
    page = visitor.page("/")
    assert page.status_code == 200, (page.status_code, page.text[:2000])
    assert "Proof Uploader" in page.text or "Sign out" in page.text
    listed = visitor.api("GET", "/placements/")
    assert listed.status_code == 200, (listed.status_code, listed.text[:2000])
    benchmarks = visitor.api("GET", "/benchmarks/?scope=england")
    assert benchmarks.status_code == 200, (benchmarks.status_code, benchmarks.text[:2000])
    sent = visitor.upload(_csv(la_code, prefix))
    assert sent.status_code == 201, (sent.status_code, sent.text[:2000])
    return sent.json()["id"]


def test_the_app_and_worker_carry_on_after_postgresql_restarts():
    if postgres_bin() is None or shutil.which("redis-server") is None:
        if os.environ.get("RIIA_REQUIRE_SERVICES"):
            pytest.fail("RIIA_REQUIRE_SERVICES is set but there is no initdb/pg_ctl (set PG_BIN) or redis-server")
        pytest.skip("no PostgreSQL server programs or redis-server to run private ones")
    with PrivatePostgres() as pg, PrivateRedis() as redis:
        redis_url = redis.url
        env = service_env(DATABASE_URL=pg.url, REDIS_URL=redis_url)
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "load_reference_data")
        world = json.loads(_manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])

        with Gunicorn(env, workers=1) as web, CeleryWorker(["celery", "recompute"], env) as worker:
            visitor = Visitor(web.url, world["key"])
            visitor.sign_in(world["email"])
            before = _round(visitor, world["la_code"], "B")
            _wait_for_recompute(pg.url, world["la_scope"], before, [worker, web])

            restart_started = time.monotonic()
            pg.restart()  # every connection gunicorn and the worker hold is closed under them
            restarted_in = time.monotonic() - restart_started

            after = _round(visitor, world["la_code"], "A")  # the first request after the restart included
            recomputed_in = _wait_for_recompute(pg.url, world["la_scope"], after, [worker, web])

            # A task the restart cuts off mid-query: the nightly recompute, held on a lock the test takes,
            # gets OperationalError, is retried after its backoff and completes on a new connection.
            locker = psycopg2.connect(_dsn(pg.url))
            locker.cursor().execute("LOCK TABLE datareturns_benchmarksnapshot IN ACCESS EXCLUSIVE MODE")
            cut_at = timezone.now()
            celery_app.conf.task_always_eager = False  # (the autouse fixture puts it back)
            try:
                with celery_app.connection_for_write(redis_url) as broker:
                    celery_app.send_task(
                        "datareturns.tasks.benchmarks_recompute_all_task", queue="recompute", connection=broker
                    )
            finally:
                router_reset()  # the router send_task built must not decide where later tests' messages go
            _wait_for_lock_wait(pg.url, [worker, web])
            pg.restart()
            locker.close()
            _wait_for_everything_recomputed_since(pg.url, cut_at, [worker, web])
            assert web.running() and worker.running()  # neither was restarted
        print(f"PostgreSQL restarted in {restarted_in:.2f} s; the recompute after it took {recomputed_in:.2f} s")
    assert "Retry in" in worker.output and "OperationalError" in worker.output, worker.output[-4000:]
    assert "Traceback" not in web.output, web.output[-4000:]
    assert "Internal Server Error" not in web.output, web.output[-4000:]
