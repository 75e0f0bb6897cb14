"""Turning one uploaded row into typed values, against reference maps held in memory.

Pure functions of (row, reference maps): no database, no exceptions but ``RowError`` lists. Every
message names the column and is written for the person fixing the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from datareturns.models import MAX_HOURS_PER_WEEK, MAX_UPLOAD_RATE
from datareturns.parsing import Columns, RowError
from datareturns.refs import ReferenceMaps
from rates.models import EngagementType
from riia.models import LeaveReason
from riia.privacy import normalise_registration, registration_hash

PLACEMENT_COLUMNS = Columns(
    key="placements",
    required=(
        "assignment_id",
        "la_code",
        "worker_registration",
        "role",
        "engagement_type",
        "hourly_pay_rate",
        "charge_rate",
        "start_date",
        "hours_per_week",
        "agency",
        "project_team",
        "pqe_years",
    ),
    optional=("agency_margin", "msp_fee", "end_date", "covering_vacancy", "breach_request_reference"),
)
LEAVER_COLUMNS = Columns(key="leavers", required=("la_code", "worker_registration", "leave_date", "leave_reason"))

LABELS = {
    "assignment_id": "assignment ID",
    "la_code": "LA code",
    "worker_registration": "worker registration",
    "role": "role",
    "engagement_type": "engagement type",
    "hourly_pay_rate": "hourly pay rate",
    "charge_rate": "charge rate",
    "agency_margin": "agency margin",
    "msp_fee": "MSP fee",
    "start_date": "start date",
    "end_date": "end date",
    "hours_per_week": "hours per week",
    "agency": "agency",
    "project_team": "project team",
    "pqe_years": "PQE years",
    "covering_vacancy": "covering vacancy",
    "breach_request_reference": "breach request reference",
    "leave_date": "leave date",
    "leave_reason": "leave reason",
}

TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}
ENGAGEMENT_TYPES = frozenset(EngagementType.values)
LEAVE_REASONS = frozenset(LeaveReason.values)
MONEY_PATTERN = re.compile(r"£?(\d{1,6})(?:\.(\d{1,2}))?")
PQE_PATTERN = re.compile(r"\d{1,2}(?:\.\d)?")
HOURS_PATTERN = re.compile(r"\d{1,3}(?:\.\d{1,2})?")
MAX_TEXT = 150


@dataclass(slots=True)
class PlacementRow:
    """One valid placement row. Attribute names match ``Placement``'s, so the compliance checks run
    on either."""

    row: int
    assignment_id: str
    local_authority_id: int
    region_id: int
    worker_hash: str
    role_grade_id: int
    engagement_type: str
    hourly_pay_rate: Decimal
    charge_rate: Decimal
    agency_margin: Decimal | None
    msp_fee: Decimal | None
    start_date: date
    end_date: date | None
    hours_per_week: Decimal
    agency_name: str
    project_team: bool
    pqe_years: Decimal
    covering_vacancy: bool | None
    breach_request_reference: str


@dataclass(slots=True)
class LeaverRow:
    row: int
    local_authority_id: int
    region_id: int
    worker_hash: str
    leave_date: date
    leave_reason: str


def _error(errors: list[RowError], row: int, name: str, message: str, value: str | None) -> None:
    errors.append(RowError(row, message, field=name, value=value))


def parse_money(text: str) -> Decimal | str:
    """Pounds and pence, e.g. ``45.50``, ``45.5`` or ``£45.50``. Returns the value or the problem."""
    match = MONEY_PATTERN.fullmatch(text)
    if match is None:
        if "," in text:
            return "use a point for pence, like 45.50, not a comma"
        if re.fullmatch(r"£?\d+\.\d{3,}", text):
            return "give it in pounds and pence, with at most 2 decimal places, like 42.50"
        if text.startswith("-"):
            return "it must be more than £0"
        return "enter it in pounds, like 42.50"
    return Decimal(text.lstrip("£"))


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (as Excel exports it); nothing else."""
    if len(text) != 10:
        return None
    try:
        if text[4] == "-" and text[7] == "-":
            return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        if text[2] == "/" and text[5] == "/":
            return date(int(text[6:10]), int(text[3:5]), int(text[0:2]))
    except ValueError:
        return None
    return None


