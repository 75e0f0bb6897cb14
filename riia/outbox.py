"""The transactional outbox: how every request and service hands work to Celery.

Why: a task sent with ``.delay()`` in ``transaction.on_commit`` is lost when Redis is down at that
moment (the publish raises after the change committed, or hangs in kombu's retry loop with the
request waiting). Instead, ``outbox_enqueue`` writes one ``OutboxMessage`` row in the same transaction
as the change: the change and the promise to run its task commit together or not at all. Then:

* on commit, one attempt to publish at once, with no retry loop and short socket timeouts (the
  broker transport options in settings), so a request never waits on a dead broker; the messages
  published are marked sent in one UPDATE;
* whatever could not be published stays unsent, with ``attempts`` and ``last_error``, until a relay
  sends it, oldest first: the ``outbox_relay`` beat task (every ``RIIA_OUTBOX_RELAY_SECONDS``), the
  ``outbox_relay`` management command, and every Celery worker each time it connects to the broker
  (at start and after the broker comes back), so a worker that sees Redis return drains the outbox
  without waiting for beat.

Exactly one publisher holds a message at a time: publishing (on commit and in the relay) happens
inside a transaction that holds the rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two relays,
or a relay and the on-commit attempt, never send the same row twice. What remains is at-least-once:
a publisher that crashes after the broker took the message and before its transaction commits
leaves the row unsent, and it is sent again. That duplicate is harmless because every task is
idempotent (an email records ``emailed_at`` and is sent once; a recompute swaps in the figures of the
data it read, and a second run changes nothing).

In the embedded mode (eager Celery, no broker) the on-commit "publish" runs the task in process,
as before the outbox, and marks the row sent.

One row per task, never per uploaded row: an upload queues one recompute of the scopes it touched."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction
from django.utils import timezone

from riia.models import OutboxMessage

logger = logging.getLogger(__name__)

RELAY_BATCH_SIZE = 200
# Sent messages are kept this long (to answer "was it sent, and when?"), then the relay deletes them.
KEEP_SENT = timedelta(days=7)


def _task_name(task: Task | str) -> str:
    return task if isinstance(task, str) else task.name


def outbox_enqueue(task: Task | str, *args: Any) -> OutboxMessage:
    """Send ``task(*args)`` to Celery once the current transaction commits, and never if it rolls
    back. ``args`` must be JSON (ids, labels). Call it inside the transaction of the change."""
    return outbox_enqueue_many(task, [args])[0]


def outbox_enqueue_many(task: Task | str, args_list: Iterable[Sequence[Any]]) -> list[OutboxMessage]:
    """``outbox_enqueue`` for many calls of one task, in one INSERT and one publish on commit."""
    name = _task_name(task)
    messages = OutboxMessage.objects.bulk_create([OutboxMessage(task=name, args=list(args)) for args in args_list])
    ids = [message.pk for message in messages]
    if ids:
        # Robust outside the embedded mode: the change has committed by then, so a failure here (the
        # database gone a moment later) is logged for the relay to cover, never turned into an error
        # for a request that succeeded. Eager tasks' errors propagate, as ``.delay()``'s did.
        transaction.on_commit(partial(outbox_publish, ids=ids), robust=not _eager())
    return messages


def _eager() -> bool:
    from riia.celery import app

    return bool(app.conf.task_always_eager)


def _task(name: str) -> Task:
    from riia.celery import app

    if name not in app.tasks:
        app.loader.import_default_modules()  # a web process may not have imported every tasks module yet
    return app.tasks[name]


# The broker connection of this path: one attempt to connect (no kombu retry loop, which waits about
# broker_connection_timeout = 4 s by default) with short socket timeouts, so that a request whose commit
# publishes never waits long on a dead or unreachable Redis. Workers keep Celery's own patient settings.
PUBLISH_CONNECT_TIMEOUT = 2
PUBLISH_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}


def _connection():
    from riia.celery import app

    return app.connection_for_write(
        connect_timeout=PUBLISH_CONNECT_TIMEOUT, transport_options=PUBLISH_TRANSPORT_OPTIONS
    )


def _publish(message: OutboxMessage, connection=None) -> None:
    """One attempt, no publish retry. No result is kept: nothing waits on these tasks' results, and a
    result subscription would be one more call to Redis."""
    _task(message.task).apply_async(args=message.args, retry=False, ignore_result=True, connection=connection)


def _broker_down(error: Exception) -> bool:
    from kombu.exceptions import OperationalError

    return (
        isinstance(error, OperationalError | ConnectionError | TimeoutError | OSError)
        or "redis" in type(error).__module__
    )


def outbox_publish(*, ids: Sequence[int]) -> int:
    """The on-commit attempt for the messages just committed. Returns how many were sent."""
    if _eager():
        # Embedded mode: run the tasks in process, as ``.delay()`` did; their errors propagate.
        messages = list(OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).order_by("pk"))
        for message in messages:
            _publish(message)
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(sent_at=timezone.now())
        return len(messages)
    return _publish_locked(OutboxMessage.objects.filter(pk__in=ids))


def _publish_locked(candidates) -> int:
    """Publish the unsent ``candidates`` (up to one batch) that no other publisher holds, oldest first,
    while holding them; mark those sent in one UPDATE. Stops at the first failure: the broker is down,
    and each further attempt would only wait for the same answer."""
    sent: list[int] = []
    with transaction.atomic(), _connection() as broker:
        messages = list(
            candidates.filter(sent_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "pk")[:RELAY_BATCH_SIZE]
        )
        for message in messages:
            try:
                _publish(message, broker)
            except Exception as error:  # noqa: BLE001 - any failure to publish leaves the row for the relay
                logger.warning("Outbox: could not publish %s (#%s): %s", message.task, message.pk, error)
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=message.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
                )
                if _broker_down(error):
                    break
                continue  # this message alone is at fault (an unknown task): the others may go
            sent.append(message.pk)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    return len(sent)


def outbox_relay(*, max_batches: int = 50) -> int:
    """Publish every unsent message, oldest first, in batches of ``RELAY_BATCH_SIZE``, until none is
    left, a batch fails (the broker is still down) or ``max_batches`` ran (the next run goes on).
    Safe to run anywhere and concurrently. Deletes sent messages older than ``KEEP_SENT``. Returns
    how many were sent."""
    total = 0
    for _ in range(max_batches):
        if _eager():
            ids = list(
                OutboxMessage.objects.filter(sent_at__isnull=True)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)[:RELAY_BATCH_SIZE]
            )
            sent = outbox_publish(ids=ids) if ids else 0
            full = len(ids) == RELAY_BATCH_SIZE
        else:
            sent = _publish_locked(OutboxMessage.objects.all())
            full = sent == RELAY_BATCH_SIZE
        total += sent
        if not full:
            break
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    if total:
        logger.info("Outbox: relayed %s message(s)", total)
    return total


def outbox_unsent_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def outbox_unsent_since(*, task: Task | str, since: datetime) -> bool:
    """Whether a message of this task written at or after ``since`` is still unsent (the broker was
    down): the dashboards' "newer data is waiting" notice."""
    return OutboxMessage.objects.filter(task=_task_name(task), sent_at__isnull=True, created_at__gte=since).exists()
