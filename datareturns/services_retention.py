"""Retention (UK GDPR data minimisation): single placements and permanent leavers are personal data
about one worker, needed for the compliance checks and the benchmarks for a while, not for ever.
``RIIA_RETENTION_YEARS`` (default 6) after a placement's assignment ended, or after a leaver left,
the row goes; the aggregated benchmark snapshots, which name nobody, stay.

Why the snapshots survive: a quarter that began before the retention cutoff is *closed* — the nightly
recompute keeps the rows it already holds for it (``retention_closed_through``, used by
``datareturns.benchmarks``) instead of recomputing them from placements that retention may have
deleted. Deleting a placement that ended before the cutoff can only change quarters that began before
it, so every figure a reader can see is left as it was."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from breaches.selectors.register import quarter_of
from datareturns.models import Leaver, Placement, PlacementVersion
from riia.models import User
from riia.services import audit_record


def retention_years() -> int:
    return int(settings.RIIA_RETENTION_YEARS)


def retention_cutoff(*, today: date | None = None, years: int | None = None) -> date:
    """The first day still kept: rows that ended (or left) before it are past the retention period.
    29 February falls back to 28 February in a year without one."""
    today = today or timezone.localdate()
    years = retention_years() if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def retention_closed_through(*, today: date | None = None) -> str:
    """The last quarter whose snapshot figures are final: it began before the cutoff, so retention
    may have deleted some of its placements and a recompute would no longer see them all."""
    return quarter_of(retention_cutoff(today=today) - timedelta(days=1))


@dataclass(frozen=True)
class RetentionResult:
    cutoff: date
    years: int
    dry_run: bool
    placements: int
    placement_versions: int
    leavers: int


def _expired_placements(cutoff: date) -> QuerySet[Placement]:
    # An assignment without an end date is still running, whenever it started.
    return Placement.objects.filter(end_date__isnull=False, end_date__lt=cutoff)


def _delete_all(model: type[Model], where: QuerySet) -> int:
    """One ``DELETE ... WHERE id IN (subquery)``: set-based on both databases, without Django's
    collector reading every row into memory first (it would, for a model with cascades)."""
    sql, params = where.values("pk").query.sql_with_params()
    table, pk = (connection.ops.quote_name(name) for name in (model._meta.db_table, model._meta.pk.column))
    with connection.cursor() as cursor:
        # The table and column names are our model's, the subquery the ORM's, its values parameters.
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql})", params)  # noqa: S608
        return cursor.rowcount


@transaction.atomic
def placements_retention_apply(
    *, now: datetime | None = None, years: int | None = None, dry_run: bool = False, actor: User | None = None
) -> RetentionResult:
    """Delete the placements (with their earlier versions) whose assignment ended, and the leaver
    records whose leave date is, more than ``years`` (default ``RIIA_RETENTION_YEARS``) before ``now``.
    Audited as counts, never as rows. ``dry_run`` counts what would go and writes nothing."""
    years = retention_years() if years is None else years
    cutoff = retention_cutoff(today=timezone.localdate(now) if now else None, years=years)
    placements = _expired_placements(cutoff)
    versions = PlacementVersion.objects.filter(placement__in=placements.values("pk"))
    leavers = Leaver.objects.filter(leave_date__lt=cutoff)
    if dry_run:
        return RetentionResult(cutoff, years, True, placements.count(), versions.count(), leavers.count())
    counts = {
        "placement_versions": _delete_all(PlacementVersion, versions),  # children first: the foreign key
        "placements": _delete_all(Placement, placements),
        "leavers": _delete_all(Leaver, leavers),
    }
    result = RetentionResult(cutoff=cutoff, years=years, dry_run=False, **counts)
    audit_record(
        actor=actor,
        action="retention.applied",
        after={k: v for k, v in asdict(result).items() if k != "dry_run"},
    )
    return result