def parse_bool(text: str) -> bool | None:
    lowered = text.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    return None


def _money(errors, row, raw, name, *, required: bool, minimum: Decimal) -> Decimal | None:
    text = raw.get(name, "").strip()
    label = LABELS[name]
    if not text:
        if required:
            _error(errors, row, name, f"Enter the {label} in pounds, like 42.50.", text)
        return None
    value = parse_money(text)
    if isinstance(value, str):
        _error(errors, row, name, f"The {label} is not a valid amount: {value}.", text)
        return None
    if value < minimum or value > MAX_UPLOAD_RATE:
        low = "more than £0" if minimum > 0 else "£0 or more"
        _error(errors, row, name, f"The {label} must be {low} and at most £{MAX_UPLOAD_RATE} an hour.", text)
        return None
    return value


def _la(errors, row, raw, refs: ReferenceMaps):
    text = raw.get("la_code", "").strip().upper()
    if not text:
        _error(errors, row, "la_code", "Enter the LA code, like 330 or E08000025.", text)
        return None
    la = refs.las_by_code.get(text)
    if la is None:
        _error(errors, row, "la_code", f"There is no local authority with the code {text}.", text)
        return None
    if la.id not in refs.writable_la_ids:
        _error(errors, row, "la_code", f"You cannot send data for {la.name}: {refs.scope_message}", text)
        return None
    return la


def _registration(errors, row, raw) -> str | None:
    text = raw.get("worker_registration", "").strip()
    if not text:
        _error(errors, row, "worker_registration", "Enter the worker's Social Work England registration number.", None)
        return None
    number = normalise_registration(text)
    if number is None:
        # The value is not echoed back: it may be a real registration number typed wrongly.
        _error(
            errors,
            row,
            "worker_registration",
            "The worker registration must be SW followed by 1 to 10 digits, like SW123456.",
            None,
        )
        return None
    return registration_hash(number)


def _date(errors, row, raw, name, *, required: bool) -> date | None:
    text = raw.get(name, "").strip()
    label = LABELS[name]
    if not text:
        if required:
            _error(errors, row, name, f"Enter the {label} as YYYY-MM-DD, like 2026-03-31.", text)
        return None
    value = parse_date(text)
    if value is None:
        _error(errors, row, name, f"The {label} must be a real date written YYYY-MM-DD or DD/MM/YYYY.", text)
    return value


