"""Computing the benchmarking snapshots (the figures are defined in the README, "Benchmarking").

One recompute = one aggregate query over the placements (set-based SQL on PostgreSQL, a portable
query plus Python on SQLite), a few small reads (LAs, caps, signed-off returns), and one short
transaction that swaps the scopes' rows and snapshot records.

PostgreSQL path: the active placements of every quarter are folded in one hash aggregate into a pay
distribution per LA × quarter × core type × hourly pay (pays cluster on a few dozen values per
cell), GROUPING SETS lift that to groups, regions and England, and the interpolated median is read
off the cumulative distribution: exactly ``percentile_cont(0.5)`` (the mean of the values at
positions floor((N-1)/2) and ceil((N-1)/2)), at a fraction of the cost of sorting every placement
once per level. ``make bench`` compares it with a hand-written ``percentile_cont`` GROUP BY.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from breaches.selectors.register import quarter_bounds, quarter_of
from datareturns.benchmarks_selectors import ALL_ROLES, METRICS, Scope, scope_label_for, scope_parse
from datareturns.models import (
    BenchmarkRow,
    BenchmarkSnapshot,
    Placement,
    QuarterlyReturn,
    ReturnRoleFigures,
    ReturnStatus,
    ScopeKind,
    Upload,
)
from datareturns.services_retention import retention_closed_through
from rates.models import CoreJobType, PriceCap
from riia.models import LocalAuthority, Region, SubRegionalGroup
from riia.outbox import outbox_enqueue

PENNY = Decimal("0.01")
RATIO = Decimal("0.0001")
FULL_TIME_HOURS = Decimal("37")
CORE_TYPES = tuple(CoreJobType.values)
ROLES = (ALL_ROLES, *CORE_TYPES)


def _round(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


# --- Quarters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    label: str
    first: date
    last: date


def _next_quarter(label: str) -> str:
    year, number = int(label[:4]), int(label[-1])
    return f"{year + 1}-Q1" if number == 4 else f"{year}-Q{number + 1}"


def _earliest_start() -> date | None:
    """The earliest placement start. On PostgreSQL one probe per LA of the (local_authority, start_date)
    index, instead of reading every placement (it is on the path of every upload's recompute)."""
    if connection.vendor != "postgresql":
        return Placement.objects.aggregate(first=Min("start_date"))["first"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min((SELECT min(p.start_date) FROM datareturns_placement p WHERE p.local_authority_id = la.id)) "
            "FROM riia_localauthority la"
        )
        return cursor.fetchone()[0]


def benchmark_quarters(*, today: date | None = None) -> list[Quarter]:
    """From the earliest quarter with an active placement up to the current calendar quarter (just
    the current one when there are no placements), oldest first."""
    current = quarter_of(today or timezone.localdate())
    earliest = _earliest_start()
    label = min(quarter_of(earliest), current) if earliest else current
    quarters = []
    while True:
        first, last = quarter_bounds(label)
        quarters.append(Quarter(label, first, last))
        if label == current:
            return quarters
        label = _next_quarter(label)


# --- Scopes -------------------------------------------------------------------------------------


@dataclass
class Geography:
    """Every LA with its group and region, loaded once per recompute."""

    las: dict[int, LocalAuthority]
    groups: dict[int, SubRegionalGroup]
    regions: dict[int, Region]

    @classmethod
    def load(cls) -> Geography:
        return cls(
            las={la.pk: la for la in LocalAuthority.objects.select_related("region", "group")},
            groups={g.pk: g for g in SubRegionalGroup.objects.select_related("region")},
            regions={r.pk: r for r in Region.objects.all()},
        )

    def all_scopes(self) -> list[Scope]:
        scopes = [Scope(label="england", kind=ScopeKind.ENGLAND)]
        scopes += [Scope(f"region:{r.slug}", ScopeKind.REGION, region=r) for r in self.regions.values()]
        scopes += [
            Scope(scope_label_for(kind=ScopeKind.GROUP, group=g), ScopeKind.GROUP, region=g.region, group=g)
            for g in self.groups.values()
        ]
        scopes += [
            Scope(f"la:{la.new_code}", ScopeKind.LA, region=la.region, group=la.group, local_authority=la)
            for la in self.las.values()
        ]
        return scopes

    def la_ids_in(self, scope: Scope) -> list[int]:
        if scope.kind == ScopeKind.ENGLAND:
            return list(self.las)
        if scope.kind == ScopeKind.REGION:
            return [la.pk for la in self.las.values() if la.region_id == scope.region.pk]
        if scope.kind == ScopeKind.GROUP:
            return [la.pk for la in self.las.values() if la.group_id == scope.group.pk]
        return [scope.local_authority.pk]


def scope_key(scope: Scope) -> tuple[str, int]:
    """How the aggregates name a scope: (kind, id), England being ("england", 0)."""
    if scope.kind == ScopeKind.ENGLAND:
        return (ScopeKind.ENGLAND, 0)
    if scope.kind == ScopeKind.REGION:
        return (ScopeKind.REGION, scope.region.pk)
    if scope.kind == ScopeKind.GROUP:
        return (ScopeKind.GROUP, scope.group.pk)
    return (ScopeKind.LA, scope.local_authority.pk)


def scopes_touched_by(*, la: LocalAuthority) -> list[str]:
    """What a change to one LA's data makes stale: the LA, its group, its region and England."""
    labels = [f"la:{la.new_code}", f"region:{la.region.slug}", "england"]
    if la.group_id:
        labels.append(scope_label_for(kind=ScopeKind.GROUP, group=la.group))
    return labels


# --- The placement aggregates --------------------------------------------------------------------


@dataclass
class Cell:
    """What the placements give one scope × quarter × role: sums, counts and the exact median."""

    placements: int = 0
    hours: Decimal = Decimal(0)
    signed_hours: Decimal = Decimal(0)
    pay_sum: Decimal = Decimal(0)
    spend7: Decimal = Decimal(0)
    authorised: int = 0
    unauthorised: int = 0
    cool_off: int = 0
    pqe: int = 0
    repricing: int = 0
    median: Decimal | None = None


CellKey = tuple[str, int, str, int]  # kind, scope id, role, quarter index

_LEVEL = (
    "CASE WHEN grouping(la_id) = 0 THEN 0 WHEN grouping(group_id) = 0 THEN 1 "
    "WHEN grouping(region_id) = 0 THEN 2 ELSE 3 END"
)
_SCOPE_ID = "coalesce(la_id, group_id, region_id, 0)"
_SETS = "(la_id, core), (la_id), (group_id, core), (group_id), (region_id, core), (region_id), (core), ()"
LEVELS = (ScopeKind.LA, ScopeKind.GROUP, ScopeKind.REGION, ScopeKind.ENGLAND)
# Sorts and hashes of a recompute stay in memory (the default 4 MB spills a national recompute to disk).
RECOMPUTE_WORK_MEM = "256MB"


@dataclass
class Wanted:
    """Which scopes a recompute is for (None: every one of that kind)."""

    england: bool = False
    region_ids: set[int] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)
    la_ids: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, keys: Iterable[tuple[str, int]]) -> Wanted:
        wanted = cls()
        for kind, pk in keys:
            if kind == ScopeKind.ENGLAND:
                wanted.england = True
            elif kind == ScopeKind.REGION:
                wanted.region_ids.add(pk)
            elif kind == ScopeKind.GROUP:
                wanted.group_ids.add(pk)
            else:
                wanted.la_ids.add(pk)
        return wanted

    def wants(self, kind: str, pk: int) -> bool:
        if kind == ScopeKind.ENGLAND:
            return self.england
        ids = {ScopeKind.REGION: self.region_ids, ScopeKind.GROUP: self.group_ids, ScopeKind.LA: self.la_ids}[kind]
        return pk in ids


