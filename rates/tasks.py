"""Daily exemption housekeeping. Each task calls one idempotent service, so a retry or a second
beat run changes nothing."""

from celery import shared_task
from django.db import DatabaseError

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
}


@shared_task(**RETRY)
def exemptions_warn_ending_task() -> int:
    from rates.services import exemptions_warn_ending

    return exemptions_warn_ending()


@shared_task(**RETRY)
def exemptions_expire_task() -> int:
    from rates.services import exemptions_expire

    return exemptions_expire()
