"""Scoped reads of the benchmarking snapshots: what the pages and ``GET /api/v1/benchmarks/`` show.

A scope is written ``england``, ``region:<slug>``, ``group:<region-slug>/<group-slug>`` or
``la:<code>`` (the DfE number or the ONS code; snapshots are stored under the ONS code). Nothing here
aggregates: a reader gets the rows a recompute stored, with small-number pay figures suppressed for
everyone the rules do not let see them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet

from datareturns.models import BenchmarkRow, BenchmarkSnapshot, ScopeKind
from datareturns.rules import benchmark_region_ids_for, can_see_benchmark_pay, can_view_benchmark_scope
from rates.models import CoreJobType
from riia.models import LocalAuthority, Region, SubRegionalGroup

ALL_ROLES = "all"
ROLES = (ALL_ROLES, *CoreJobType.values)
QUARTER_LABEL = re.compile(r"^\d{4}-Q[1-4]$")

# The metric names of the issue, in its order: the API contract and the BenchmarkRow columns.
METRICS = (
    "placements",
    "agency_fte",
    "median_pay",
    "mean_pay",
    "cap",
    "above_cap",
    "above_cap_authorised",
    "above_cap_unauthorised",
    "share_above_cap",
    "spend",
    "returns_signed_off",
    "las_in_scope",
    "employed_fte",
    "agency_rate",
    "conversions",
    "cool_off_flags",
    "pqe_flags",
    "project_team_repricing_flags",
    "change_placements",
    "change_median_pay",
    "change_share_above_cap",
    "change_agency_rate",
)
# A cell computed from fewer placements than this has its pay figures suppressed ("[c]").
SUPPRESSION_THRESHOLD = 5
PAY_METRICS = ("median_pay", "mean_pay", "spend", "change_median_pay")


class BenchmarkFilterError(ValueError):
    """A filter value that is not valid: ``field`` names it, the message is for the caller."""

    field = ""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field or self.field


class ScopeError(BenchmarkFilterError):
    """A scope label that is malformed or names nothing."""

    field = "scope"


@dataclass(frozen=True)
class Scope:
    """A parsed scope: its canonical label and the organisation it names."""

    label: str
    kind: str
    region: Region | None = None
    group: SubRegionalGroup | None = None
    local_authority: LocalAuthority | None = None

    @property
    def region_id(self) -> int | None:
        return self.region.pk if self.region is not None else None


def scope_label_for(
    *,
    kind: str,
    region: Region | None = None,
    group: SubRegionalGroup | None = None,
    local_authority: LocalAuthority | None = None,
) -> str:
    """The canonical label a snapshot is stored under."""
    if kind == ScopeKind.ENGLAND:
        return "england"
    if kind == ScopeKind.REGION:
        return f"region:{region.slug}"
    if kind == ScopeKind.GROUP:
        return f"group:{group.region.slug}/{group.slug}"
    return f"la:{local_authority.new_code}"


def scope_parse(label: str) -> Scope:
    """``england``, ``region:<slug>``, ``group:<region-slug>/<group-slug>`` or ``la:<DfE number or
    ONS code>`` to a Scope with its canonical label; ScopeError when malformed or unknown."""
    label = (label or "").strip()
    if label.lower() == "england":
        return Scope(label="england", kind=ScopeKind.ENGLAND)
    kind, _, rest = label.partition(":")
    kind = kind.lower()
    if not rest:
        raise ScopeError("Enter a scope like england, region:<slug>, group:<region-slug>/<group-slug> or la:<code>")
    if kind == ScopeKind.REGION:
        region = Region.objects.filter(slug=rest.lower()).first()
        if region is None:
            raise ScopeError(f"There is no region {rest!r}")
        return Scope(label=f"region:{region.slug}", kind=ScopeKind.REGION, region=region)
    if kind == ScopeKind.GROUP:
        region_slug, _, group_slug = rest.lower().partition("/")
        group = (
            SubRegionalGroup.objects.select_related("region").filter(region__slug=region_slug, slug=group_slug).first()
        )
        if group is None:
            raise ScopeError(f"There is no sub-regional group {rest!r}; write it as group:<region-slug>/<group-slug>")
        return Scope(
            label=scope_label_for(kind=ScopeKind.GROUP, group=group),
            kind=ScopeKind.GROUP,
            region=group.region,
            group=group,
        )
    if kind == ScopeKind.LA:
        la = (
            LocalAuthority.objects.select_related("region", "group")
            .filter(Q(old_code=rest) | Q(new_code=rest.upper()))
            .first()
        )
        if la is None:
            raise ScopeError(f"There is no local authority with the DfE number or ONS code {rest!r}")
        return Scope(label=f"la:{la.new_code}", kind=ScopeKind.LA, region=la.region, group=la.group, local_authority=la)
    raise ScopeError("A scope starts with england, region:, group: or la:")


def scope_of_snapshot(snapshot: BenchmarkSnapshot) -> Scope:
    return Scope(
        label=snapshot.scope,
        kind=snapshot.kind,
        region=snapshot.region,
        group=snapshot.group,
        local_authority=snapshot.local_authority,
    )


def quarter_check(quarter: str) -> str:
    if not QUARTER_LABEL.match(quarter or ""):
        raise BenchmarkFilterError("Enter a quarter like 2025-Q1", field="quarter")
    return quarter


def role_check(role: str) -> str:
    if role not in ROLES:
        raise BenchmarkFilterError(f"Enter a role: {', '.join(ROLES)}", field="role")
    return role


def _visible_snapshots_q(user) -> Q:
    national = Q(kind__in=[ScopeKind.ENGLAND, ScopeKind.REGION])
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return national | Q(kind__in=[ScopeKind.GROUP, ScopeKind.LA], region_id__in=benchmark_region_ids_for(user))


@contextmanager
def benchmark_read() -> Iterator[None]:
    """Every query of the block reads one snapshot of the database (PostgreSQL REPEATABLE READ). An
    answer reads the snapshots' ``computed_at``, counts rows and reads a page in separate statements; in
    READ COMMITTED a recompute's swap committing between them would give one answer the old
    ``computed_at`` and the new figures. Inside a transaction already under way (a test's) it adds nothing."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def benchmark_rows_visible_to(
    *, user, scope: str | None = None, quarter: str | None = None, role: str | None = None
) -> tuple[datetime | None, QuerySet[BenchmarkRow]]:
    """The stored rows the user may see (one scope when given, else every scope they may see), with
    the oldest ``computed_at`` of the snapshots read. Raises BenchmarkFilterError for a bad filter and
    PermissionError for a scope the user may not see."""
    snapshots = BenchmarkSnapshot.objects.filter(_visible_snapshots_q(user))
    if scope:
        parsed = scope_parse(scope)
        if not can_view_benchmark_scope(user, parsed):
            raise PermissionError("You cannot see benchmarks of this scope")
        snapshots = snapshots.filter(scope=parsed.label)
    rows = BenchmarkRow.objects.filter(snapshot__in=snapshots)
    if quarter:
        rows = rows.filter(quarter=quarter_check(quarter))
    if role:
        rows = rows.filter(role=role_check(role))
    computed_at = snapshots.aggregate(oldest=Min("computed_at"))["oldest"]
    rows = rows.select_related("snapshot__region", "snapshot__group", "snapshot__local_authority").order_by(
        "snapshot__kind", "snapshot__scope", "quarter", "role"
    )
    return computed_at, rows