def aggregate_postgresql(
    *, quarters: list[Quarter], wanted: Wanted, geography: Geography, rebuild_all: bool = False
) -> dict[CellKey, Cell]:
    """The placement aggregates of the wanted scopes: bring the stage-1 partials up to date (every LA's
    when ``rebuild_all`` or when they do not reach the current quarter, else the wanted LAs'), then
    read every wanted scope's figures off the partials and distributions in one statement."""
    from datareturns.benchmark_partials import partials_rebuild_all, partials_rebuild_la, partials_rollup

    if rebuild_all or not partials_current(quarters=quarters, geography=geography):
        partials_rebuild_all(quarters=quarters)
    else:
        for la_id in sorted(wanted.la_ids):
            partials_rebuild_la(la=geography.las[la_id], quarters=quarters)
    return partials_rollup(quarters=quarters, wanted=wanted, geography=geography)


def partials_current(*, quarters: list[Quarter], geography: Geography) -> bool:
    """Whether every LA's partials were built through the current quarter (a quarter turning, a new LA
    or a first recompute make every LA's stale)."""
    from datareturns.models import BenchmarkPartialState

    through = dict(BenchmarkPartialState.objects.values_list("local_authority_id", "through"))
    return all(through.get(la_id) == quarters[-1].label for la_id in geography.las)


