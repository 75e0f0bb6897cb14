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

    from riia.models import Notification

    stale = timezone.now() - timedelta(minutes=5)
    ids = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=stale).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        notification_email_send_task.delay(pk)
    return len(ids)