def benchmark_result(row: BenchmarkRow, *, user, pay_visible: dict[int, bool] | None = None) -> dict[str, Any]:
    """One API result: scope, quarter, role, every metric, and the names suppressed for this user.
    ``pay_visible`` caches the rule per snapshot across many rows."""
    snapshot = row.snapshot
    if pay_visible is not None and snapshot.pk in pay_visible:
        sees_pay = pay_visible[snapshot.pk]
    else:
        sees_pay = can_see_benchmark_pay(user, scope_of_snapshot(snapshot))
        if pay_visible is not None:
            pay_visible[snapshot.pk] = sees_pay
    result: dict[str, Any] = {"scope": snapshot.scope, "quarter": row.quarter, "role": row.role}
    for name in METRICS:
        result[name] = getattr(row, name)
    suppressed: list[str] = []
    if not sees_pay:
        suppressed = suppressed_metrics(placements=row.placements, previous_placements=row.previous_placements)
        for name in suppressed:
            result[name] = None
    result["suppressed"] = suppressed
    return result


def suppressed_metrics(*, placements: int, previous_placements: int | None) -> list[str]:
    """The pay figures hidden from people without the right to see small numbers: all four when this
    quarter's cell has fewer than 5 placements; ``change_median_pay`` also when the previous one has."""
    if placements < SUPPRESSION_THRESHOLD:
        return list(PAY_METRICS)
    if previous_placements is not None and previous_placements < SUPPRESSION_THRESHOLD:
        return ["change_median_pay"]
    return []


def benchmark_results_from(rows: Iterable[BenchmarkRow], *, user) -> list[dict[str, Any]]:
    cache: dict[int, bool] = {}
    return [benchmark_result(row, user=user, pay_visible=cache) for row in rows]


def benchmark_results(
    *, user, scope: str | None = None, quarter: str | None = None, role: str | None = None
) -> tuple[datetime | None, list[dict[str, Any]]]:
    """``(computed_at, results)``: one dict per scope × quarter × role the user may see, with
    ``scope``, ``quarter``, ``role``, every metric of ``METRICS`` and ``suppressed`` (the names set to
    None for this user). Raises BenchmarkFilterError for a bad filter, PermissionError for a scope
    the user may not see."""
    computed_at, rows = benchmark_rows_visible_to(user=user, scope=scope, quarter=quarter, role=role)
    return computed_at, benchmark_results_from(rows, user=user)


def benchmark_snapshot_get(*, user, scope: str) -> BenchmarkSnapshot | None:
    """The snapshot record of one scope (for "Data as at" and the "recompute queued" notice)."""
    parsed = scope_parse(scope)
    if not can_view_benchmark_scope(user, parsed):
        raise PermissionError("You cannot see benchmarks of this scope")
    return BenchmarkSnapshot.objects.filter(scope=parsed.label).first()