def _interpolated_median(values: list[Decimal]) -> Decimal:
    """As PostgreSQL's percentile_cont(0.5): the mean of the two middle values of the sorted list."""
    values.sort()
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2


def aggregate_portable(*, quarters: list[Quarter], wanted: Wanted, geography: Geography) -> dict[CellKey, Cell]:
    """The same aggregates from one query's rows, for SQLite (the embedded mode's small data)."""
    signed = set(
        QuarterlyReturn.objects.filter(status=ReturnStatus.SIGNED_OFF).values_list("local_authority_id", "quarter")
    )
    first, last = quarters[0].first, quarters[-1].last
    rows = Placement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last)
    cells: dict[CellKey, Cell] = defaultdict(Cell)
    pays: dict[CellKey, list[Decimal]] = defaultdict(list)
    for (
        la_id,
        core,
        pay,
        charge,
        hours,
        start,
        end,
        authorised,
        unauthorised,
        cool_off,
        pqe,
        repricing,
    ) in rows.values_list(
        "local_authority_id",
        "role_grade__core_type",
        "hourly_pay_rate",
        "charge_rate",
        "hours_per_week",
        "start_date",
        "end_date",
        "flag_above_cap_authorised",
        "flag_above_cap_unauthorised",
        "flag_cool_off",
        "flag_pqe_under_3_years",
        "flag_project_team_repricing",
    ).iterator(chunk_size=5000):
        la = geography.las[la_id]
        scopes = [(ScopeKind.LA, la_id), (ScopeKind.REGION, la.region_id), (ScopeKind.ENGLAND, 0)]
        if la.group_id:
            scopes.append((ScopeKind.GROUP, la.group_id))
        scopes = [s for s in scopes if wanted.wants(*s)]
        if not scopes:
            continue
        for idx, quarter in enumerate(quarters):
            if start > quarter.last or (end is not None and end < quarter.first):
                continue
            days = (min(end or quarter.last, quarter.last) - max(start, quarter.first)).days + 1
            is_signed = (la_id, quarter.label) in signed
            for kind, scope_id in scopes:
                for role in (core, ALL_ROLES):
                    key = (kind, scope_id, role, idx)
                    cell = cells[key]
                    cell.placements += 1
                    cell.hours += hours
                    if is_signed:
                        cell.signed_hours += hours
                    cell.pay_sum += pay
                    cell.spend7 += charge * hours * days
                    cell.authorised += authorised
                    cell.unauthorised += unauthorised
                    cell.cool_off += cool_off
                    cell.pqe += pqe
                    cell.repricing += repricing
                    pays[key].append(pay)
    for key, values in pays.items():
        cells[key].median = _interpolated_median(values)
    return dict(cells)


