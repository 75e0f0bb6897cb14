"""Everything an upload is checked against, loaded in a few queries before the first row is read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from breaches.lookup import ApprovalTable, approval_table_load
from datareturns.models import Leaver
from rates.lookup import CapTable, cap_table_load
from rates.models import RoleGrade
from riia.models import MSP, Agency, LocalAuthority, Region


@dataclass(frozen=True, slots=True)
class LaRef:
    id: int
    name: str
    region_id: int
    region_name: str


@dataclass(frozen=True, slots=True)
class GradeRef:
    id: int
    code: str
    name: str
    core_type: str
    region_id: int | None


@dataclass(frozen=True, slots=True)
class RegionRef:
    id: int
    name: str
    cool_off_months: int
    cool_off_exceptions: frozenset[str]


@dataclass(frozen=True, slots=True)
class LeaverRef:
    region_id: int
    leave_date: date
    leave_reason: str


@dataclass
class ReferenceMaps:
    las_by_code: dict[str, LaRef]
    writable_la_ids: set[int]
    scope_message: str
    grades_by_code: dict[str, GradeRef]
    grades_by_id: dict[int, GradeRef]
    regions: dict[int, RegionRef]
    cap_tables: dict[int, CapTable]
    approvals: ApprovalTable
    leavers: dict[str, list[LeaverRef]] = field(default_factory=dict)
    agencies: dict[str, int] = field(default_factory=dict)

    las_by_id: dict[int, LaRef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.las_by_id = {la.id: la for la in self.las_by_code.values()}


def agency_key(name: str) -> str:
    """Agencies are matched by name, ignoring case and repeated spaces."""
    return " ".join(name.split()).casefold()


def reference_maps_load(
    *, msp: MSP | None = None, local_authority: LocalAuthority | None = None, with_leavers: bool = True
) -> ReferenceMaps:
    """The maps for an upload sent by an MSP (for the LAs it serves; one cap table per region) or by
    one LA (for itself)."""
    las = {}
    for la in LocalAuthority.objects.select_related("region").only(
        "pk", "name", "old_code", "new_code", "region_id", "region__name"
    ):
        ref = LaRef(la.pk, la.name, la.region_id, la.region.name)
        las[la.old_code.upper()] = ref
        las[la.new_code.upper()] = ref
    if msp is not None:
        writable = set(msp.local_authorities.values_list("pk", flat=True))
        scope = f"{msp.name} does not serve it."
    else:
        writable = {local_authority.pk}
        scope = f"you can send data only for {local_authority.name}."
    region_ids = {la.region_id for la in las.values() if la.id in writable}
    # Every grade (a few dozen), so that a local grade of another region is named as such.
    grades = [GradeRef(g.pk, g.code, g.name, g.core_type, g.region_id) for g in RoleGrade.objects.all()]
    region_rows = list(Region.objects.filter(pk__in=region_ids))
    regions = {r.pk: RegionRef(r.pk, r.name, r.cool_off_months, frozenset(r.cool_off_exceptions)) for r in region_rows}
    maps = ReferenceMaps(
        las_by_code=las,
        writable_la_ids=writable,
        scope_message=scope,
        grades_by_code={g.code: g for g in grades},
        grades_by_id={g.id: g for g in grades},
        regions=regions,
        cap_tables={region.pk: cap_table_load(region=region) for region in region_rows},
        approvals=approval_table_load(local_authority_ids=writable),
        agencies={agency_key(name): pk for pk, name in Agency.objects.values_list("pk", "name")},
    )
    if with_leavers:
        maps.leavers = leavers_load(region_ids=region_ids)
    return maps


def leavers_load(*, region_ids: set[int], worker_hashes: set[str] | None = None) -> dict[str, list[LeaverRef]]:
    """Permanent leavers of these regions (one query), by worker hash."""
    leavers: dict[str, list[LeaverRef]] = defaultdict(list)
    rows = Leaver.objects.filter(local_authority__region_id__in=region_ids)
    if worker_hashes is not None:
        rows = rows.filter(worker_hash__in=worker_hashes)
    for worker_hash, region_id, leave_date, reason in rows.values_list(
        "worker_hash", "local_authority__region_id", "leave_date", "leave_reason"
    ):
        leavers[worker_hash].append(LeaverRef(region_id, leave_date, reason))
    return dict(leavers)
