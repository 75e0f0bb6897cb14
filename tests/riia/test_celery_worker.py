"""A real Celery worker, started as a separate process, takes a task from Redis and completes it
against the same PostgreSQL test database. Runs in services mode (REDIS_URL and DATABASE_URL set)."""

import uuid

import pytest
from django.conf import settings
from django.db import connection

from riia.celery import app as celery_app
from riia.models import Notification
from riia.tasks import notification_email_send_task
from tests.proof.processes import CeleryWorker

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a database it can share"),
]


@pytest.fixture
def worker_queue():
    """A real worker (a separate program, tests/proof/processes.py) on a queue of this test's own."""
    queue = f"riia-test-{uuid.uuid4().hex[:12]}"
    with CeleryWorker([queue]):
        yield queue


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