def placement_aggregates(
    *, quarters: list[Quarter], wanted: Wanted, geography: Geography, rebuild_all: bool = False
) -> dict[CellKey, Cell]:
    if connection.vendor == "postgresql":
        return aggregate_postgresql(quarters=quarters, wanted=wanted, geography=geography, rebuild_all=rebuild_all)
    return aggregate_portable(quarters=quarters, wanted=wanted, geography=geography)


# --- Returns and caps (small reads) --------------------------------------------------------------


@dataclass
class ReturnFigures:
    signed_la_ids: set[int] = field(default_factory=set)
    employed: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # (la, core) → FTE
    conversions: dict[tuple[int, str], int] = field(default_factory=dict)
    latest: dict[int, tuple[datetime, int]] = field(default_factory=dict)  # la → (signed_off_at, return id)


def returns_load(*, quarters: list[Quarter]) -> dict[str, ReturnFigures]:
    """Signed-off returns by quarter: which LAs signed off, and their per-role figures."""
    labels = [q.label for q in quarters]
    by_quarter: dict[str, ReturnFigures] = {label: ReturnFigures() for label in labels}
    for pk, la_id, quarter, signed_off_at in QuarterlyReturn.objects.filter(
        status=ReturnStatus.SIGNED_OFF, quarter__in=labels
    ).values_list("pk", "local_authority_id", "quarter", "signed_off_at"):
        by_quarter[quarter].signed_la_ids.add(la_id)
        by_quarter[quarter].latest[la_id] = (signed_off_at, pk)
    for la_id, quarter, core, employed, conversions in ReturnRoleFigures.objects.filter(
        quarterly_return__status=ReturnStatus.SIGNED_OFF, quarterly_return__quarter__in=labels
    ).values_list(
        "quarterly_return__local_authority_id", "quarterly_return__quarter", "core_type", "employed_fte", "conversions"
    ):
        figures = by_quarter[quarter]
        figures.employed[(la_id, core)] = employed or Decimal(0)
        figures.conversions[(la_id, core)] = conversions or 0
    return by_quarter


class Caps:
    """Each region's limited-company cap for the core types' national grades, by date."""

    def __init__(self) -> None:
        self._caps: dict[tuple[int, str], list[tuple[date, date | None, Decimal]]] = defaultdict(list)
        for region_id, core, start, end, rate in PriceCap.objects.filter(role_grade__region__isnull=True).values_list(
            "region_id", "role_grade__core_type", "effective_from", "effective_to", "hourly_rate"
        ):
            self._caps[(region_id, core)].append((start, end, rate))

    def on(self, *, region_id: int, core: str, day: date) -> Decimal | None:
        for start, end, rate in self._caps.get((region_id, core), ()):
            if start <= day and (end is None or end >= day):
                return rate
        return None


# --- Rows ----------------------------------------------------------------------------------------


def _change(now: Decimal | int | None, before: Decimal | int | None):
    return None if now is None or before is None else now - before


