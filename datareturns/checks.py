"""The compliance checks: what flags a placement gets, and why.

One code path for every caller: the upload, a leavers upload re-checking the placements it touches,
and the pre-offer check (through ``flagging.PlacementFlagger``). ``placement_check`` is a pure function of the placement's values
and the reference maps, so it can be tested without a database.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from datareturns.models import Flag
from datareturns.refs import ReferenceMaps

PQE_MINIMUM = Decimal("3")


class PlacementLike(Protocol):
    local_authority_id: int
    worker_hash: str
    role_grade_id: int
    engagement_type: str
    hourly_pay_rate: Decimal
    start_date: date
    project_team: bool
    pqe_years: Decimal
    breach_request_reference: str


@dataclass(frozen=True, slots=True)
class EarlierPlacement:
    """An individual (not project-team) placement, for the re-pricing check."""

    start_date: date
    hourly_pay_rate: Decimal
    sender: str
    assignment_id: str


@dataclass(slots=True)
class Outcome:
    flags: dict[str, str] = field(default_factory=dict)
    cap_rate: Decimal | None = None
    allowed_rate: Decimal | None = None
    breach_request_id: int | None = None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, or that month's last day where it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _role_name(refs: ReferenceMaps, role_grade_id: int) -> str:
    grade = refs.grades_by_id[role_grade_id]
    return grade.name[0].lower() + grade.name[1:] if not grade.name[:2].isupper() else grade.name


def placement_check(
    placement: PlacementLike,
    *,
    refs: ReferenceMaps,
    sender: str,
    earlier: Mapping[tuple[int, str], Sequence[EarlierPlacement]],
) -> Outcome:
    outcome = Outcome()
    la = refs.las_by_id[placement.local_authority_id]
    region = refs.regions[la.region_id]
    rate = placement.hourly_pay_rate
    start = placement.start_date
    _check_cap(outcome, placement, refs=refs, la_name=la.name, region_name=region.name)

    if placement.pqe_years < PQE_MINIMUM:
        outcome.flags[Flag.PQE_UNDER_3_YEARS] = (
            f"{placement.pqe_years.normalize():f} years of post-qualified experience; "
            f"agency social workers need at least {PQE_MINIMUM}."
        )

    for leaver in refs.leavers.get(placement.worker_hash, ()):
        if leaver.region_id != region.id or leaver.leave_reason in region.cool_off_exceptions:
            continue
        free_from = add_months(leaver.leave_date, region.cool_off_months)
        if leaver.leave_date <= start < free_from:
            # Which LA they left, when and why is another LA's information: only the region and the
            # day from which the worker may be engaged are said (the same words to every sender).
            outcome.flags[Flag.COOL_OFF] = (
                f"This worker left a permanent post in {region.name} within the cool-off period; "
                f"they may be engaged as agency from {_day(free_from)}."
            )
            break

    if placement.project_team:
        cheaper = [
            e
            for e in earlier.get((placement.local_authority_id, placement.worker_hash), ())
            if e.start_date < start and e.hourly_pay_rate < rate
        ]
        if cheaper:
            # The earlier rate is told only to the sender of the earlier placement and to the LA it
            # was with (every placement compared here is with this LA); anyone else learns only
            # that one exists.
            own = [e for e in cheaper if e.sender in (sender, f"la:{placement.local_authority_id}")]
            if own or sender == f"la:{placement.local_authority_id}":
                first = min(own or cheaper, key=lambda e: e.hourly_pay_rate)
                which = f"assignment {first.assignment_id}, " if first.assignment_id else ""
                outcome.flags[Flag.PROJECT_TEAM_REPRICING] = (
                    f"Paid £{rate} an hour in a project team; the same worker was placed individually with "
                    f"{la.name} earlier at £{first.hourly_pay_rate} an hour ({which}from {_day(first.start_date)})."
                )
            else:
                outcome.flags[Flag.PROJECT_TEAM_REPRICING] = (
                    f"Paid £{rate} an hour in a project team; an earlier individual placement of the same worker "
                    f"with {la.name} at a lower rate exists."
                )
    return outcome


def _check_cap(outcome: Outcome, placement: PlacementLike, *, refs: ReferenceMaps, la_name: str, region_name: str):
    rate = placement.hourly_pay_rate
    start = placement.start_date
    answer = refs.cap_tables[refs.las_by_id[placement.local_authority_id].region_id].lookup(
        role_grade_id=placement.role_grade_id,
        on=start,
        engagement_type=placement.engagement_type,
        local_authority_id=placement.local_authority_id,
    )
    if answer is None:
        role = _role_name(refs, placement.role_grade_id)
        outcome.flags[Flag.NO_CAP_IN_FORCE] = (
            f"The {region_name} region has no published cap for a {role} on {_day(start)}, "
            "so this rate is not counted above or below a cap."
        )
        return
    outcome.cap_rate = answer.cap
    outcome.allowed_rate = answer.allowed_rate
    if rate <= answer.allowed_rate:
        return
    role = _role_name(refs, placement.role_grade_id)
    paye = " (PAYE)" if placement.engagement_type == "paye" else ""
    stated = f"Paid £{rate} an hour; the {region_name} cap{paye} for a {role} on {_day(start)} is £{answer.cap}"
    if answer.exemption_rate is not None and answer.allowed_rate > answer.cap:
        stated += f" and {la_name}'s exemption allows £{answer.allowed_rate}"
    reference = placement.breach_request_reference
    approvals = refs.approvals
    if reference:
        approval = approvals.by_reference.get(reference)
        if approval is None:
            status = approvals.not_approved.get(reference, (None, "not approved"))[1]
            reason = f"breach request {reference} is {status}, not approved"
        else:
            why = approval.why_not_covering(
                role_grade_id=placement.role_grade_id,
                engagement_type=placement.engagement_type,
                rate=rate,
                on=start,
            )
            if why is None:
                outcome.breach_request_id = approval.id
                outcome.flags[Flag.ABOVE_CAP_AUTHORISED] = f"{stated}; approved breach request {reference} covers it."
                return
            reason = f"the cited breach request does not cover it: {why}"
        outcome.flags[Flag.ABOVE_CAP_UNAUTHORISED] = f"{stated}; {reason}."
        return
    approval = approvals.covering(
        local_authority_id=placement.local_authority_id,
        role_grade_id=placement.role_grade_id,
        engagement_type=placement.engagement_type,
        rate=rate,
        on=start,
    )
    if approval is not None:
        outcome.breach_request_id = approval.id
        outcome.flags[Flag.ABOVE_CAP_AUTHORISED] = f"{stated}; approved breach request {approval.reference} covers it."
        return
    outcome.flags[Flag.ABOVE_CAP_UNAUTHORISED] = f"{stated}; no approved breach request covers it."
