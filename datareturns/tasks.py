"""Celery tasks of the placement data: labels in, one service call, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

# Routed to the "recompute" queue by settings.CELERY_TASK_ROUTES.


@shared_task(
    bind=True,
    acks_late=True,  # a worker killed mid-task leaves the old snapshot (the swap is one transaction) and
    reject_on_worker_lost=True,  # the message goes back to the queue
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_kwargs={"max_retries": 8},
)
def benchmarks_recompute_task(self, scope_labels: list[str] | None = None) -> dict:
    """Recompute these scopes' benchmark snapshots (every scope when None)."""
    from datareturns.benchmarks import benchmarks_recompute_run

    result = benchmarks_recompute_run(scope_labels=scope_labels)
    return {"scopes": len(result.scopes), "rows": result.rows, "skipped": result.skipped}


@shared_task
def benchmarks_recompute_all_task() -> dict:
    """Beat, nightly: every scope, so nothing stays stale (a quarter turning, a cap published)."""
    return benchmarks_recompute_task.run(None)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_kwargs={"max_retries": 5})
def placements_retention_apply_task() -> dict:
    """Beat, monthly: delete placements and leavers past the retention period (one transaction, so
    safe to run twice: the second run finds nothing)."""
    from datareturns.services_retention import placements_retention_apply

    result = placements_retention_apply()
    return {"placements": result.placements, "placement_versions": result.placement_versions, "leavers": result.leavers}