def scope_rows(
    *,
    scope: Scope,
    quarters: list[Quarter],
    cells: dict[CellKey, Cell],
    returns: dict[str, ReturnFigures],
    caps: Caps,
    geography: Geography,
) -> list[dict]:
    """Every quarter × role of one scope (BenchmarkRow fields), the figures exactly as the README defines."""
    kind, scope_id = scope_key(scope)
    la_ids = set(geography.la_ids_in(scope))
    signed_by_quarter = [sorted(la_ids & returns[q.label].signed_la_ids) for q in quarters]
    rows: list[dict] = []
    for role in ROLES:
        cores = CORE_TYPES if role == ALL_ROLES else (role,)
        previous: dict | None = None
        for idx, quarter in enumerate(quarters):
            cell = cells.get((kind, scope_id, role, idx)) or Cell()
            figures = returns[quarter.label]
            signed = signed_by_quarter[idx]
            n = cell.placements
            row = {
                "quarter": quarter.label,
                "role": role,
                "placements": n,
                "previous_placements": previous["placements"] if previous else None,
                "agency_fte": _round(cell.hours / FULL_TIME_HOURS, PENNY),
                "median_pay": _round(cell.median, PENNY) if n else None,
                "mean_pay": _round(cell.pay_sum / n, PENNY) if n else None,
                "cap": (
                    caps.on(region_id=scope.region.pk, core=role, day=quarter.last)
                    if role != ALL_ROLES and scope.kind != ScopeKind.ENGLAND
                    else None
                ),
                "above_cap": cell.authorised + cell.unauthorised,
                "above_cap_authorised": cell.authorised,
                "above_cap_unauthorised": cell.unauthorised,
                "share_above_cap": _round(Decimal(cell.authorised + cell.unauthorised) / n, RATIO) if n else None,
                "spend": _round(cell.spend7 / 7, PENNY) if n else None,
                "returns_signed_off": len(signed),
                "las_in_scope": len(la_ids),
                "employed_fte": None,
                "agency_rate": None,
                "conversions": None,
                "cool_off_flags": cell.cool_off,
                "pqe_flags": cell.pqe,
                "project_team_repricing_flags": cell.repricing,
                "change_placements": None,
                "change_median_pay": None,
                "change_share_above_cap": None,
                "change_agency_rate": None,
            }
            if signed:
                employed = sum(
                    (figures.employed.get((la_id, c), Decimal(0)) for la_id in signed for c in cores), Decimal(0)
                )
                row["employed_fte"] = _round(employed, PENNY)
                # agency FTE / (agency FTE + employed FTE), with agency FTE = hours / 37, computed exactly.
                denominator = cell.signed_hours + FULL_TIME_HOURS * employed
                row["agency_rate"] = _round(cell.signed_hours / denominator, RATIO) if denominator else None
                row["conversions"] = sum(figures.conversions.get((la_id, c), 0) for la_id in signed for c in cores)
            if previous is not None:
                row["change_placements"] = n - previous["placements"]
                for name in ("median_pay", "share_above_cap", "agency_rate"):
                    row[f"change_{name}"] = _change(row[name], previous[name])
            rows.append(row)
            previous = row
    return rows


ROW_COLUMNS = ("snapshot_id", "quarter", "role", "placements", "previous_placements", *METRICS[1:])


def rows_insert(rows: list[dict]) -> int:
    """Write computed rows: COPY on PostgreSQL (one round trip), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        BenchmarkRow.objects.bulk_create([BenchmarkRow(**row) for row in rows], batch_size=2000)
        return len(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in ROW_COLUMNS])
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(c) for c in ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(BenchmarkRow._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)",
            buffer,
        )
    return len(rows)


# --- The recompute ------------------------------------------------------------------------------


@dataclass
class RecomputeResult:
    scopes: list[str]
    rows: int
    skipped: list[str]


def _scopes_for(labels: Iterable[str] | None, geography: Geography) -> list[Scope]:
    if labels is None:
        return geography.all_scopes()
    return [scope_parse(label) for label in sorted(set(labels))]


def _snapshot_defaults(scope: Scope) -> dict:
    return {
        "kind": scope.kind,
        "region": scope.region,
        "group": scope.group,
        "local_authority": scope.local_authority,
    }


def snapshots_ensure(scopes: Iterable[Scope]) -> None:
    """Create the snapshot records that do not exist yet (a new LA, the first recompute)."""
    BenchmarkSnapshot.objects.bulk_create(
        [BenchmarkSnapshot(scope=s.label, **_snapshot_defaults(s)) for s in scopes], ignore_conflicts=True
    )


def _closed_rows(snapshots: list[BenchmarkSnapshot], closed_through: str) -> dict[int, dict[tuple[str, str], dict]]:
    """The stored rows of the quarters closed by retention, by snapshot and (quarter, role)."""
    kept: dict[int, dict[tuple[str, str], dict]] = defaultdict(dict)
    for row in BenchmarkRow.objects.filter(snapshot__in=snapshots, quarter__lte=closed_through).values():
        kept[row["snapshot_id"]][(row["quarter"], row["role"])] = row
    return kept


def _rows_after_closed(rows: list[dict], kept: dict[tuple[str, str], dict], closed_through: str) -> list[dict]:
    """The computed rows to write: none for a closed quarter that already has its row (the stored
    figures stand, as retention may have deleted some of their placements), and the first open
    quarter's changes measured from the stored row before it."""
    out = []
    for row in rows:
        if row["quarter"] <= closed_through and (row["quarter"], row["role"]) in kept:
            continue
        before = kept.get((_previous_quarter(row["quarter"]), row["role"]))
        if before is not None and row["quarter"] > closed_through:
            row = {
                **row,
                "previous_placements": before["placements"],
                "change_placements": row["placements"] - before["placements"],
            }
            for name in ("median_pay", "share_above_cap", "agency_rate"):
                row[f"change_{name}"] = _change(row[name], before[name])
        out.append(row)
    return out


