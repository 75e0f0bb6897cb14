"""Celery tasks of the shared core: ids in, one service call, safe to run twice."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    bind=True,
    autoretry_for=(DatabaseError, ConnectionError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def notification_email_send_task(self, notification_id: int) -> bool:
    from riia.services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task
def notification_emails_retry_unsent() -> int:
    """Beat: queue again any email that has not gone out within a few minutes (e.g. SMTP was down)."""
    from datetime import timedelta

    from django.utils import timezone

    from riia.models import Notification, NotificationDelivery

    stale = timezone.now() - timedelta(minutes=5)
    ids = list(
        Notification.objects.filter(
            delivery=NotificationDelivery.IMMEDIATELY, emailed_at__isnull=True, created_at__lt=stale
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        notification_email_send_task.delay(pk)
    return len(ids)


@shared_task(
    bind=True,
    autoretry_for=(DatabaseError, ConnectionError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def notification_digest_send_task(self, user_id: int) -> int:
    from riia.services import notification_digest_send

    return notification_digest_send(user_id=user_id)


@shared_task
def notification_digests_send() -> int:
    """Beat, daily: queue one digest email for each person with digest notifications not yet emailed."""
    from riia.models import Notification, NotificationDelivery

    user_ids = list(
        Notification.objects.filter(delivery=NotificationDelivery.DIGEST, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    for user_id in user_ids:
        notification_digest_send_task.delay(user_id)
    return len(user_ids)


@shared_task
def outbox_relay() -> int:
    """Beat, every ``RIIA_OUTBOX_RELAY_SECONDS``: publish the tasks whose on-commit publish failed
    (Redis was down), oldest first. Each worker also relays whenever it (re)connects to the broker."""
    from riia.outbox import outbox_relay as relay

    return relay()