def validate_placement(
    row: int, raw: dict[str, str], refs: ReferenceMaps, *, assignment_required: bool = True
) -> PlacementRow | list[RowError]:
    """``assignment_required=False`` for the pre-offer check, where a proposal may have no ID yet."""
    errors: list[RowError] = []
    assignment_id = raw.get("assignment_id", "").strip()
    if not assignment_id and assignment_required:
        _error(errors, row, "assignment_id", "Enter the assignment ID (your own reference for the placement).", "")
    elif len(assignment_id) > 64:
        _error(errors, row, "assignment_id", "The assignment ID must be 64 characters or fewer.", assignment_id[:70])
    la = _la(errors, row, raw, refs)
    worker_hash = _registration(errors, row, raw)

    role_text = raw.get("role", "").strip().lower()
    grade = refs.grades_by_code.get(role_text)
    if not role_text:
        _error(errors, row, "role", "Enter the role, a role grade code like social-worker.", role_text)
    elif grade is None:
        _error(
            errors,
            row,
            "role",
            f"There is no role grade {role_text}. Use a code from the region's rate card.",
            role_text,
        )
    elif la is not None and grade.region_id is not None and grade.region_id != la.region_id:
        _error(errors, row, "role", f"{role_text} is a local grade of another region, not {la.region_name}.", role_text)
        grade = None

    engagement = raw.get("engagement_type", "").strip().lower()
    if engagement not in ENGAGEMENT_TYPES:
        _error(
            errors, row, "engagement_type", "The engagement type must be limited_company, umbrella or paye.", engagement
        )

    pay = _money(errors, row, raw, "hourly_pay_rate", required=True, minimum=Decimal("0.01"))
    charge = _money(errors, row, raw, "charge_rate", required=True, minimum=Decimal("0.01"))
    margin = _money(errors, row, raw, "agency_margin", required=False, minimum=Decimal("0"))
    fee = _money(errors, row, raw, "msp_fee", required=False, minimum=Decimal("0"))
    if pay is not None and charge is not None and charge < pay:
        _error(errors, row, "charge_rate", "The charge rate must be at least the hourly pay rate.", str(charge))

    start = _date(errors, row, raw, "start_date", required=True)
    end = _date(errors, row, raw, "end_date", required=False)
    if start is not None and end is not None and end < start:
        _error(errors, row, "end_date", "The end date must be the same as or after the start date.", raw["end_date"])

    hours_text = raw.get("hours_per_week", "").strip()
    hours = None
    if not HOURS_PATTERN.fullmatch(hours_text):
        _error(errors, row, "hours_per_week", "Enter the hours per week as a number, like 37 or 22.5.", hours_text)
    else:
        hours = Decimal(hours_text)
        if not (0 < hours <= MAX_HOURS_PER_WEEK):
            _error(errors, row, "hours_per_week", "The hours per week must be more than 0 and at most 60.", hours_text)
            hours = None

    agency = " ".join(raw.get("agency", "").split())
    if not agency:
        _error(errors, row, "agency", "Enter the name of the agency that supplies the worker.", "")
    elif len(agency) > MAX_TEXT:
        _error(errors, row, "agency", f"The agency name must be {MAX_TEXT} characters or fewer.", agency[:MAX_TEXT])

    project_text = raw.get("project_team", "").strip()
    project_team = parse_bool(project_text)
    if project_team is None:
        _error(errors, row, "project_team", "Say whether the worker is in a project team: true or false.", project_text)

    pqe_text = raw.get("pqe_years", "").strip()
    pqe = None
    if not PQE_PATTERN.fullmatch(pqe_text):
        _error(
            errors,
            row,
            "pqe_years",
            "Enter the years of post-qualified experience as a number of 0 or more, like 4 or 2.5.",
            pqe_text,
        )
    else:
        pqe = Decimal(pqe_text)

    vacancy_text = raw.get("covering_vacancy", "").strip()
    vacancy = parse_bool(vacancy_text) if vacancy_text else None
    if vacancy_text and vacancy is None:
        _error(errors, row, "covering_vacancy", "Say whether it covers a vacancy: true, false or blank.", vacancy_text)

    reference = raw.get("breach_request_reference", "").strip().upper()
    if reference and la is not None:
        cited = refs.approvals.by_reference.get(reference)
        cited_la = cited.local_authority_id if cited else refs.approvals.not_approved.get(reference, (None,))[0]
        if cited_la != la.id:
            _error(
                errors,
                row,
                "breach_request_reference",
                f"{la.name} has no breach request {reference}.",
                reference,
            )

    if errors:
        return errors
    return PlacementRow(
        row=row,
        assignment_id=assignment_id,
        local_authority_id=la.id,
        region_id=la.region_id,
        worker_hash=worker_hash,
        role_grade_id=grade.id,
        engagement_type=engagement,
        hourly_pay_rate=pay,
        charge_rate=charge,
        agency_margin=margin,
        msp_fee=fee,
        start_date=start,
        end_date=end,
        hours_per_week=hours,
        agency_name=agency,
        project_team=project_team,
        pqe_years=pqe,
        covering_vacancy=vacancy,
        breach_request_reference=reference,
    )


def validate_leaver(row: int, raw: dict[str, str], refs: ReferenceMaps) -> LeaverRow | list[RowError]:
    errors: list[RowError] = []
    la = _la(errors, row, raw, refs)
    worker_hash = _registration(errors, row, raw)
    leave_date = _date(errors, row, raw, "leave_date", required=True)
    reason = raw.get("leave_reason", "").strip().lower()
    if reason not in LEAVE_REASONS:
        _error(
            errors,
            row,
            "leave_reason",
            f"The leave reason must be one of {', '.join(LeaveReason.values)}.",
            reason,
        )
    if errors:
        return errors
    return LeaverRow(
        row=row,
        local_authority_id=la.id,
        region_id=la.region_id,
        worker_hash=worker_hash,
        leave_date=leave_date,
        leave_reason=reason,
    )
