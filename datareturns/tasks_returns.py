"""Celery tasks of the quarterly returns: safe to run twice (each reminder is recorded once)."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    autoretry_for=(DatabaseError, ConnectionError, OSError), retry_backoff=True, retry_kwargs={"max_retries": 5}
)
def return_reminders_send_task() -> int:
    """Beat, daily: remind LAs 7 days before their return is due and on the day after."""
    from datareturns.services_returns import return_reminders_send

    return return_reminders_send()