def _previous_quarter(label: str) -> str:
    year, number = int(label[:4]), int(label[-1])
    return f"{year - 1}-Q4" if number == 1 else f"{year}-Q{number - 1}"


def benchmarks_recompute(
    *, scope_labels: Iterable[str] | None = None, today: date | None = None, started_at: datetime | None = None
) -> RecomputeResult:
    """Recompute the snapshots of these scopes (every scope when None) and swap them in atomically.

    Safe to run twice and concurrently: the swap locks the snapshot records (``select_for_update``,
    in label order), and a snapshot already holding figures computed from later data than ours is
    left as it is. ``started_at`` is when the data was read (default now): it becomes ``computed_at``."""
    started_at = started_at or timezone.now()
    geography = Geography.load()
    scopes = _scopes_for(scope_labels, geography)
    latest_upload_id = (
        Upload.objects.filter(status=Upload.Status.COMPLETE).order_by("-pk").values_list("pk", flat=True).first()
    )
    quarters = benchmark_quarters(today=today)
    wanted = Wanted.of(scope_key(s) for s in scopes)
    cells = placement_aggregates(
        quarters=quarters, wanted=wanted, geography=geography, rebuild_all=scope_labels is None
    )
    returns = returns_load(quarters=quarters)
    caps = Caps()
    rows_by_scope = {
        s.label: scope_rows(scope=s, quarters=quarters, cells=cells, returns=returns, caps=caps, geography=geography)
        for s in scopes
    }
    latest_returns = {s.label: _latest_return(s, returns, geography) for s in scopes}
    snapshots_ensure(scopes)
    written, skipped = 0, []
    with transaction.atomic():
        locked = {
            s.scope: s
            for s in BenchmarkSnapshot.objects.select_for_update()
            .filter(scope__in=[s.label for s in scopes])
            .order_by("scope")
        }
        fresh = []
        for scope in scopes:
            snapshot = locked[scope.label]
            if snapshot.computed_at is not None and snapshot.computed_at > started_at:
                skipped.append(scope.label)  # a later recompute already swapped in newer figures
                continue
            fresh.append(snapshot)
        # Quarters closed by retention keep the rows they hold (datareturns/services_retention.py).
        closed_through = retention_closed_through(today=today)
        kept = _closed_rows(fresh, closed_through)
        BenchmarkRow.objects.filter(snapshot__in=fresh, quarter__gt=closed_through).delete()
        written = rows_insert(
            [
                {**row, "snapshot_id": snapshot.pk}
                for snapshot in fresh
                for row in _rows_after_closed(rows_by_scope[snapshot.scope], kept.get(snapshot.pk, {}), closed_through)
            ]
        )
        for snapshot in fresh:
            snapshot.computed_at = started_at
            snapshot.latest_upload_id = latest_upload_id
            snapshot.latest_return_id = latest_returns[snapshot.scope]
        for snapshot in locked.values():
            # Served: a request queued after this run read the data stays queued (its task follows).
            if snapshot.queued_at is not None and snapshot.queued_at <= started_at:
                snapshot.queued_at = None
            snapshot.started_at = None
        BenchmarkSnapshot.objects.bulk_update(fresh, ["computed_at", "latest_upload", "latest_return"])
        BenchmarkSnapshot.objects.bulk_update(list(locked.values()), ["queued_at", "started_at"])
    return RecomputeResult(scopes=[s.label for s in scopes], rows=written, skipped=skipped)


