"""A real Celery worker, started as a separate process, takes a task from Redis and completes it
against the same PostgreSQL test database. Runs in services mode (REDIS_URL and DATABASE_URL set)."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from riia.celery import app as celery_app
from riia.models import Notification
from riia.tasks import notification_email_send_task

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a database it can share"),
]


def _test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker_queue():
    queue = f"riia-test-{uuid.uuid4().hex[:12]}"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "riia.settings",
        "DJANGO_DEBUG": "true",  # a development worker: without it the settings demand production secrets
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "riia", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output)


@pytest.mark.django_db(transaction=True)
def test_real_worker_emails_a_notification_through_redis(worker_queue, dcs):
    notification = Notification.objects.create(recipient=dcs, subject="Worker integration check")
    celery_app.conf.task_always_eager = False

    result = notification_email_send_task.apply_async(args=[notification.pk], queue=worker_queue)

    assert result.get(timeout=90) is True
    notification.refresh_from_db()
    assert notification.emailed_at is not None

    again = notification_email_send_task.apply_async(args=[notification.pk], queue=worker_queue)
    assert again.get(timeout=60) is False  # idempotent: the second run sends nothing
