"""Celery tasks of the placement data: labels in, one service call, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

# Routed to the "recompute" queue by settings.CELERY_TASK_ROUTES.

# Both recomputes survive what the proof suite does to them (tests/proof): acks_late with
# reject_on_worker_lost, so a worker killed mid-task leaves the old snapshot (the swap is one transaction)
# and the message goes back to the queue (with Redis, after the broker's visibility timeout); and a
# database that drops the connection (a restart, a failover) is retried with backoff, 1 s doubling up to
# 5 minutes (under the visibility timeout, so a retry waiting for its time is not handed out twice).
RECOMPUTE_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_kwargs": {"max_retries": 8},
}


@shared_task(**RECOMPUTE_OPTIONS)
def benchmarks_recompute_task(scope_labels: list[str] | None = None) -> dict:
    """Recompute these scopes' benchmark snapshots (every scope when None)."""
    from datareturns.benchmarks import benchmarks_recompute_run

    result = benchmarks_recompute_run(scope_labels=scope_labels)
    return {"scopes": len(result.scopes), "rows": result.rows, "skipped": result.skipped}


@shared_task(**RECOMPUTE_OPTIONS)
def benchmarks_recompute_all_task() -> dict:
    """Beat, nightly: every scope, so nothing stays stale (a quarter turning, a cap published). Its own
    retries: calling the other task's ``run`` would not retry (no task request of its own)."""
    from datareturns.benchmarks import benchmarks_recompute_run

    result = benchmarks_recompute_run(scope_labels=None)
    return {"scopes": len(result.scopes), "rows": result.rows, "skipped": result.skipped}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_kwargs={"max_retries": 5})
def placements_retention_apply_task() -> dict:
    """Beat, monthly: delete placements and leavers past the retention period (one transaction, so
    safe to run twice: the second run finds nothing)."""
    from datareturns.services_retention import placements_retention_apply

    result = placements_retention_apply()
    return {"placements": result.placements, "placement_versions": result.placement_versions, "leavers": result.leavers}