def benchmarks_recompute_run(*, scope_labels: list[str] | None = None) -> RecomputeResult:
    """What the task does: note when this run reads the data (so a trigger arriving during the run
    queues another), recompute, swap."""
    started_at = timezone.now()
    snapshots = BenchmarkSnapshot.objects.all()
    if scope_labels is not None:
        snapshots = snapshots.filter(scope__in=[scope_parse(label).label for label in scope_labels])
    snapshots.update(started_at=started_at)
    return benchmarks_recompute(scope_labels=scope_labels, started_at=started_at)


# A queued mark older than this is taken to be lost (a broker outage when it was sent), not pending.
QUEUED_MARK_LIFETIME = timedelta(minutes=15)


def benchmarks_recompute_queue(*, scope_labels: Iterable[str]) -> list[str]:
    """Queue a recompute of these scopes unless one is already queued and not yet started (the
    debounce: a burst of uploads costs one recompute per scope). Returns the labels queued now.
    Call it after the data committed (``transaction.on_commit``)."""
    from datareturns.tasks import benchmarks_recompute_task

    scopes = [scope_parse(label) for label in sorted(set(scope_labels))]
    snapshots_ensure(scopes)
    now = timezone.now()
    due = (
        Q(queued_at__isnull=True)
        | Q(started_at__isnull=False, started_at__gte=F("queued_at"))
        | Q(queued_at__lt=now - QUEUED_MARK_LIFETIME)
    )
    with transaction.atomic():
        labels = list(
            BenchmarkSnapshot.objects.select_for_update()
            .filter(due, scope__in=[s.label for s in scopes])
            .order_by("scope")
            .values_list("scope", flat=True)
        )
        BenchmarkSnapshot.objects.filter(scope__in=labels).update(queued_at=now)
        if labels:
            # One outbox message for the whole set of scopes, in the transaction of the queued mark:
            # published on commit, or by the relay once Redis is back (riia.outbox).
            outbox_enqueue(benchmarks_recompute_task, labels)
    return labels


def benchmarks_recompute_queue_for_las(*, la_ids: Iterable[int]) -> list[str]:
    """Queue the scopes a change to these LAs' data makes stale (each LA, its group, its region, England)."""
    labels: set[str] = set()
    for la in LocalAuthority.objects.filter(pk__in=set(la_ids)).select_related("region", "group"):
        labels.update(scopes_touched_by(la=la))
    return benchmarks_recompute_queue(scope_labels=labels) if labels else []


def _latest_return(scope: Scope, returns: dict[str, ReturnFigures], geography: Geography) -> int | None:
    la_ids = set(geography.la_ids_in(scope))
    latest = [entry for figures in returns.values() for la_id, entry in figures.latest.items() if la_id in la_ids]
    return max(latest)[1] if latest else None


def benchmarks_queue_after_sign_off(sender=None, *, la_id: int, return_id: int | None = None, **kwargs) -> None:
    """``return_signed_off`` receiver: the LA's returns figures changed, so its scopes are stale. Queued
    on commit, so a sign-off inside a transaction is counted once it is visible."""
    transaction.on_commit(lambda: benchmarks_recompute_queue_for_las(la_ids=[la_id]))
