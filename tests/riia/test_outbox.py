"""The transactional outbox (riia.outbox): a task is sent if and only if its change commits, each
message is sent once however many relays run, and a broker that cannot be reached leaves the message
unsent, with its error, without holding the caller up.

The first tests run in both modes (eager Celery runs the task in process, as in the embedded mode);
those marked ``services`` publish through the real Redis to a queue of their own and count what
arrived there, and race two relays on PostgreSQL."""

import threading
import time
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction

import riia.outbox
from riia.celery import app as celery_app
from riia.models import Notification, OutboxMessage
from riia.outbox import outbox_enqueue, outbox_relay
from riia.services import notification_send
from riia.tasks import notification_email_send_task
from tests.proof.processes import free_port


def services_only(test):
    for mark in (
        pytest.mark.services,
        pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
        pytest.mark.skipif(connection.vendor != "postgresql", reason="the relays race on PostgreSQL's row locks"),
        pytest.mark.django_db(transaction=True),
    ):
        test = mark(test)
    return test


@pytest.fixture
def unreachable_broker():
    """Celery publishing (not eager) to a port where nothing listens: Redis is down."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.broker_write_url
    conf.task_always_eager = False
    conf.broker_url = conf.broker_write_url = f"redis://127.0.0.1:{free_port()}/0"
    yield
    conf.task_always_eager, conf.broker_url, conf.broker_write_url = saved
    _forget_routes()


def _forget_routes() -> None:
    """Celery builds its router (and route table) once, at the first publish, from the settings of
    the moment. Forget both, so that the next publish, here or in a later test that sets
    ``task_routes`` (tests/datareturns/test_benchmark_worker.py), routes by the settings then."""
    celery_app.amqp._rtable = None
    celery_app.amqp.__dict__.pop("router", None)


def _route(conf, routes) -> None:
    conf.task_routes = routes
    _forget_routes()


@pytest.fixture
def own_queue():
    """Publish for real (not eager) to the test's Redis, every task routed to a queue of this test's
    own that no worker consumes; ``count()`` says how many messages arrived there."""
    conf = celery_app.conf
    queue = f"riia-outbox-test-{uuid.uuid4().hex[:12]}"
    saved = conf.task_always_eager, conf.task_routes
    conf.task_always_eager = False
    _route(conf, {"*": {"queue": queue}})

    def count() -> int:
        with celery_app.connection_for_read() as conn:
            return conn.default_channel.client.llen(queue)

    yield count
    conf.task_always_eager = saved[0]
    _route(conf, saved[1])
    with celery_app.connection_for_read() as conn:
        conn.default_channel.client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def test_a_rolled_back_change_sends_nothing(dcs, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_send(recipients=[dcs], subject="Never happened")
        raise RuntimeError("the change fails after asking for its email")
    assert callbacks == []
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()
    assert mail.outbox == []


def test_a_committed_change_sends_its_task_on_commit_and_marks_it_sent(dcs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notification_send(recipients=[dcs], subject="Sign this")
        message = OutboxMessage.objects.get()
        assert message.sent_at is None  # written in the change's transaction, sent after it
    message.refresh_from_db()
    assert message.task == notification_email_send_task.name and message.args == [notification.pk]
    assert message.sent_at is not None and message.attempts == 0
    assert [m.to for m in mail.outbox] == [[dcs.email]]


def test_the_relay_sends_each_unsent_message_once_oldest_first(dcs, chief_executive):
    # Written without their on-commit attempt, as when Redis was down at the time.
    first = Notification.objects.create(recipient=dcs, subject="First")
    second = Notification.objects.create(recipient=chief_executive, subject="Second")
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=notification_email_send_task.name, args=[n.pk]) for n in (first, second)]
    )

    assert outbox_relay() == 2
    assert [m.subject for m in mail.outbox] == ["First", "Second"]
    assert not OutboxMessage.objects.filter(sent_at=None).exists()
    assert outbox_relay() == 0
    assert len(mail.outbox) == 2


def test_a_broker_down_leaves_the_message_unsent_with_its_error_at_once(dcs, unreachable_broker):
    with transaction.atomic():
        message = outbox_enqueue(notification_email_send_task, 1)
    # (in pytest's transaction the on-commit attempt does not run by itself: run it as commit would)
    started = time.monotonic()
    assert riia.outbox.outbox_publish(ids=[message.pk]) == 0
    took = time.monotonic() - started
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert "OperationalError" in message.last_error and "onnect" in message.last_error
    assert took < 3, f"publishing to a dead broker took {took:.1f} s"

    assert outbox_relay() == 0
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 2
    with pytest.raises(CommandError, match="1 task"):
        call_command("outbox_relay")


def test_a_broker_down_does_not_fail_the_committed_change(dcs, unreachable_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notification_send(recipients=[dcs], subject="Kept")
    assert Notification.objects.filter(pk=notification.pk).exists()
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1 and message.last_error


@services_only
def test_on_commit_and_the_relay_publish_to_redis_once(dcs, own_queue):
    with transaction.atomic():
        notification_send(recipients=[dcs], subject="Now")
    assert own_queue() == 1  # published on commit
    assert OutboxMessage.objects.get().sent_at is not None

    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=notification_email_send_task.name, args=[n]) for n in range(1, 451)]
    )
    assert outbox_relay() == 450  # three batches
    assert own_queue() == 451
    assert outbox_relay() == 0 and own_queue() == 451


@services_only
def test_two_relays_at_once_never_send_a_message_twice(own_queue, monkeypatch):
    total = 3 * riia.outbox.RELAY_BATCH_SIZE
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=notification_email_send_task.name, args=[n]) for n in range(1, total + 1)]
    )
    published = riia.outbox._publish

    def slow_publish(message, broker=None):  # slow enough that both relays are at work together
        time.sleep(0.002)
        published(message, broker)

    monkeypatch.setattr(riia.outbox, "_publish", slow_publish)
    start = threading.Barrier(2)
    sent: list[int] = []

    def relay() -> None:
        start.wait()
        try:
            sent.append(outbox_relay())
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sum(sent) == total and all(n > 0 for n in sent), sent  # both worked, neither sent twice
    assert own_queue() == total
    assert not OutboxMessage.objects.filter(sent_at=None).exists()
