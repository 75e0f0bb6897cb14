"""The quarterly MSP meeting pack, read for one person. Figures come only from the benchmark
snapshots through ``datareturns.benchmarks_selectors.benchmark_results`` (what the dashboards and
``GET /api/v1/benchmarks/`` show that person) and from the registers through their own scoped
selectors: nothing is computed a second time here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404

from breaches.models import BreachRequestStatus
from breaches.selectors.register import _cell as csv_cell
from breaches.selectors.register import breach_records_visible_to, quarter_bounds
from breaches.selectors.requests import breach_requests_visible_to
from breaches.selectors.sanctions import sanctions_visible_to
from datareturns.benchmarks_selectors import benchmark_results
from datareturns.models import QuarterlyReturn
from datareturns.selectors_returns import STATUS_LABELS, due_date_for, is_quarter, previous_quarter, status_of
from governance.models import Escalation, EscalationStatus, MeetingAction, MeetingPack
from riia.models import LocalAuthority, Region, Role, User
from riia.rules import is_programme_manager_of, is_region_member

CAP_COLUMNS = ("placements", "share_above_cap", "above_cap_unauthorised", "change_share_above_cap")


def can_view_pack(user: User, region: Region, pack: MeetingPack | None) -> bool:
    """The programme manager always; once shared, everyone in the region (its LAs, staff and MSPs)."""
    if is_programme_manager_of(user, region):
        return True
    return pack is not None and pack.shared_at is not None and is_region_member(user, region)


def pack_find(*, region: Region, quarter: str) -> MeetingPack | None:
    return MeetingPack.objects.filter(region=region, quarter=quarter).first()


def _figures(user: User, scope: str, quarter: str) -> list[dict[str, Any]] | None:
    """The snapshot rows of one scope and quarter for this person; None when they may not see it."""
    try:
        _computed_at, results = benchmark_results(user=user, scope=scope, quarter=quarter)
    except PermissionError:
        return None
    return results


@dataclass
class LaSlot:
    la: LocalAuthority
    figures: dict[str, Any] | None  # the "all roles" row of the LA's snapshot, or None
    open_requests: list
    open_actions: list
    notes: str = ""


@dataclass
class Pack:
    region: Region
    quarter: str
    previous_quarter: str
    record: MeetingPack | None
    data_collection: list[dict] = field(default_factory=list)
    cap_position: list[dict[str, Any]] | None = None
    cap_position_previous: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def cap_rows(self) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        """Each role's row beside the same role's row of the previous quarter."""
        return [(row, self.cap_position_previous.get(row["role"])) for row in self.cap_position or []]

    decisions: list = field(default_factory=list)
    sanctions: list = field(default_factory=list)
    la_actions: list = field(default_factory=list)
    la_slots: list[LaSlot] = field(default_factory=list)
    escalations_closed: list = field(default_factory=list)
    outcomes_shared: list = field(default_factory=list)


def meeting_pack(*, user: User, region: Region, quarter: str) -> Pack:
    if not is_quarter(quarter):
        raise Http404("No such quarter")
    record = pack_find(region=region, quarter=quarter)
    if not can_view_pack(user, region, record):
        raise Http404("No such pack")
    first, last = quarter_bounds(quarter)
    las = list(LocalAuthority.objects.filter(region=region).order_by("name"))
    pack = Pack(region=region, quarter=quarter, previous_quarter=previous_quarter(quarter), record=record)

    # 1. National and regional updates.
    returns = {
        r.local_authority_id: r for r in QuarterlyReturn.objects.filter(local_authority__in=las, quarter=quarter)
    }
    due_on = due_date_for(region=region, quarter=quarter)
    for la in las:
        r = returns.get(la.pk)
        status = status_of(r, due_on=due_on)
        pack.data_collection.append(
            {"la": la, "status": STATUS_LABELS[status], "signed_off_at": r.signed_off_at if r else None}
        )
    pack.cap_position = _figures(user, f"region:{region.slug}", quarter)
    previous = _figures(user, f"region:{region.slug}", pack.previous_quarter) or []
    pack.cap_position_previous = {row["role"]: row for row in previous}
    in_quarter = Q(local_authority__region=region)
    pack.decisions = list(
        breach_requests_visible_to(user=user)
        .filter(in_quarter, decision__decided_at__date__range=(first, last))
        .select_related("local_authority", "decision", "role_grade")
        .order_by("decision__decided_at")
    )
    pack.sanctions = list(
        sanctions_visible_to(user=user)
        .filter(region=region, issued_on__range=(first, last))
        .select_related("policy", "local_authority", "msp", "agency")
    )
    pack.la_actions = list(
        breach_records_visible_to(user=user)
        .filter(region=region, occurred_on__range=(first, last))
        .exclude(actions_taken="")
        .select_related("local_authority")
        .order_by("local_authority__name", "occurred_on")
    )

    # 2. An update slot per LA.
    open_requests = list(
        breach_requests_visible_to(user=user).filter(local_authority__in=las, status__in=BreachRequestStatus.open())
    )
    actions = list(
        MeetingAction.objects.filter(owner_la__in=las, status=MeetingAction.Status.OPEN, meeting__region=region)
    )
    la_notes = record.la_notes if record else {}
    for la in las:
        rows = _figures(user, f"la:{la.new_code}", quarter)
        figures = next((row for row in rows or [] if row["role"] == "all"), None)
        pack.la_slots.append(
            LaSlot(
                la=la,
                figures=figures,
                open_requests=[r for r in open_requests if r.local_authority_id == la.pk],
                open_actions=[a for a in actions if a.owner_la_id == la.pk],
                notes=la_notes.get(str(la.pk), ""),
            )
        )

    # 3. Escalations closed in the quarter, and the outcomes shared with MSPs.
    closed = Escalation.objects.filter(
        region=region, status=EscalationStatus.CLOSED, closed_at__date__range=(first, last)
    ).order_by("closed_at")
    pack.escalations_closed = list(closed)
    pack.outcomes_shared = [e for e in pack.escalations_closed if e.outcome_shared_at is not None]
    return pack


PACK_CSV_HEADER = ["table", "subject", "measure", "value"]


def pack_csv_rows(pack: Pack) -> Iterator[list[str]]:
    """Every table of the pack in one long CSV: table, subject (an LA, a role ...), measure, value."""
    yield PACK_CSV_HEADER

    def row(*values: object) -> list[str]:
        return [csv_cell(v) for v in values]

    for line in pack.data_collection:
        yield row("Data collection", line["la"].name, "status", line["status"])
    for result in pack.cap_position or []:
        for name in CAP_COLUMNS:
            yield row("Over-price-cap position", result["role"], name, result[name])
    for request in pack.decisions:
        yield row(
            "Breach decisions", request.reference, request.local_authority.name, request.decision.get_outcome_display()
        )
    for sanction in pack.sanctions:
        target = sanction.local_authority or sanction.msp or sanction.agency
        yield row("Sanctions", target, sanction.policy.name, sanction.get_status_display())
    for record in pack.la_actions:
        yield row("LA actions", record.local_authority.name, record.occurred_on.isoformat(), record.actions_taken)
    for slot in pack.la_slots:
        for name in CAP_COLUMNS:
            yield row("LA update", slot.la.name, name, slot.figures[name] if slot.figures else "")
        yield row("LA update", slot.la.name, "open_breach_requests", len(slot.open_requests))
        yield row("LA update", slot.la.name, "open_actions", len(slot.open_actions))
        if slot.notes:
            yield row("LA update", slot.la.name, "notes", slot.notes)
    for escalation in pack.escalations_closed:
        shared = "shared with MSPs" if escalation.outcome_shared_at else "not shared"
        yield row("Escalations closed", escalation.reference, escalation.get_kind_display(), shared)


def pack_audience(*, region: Region) -> list[User]:
    """Who is told when the pack is shared: the MSPs serving the region and the region's LAs."""
    from riia.selectors import people_holding

    return [
        *people_holding(roles=Role.msp_roles(), msp__local_authorities__region=region),
        *people_holding(roles=Role.la_roles(), local_authority__region=region),
    ]
