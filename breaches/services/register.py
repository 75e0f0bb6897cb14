"""Writes of the breach register: breaches recorded by people, and breaches suggested by the
system (from MSP placement data, a later issue) that the programme manager confirms or dismisses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from breaches.models import BreachRecord, BreachRequest, BreachRequestStatus, BreachType, PreventsRepeat
from breaches.rules import can_change_breach_record, can_record_breach_for, can_review_breach_record
from rates.models import MAX_HOURLY_RATE, RoleGrade
from riia.bulk import rows_insert
from riia.errors import DomainError
from riia.models import MSP, Agency, LocalAuthority, User
from riia.services import audit_record, snapshot

AUDITED_FIELDS = [
    "local_authority_id",
    "breach_type",
    "occurred_on",
    "role_grade_id",
    "hourly_rate",
    "msp_id",
    "agency_id",
    "description",
    "reason",
    "actions_taken",
    "prevents_repeat",
    "with_permission",
    "breach_request_id",
    "source",
    "status",
    "source_reference",
]


def _required(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def _check_details(
    *,
    local_authority: LocalAuthority,
    occurred_on: date,
    role_grade: RoleGrade | None,
    hourly_rate: Decimal | None,
    msp: MSP | None,
) -> None:
    if occurred_on > timezone.localdate():
        raise DomainError("The date the breach happened must be today or in the past.", field="occurred_on")
    if hourly_rate is not None and not (Decimal("0") < hourly_rate <= MAX_HOURLY_RATE):
        raise DomainError(f"Enter an hourly rate between £0.01 and £{MAX_HOURLY_RATE}.", field="hourly_rate")
    if role_grade is not None and role_grade.region_id not in (None, local_authority.region_id):
        raise DomainError(f"{role_grade} is a local grade of another region.", field="role_grade")
    if msp is not None and not msp.local_authorities.filter(pk=local_authority.pk).exists():
        raise DomainError(f"{msp} does not serve {local_authority}.", field="msp")


def _new_record(
    *,
    local_authority: LocalAuthority,
    breach_type: str,
    occurred_on: date,
    description: str,
    reason: str,
    role_grade: RoleGrade | None,
    hourly_rate: Decimal | None,
    msp: MSP | None,
    agency: Agency | None,
    **fields,
) -> BreachRecord:
    """Check what every entry, recorded or suggested, must satisfy and insert it; ``fields`` are what only
    one kind has (who recorded it and the permission, or the suggestion's source)."""
    _check_details(
        local_authority=local_authority,
        occurred_on=occurred_on,
        role_grade=role_grade,
        hourly_rate=hourly_rate,
        msp=msp,
    )
    return BreachRecord.objects.create(
        region=local_authority.region,
        local_authority=local_authority,
        breach_type=breach_type,
        occurred_on=occurred_on,
        role_grade=role_grade,
        hourly_rate=hourly_rate,
        msp=msp,
        agency=agency,
        description=description,
        reason=reason,
        **fields,
    )


def _approved_request(*, breach_request: BreachRequest, local_authority: LocalAuthority, occurred_on: date):
    breach_request = (
        BreachRequest.objects.select_for_update(of=("self",)).select_related("decision").get(pk=breach_request.pk)
    )
    if breach_request.local_authority_id != local_authority.pk:
        raise DomainError(
            f"Breach request {breach_request.reference} belongs to another local authority.", field="breach_request"
        )
    if breach_request.status != BreachRequestStatus.APPROVED:
        raise DomainError(
            f"Breach request {breach_request.reference} has not been approved, so it cannot give permission.",
            field="breach_request",
        )
    decision = getattr(breach_request, "decision", None)
    if decision is not None and decision.expires_on is not None and occurred_on > decision.expires_on:
        raise DomainError(
            f"The approval of {breach_request.reference} ended on {decision.expires_on.day} {decision.expires_on:%B %Y}, "
            "before this breach happened.",
            field="breach_request",
        )
    return breach_request


@transaction.atomic
def breach_record_create(
    *,
    actor: User,
    local_authority: LocalAuthority,
    breach_type: str,
    occurred_on: date,
    description: str,
    reason: str,
    actions_taken: str,
    prevents_repeat: str = PreventsRepeat.NOT_YET_KNOWN,
    breach_request: BreachRequest | None = None,
    role_grade: RoleGrade | None = None,
    hourly_rate: Decimal | None = None,
    msp: MSP | None = None,
    agency: Agency | None = None,
) -> BreachRecord:
    """Record a breach that happened. Linking the LA's approved request records it as with permission."""
    if not can_record_breach_for(actor, local_authority):
        raise DomainError(
            f"Only {local_authority}'s workforce lead or the region's programme manager can record its breaches."
        )
    description = _required(description, "Describe what was breached.", "description")
    reason = _required(reason, "Enter the reason for the breach.", "reason")
    actions_taken = _required(actions_taken, "Enter the actions taken.", "actions_taken")
    if breach_request is not None:
        breach_request = _approved_request(
            breach_request=breach_request, local_authority=local_authority, occurred_on=occurred_on
        )
    record = _new_record(
        local_authority=local_authority,
        breach_type=breach_type,
        occurred_on=occurred_on,
        description=description,
        reason=reason,
        role_grade=role_grade,
        hourly_rate=hourly_rate,
        msp=msp,
        agency=agency,
        actions_taken=actions_taken,
        prevents_repeat=prevents_repeat,
        breach_request=breach_request,
        with_permission=breach_request is not None,
        recorded_by=actor,
    )
    audit_record(actor=actor, action="breach_record.created", obj=record, after=snapshot(record, AUDITED_FIELDS))
    return record


@transaction.atomic
def breach_record_update_actions(
    *, actor: User, breach_record: BreachRecord, actions_taken: str, prevents_repeat: str
) -> BreachRecord:
    """Record what was done about a breach and whether it will stop it happening again."""
    record = BreachRecord.objects.select_for_update().select_related("local_authority__region").get(pk=breach_record.pk)
    if not can_change_breach_record(actor, record):
        raise DomainError("You cannot change the actions on this breach.")
    actions_taken = _required(actions_taken, "Enter the actions taken.", "actions_taken")
    if prevents_repeat not in PreventsRepeat.values:
        raise DomainError("Select whether the actions will prevent a repeat.", field="prevents_repeat")
    before = snapshot(record, ["actions_taken", "prevents_repeat"])
    record.actions_taken = actions_taken
    record.prevents_repeat = prevents_repeat
    record.save(update_fields=["actions_taken", "prevents_repeat"])
    audit_record(
        actor=actor,
        action="breach_record.actions_updated",
        obj=record,
        before=before,
        after=snapshot(record, ["actions_taken", "prevents_repeat"]),
    )
    return record


@transaction.atomic
def breach_record_suggest(
    *,
    local_authority: LocalAuthority,
    breach_type: str,
    occurred_on: date,
    description: str,
    source_reference: str,
    reason: str = "",
    role_grade: RoleGrade | None = None,
    hourly_rate: Decimal | None = None,
    msp: MSP | None = None,
    agency: Agency | None = None,
) -> tuple[BreachRecord, bool]:
    """Suggest a breach the system detected (the actor is the system). ``source_reference`` names what
    suggested it, e.g. an MSP placement row; suggesting the same reference again returns the first
    entry, whatever became of it, and ``False``. Safe under concurrent calls."""
    source_reference = _required(source_reference, "A suggestion needs a source reference.", "source_reference")
    description = _required(description, "Describe what was breached.", "description")
    existing = BreachRecord.objects.filter(region=local_authority.region, source_reference=source_reference).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            record = _new_record(
                local_authority=local_authority,
                breach_type=breach_type,
                occurred_on=occurred_on,
                description=description,
                reason=reason.strip(),
                role_grade=role_grade,
                hourly_rate=hourly_rate,
                msp=msp,
                agency=agency,
                source=BreachRecord.Source.SUGGESTED,
                status=BreachRecord.Status.SUGGESTED,
                source_reference=source_reference,
            )
            audit_record(
                actor=None, action="breach_record.suggested", obj=record, after=snapshot(record, AUDITED_FIELDS)
            )
    except IntegrityError:
        # Another worker suggested the same reference between our read and our insert.
        return BreachRecord.objects.get(region=local_authority.region, source_reference=source_reference), False
    return record, True


def _review(*, actor: User, breach_record: BreachRecord, status: str, action: str, note: str = "") -> BreachRecord:
    record = BreachRecord.objects.select_for_update().select_related("region").get(pk=breach_record.pk)
    if not can_review_breach_record(actor, record):
        raise DomainError("Only the region's programme manager can confirm or dismiss a suggested breach.")
    if record.status != BreachRecord.Status.SUGGESTED:
        raise DomainError(f"This breach is already {record.get_status_display().lower()}.")
    record.status = status
    record.save(update_fields=["status"])
    after = {"status": status, **({"note": note} if note else {})}
    audit_record(actor=actor, action=action, obj=record, before={"status": BreachRecord.Status.SUGGESTED}, after=after)
    return record


@transaction.atomic
def breach_record_confirm(*, actor: User, breach_record: BreachRecord) -> BreachRecord:
    """The programme manager agrees a suggested breach happened: it joins the register."""
    return _review(
        actor=actor, breach_record=breach_record, status=BreachRecord.Status.CONFIRMED, action="breach_record.confirmed"
    )


@transaction.atomic
def breach_record_dismiss(*, actor: User, breach_record: BreachRecord, reason: str) -> BreachRecord:
    """The programme manager finds a suggestion was not a breach. The reason is kept in the audit record."""
    reason = _required(reason, "Enter why this is not a breach.", "reason")
    return _review(
        actor=actor,
        breach_record=breach_record,
        status=BreachRecord.Status.DISMISSED,
        action="breach_record.dismissed",
        note=reason,
    )


@dataclass(frozen=True, slots=True)
class BreachSuggestion:
    """A breach the system detected in bulk data (e.g. a placement paid above the cap)."""

    local_authority_id: int
    source_reference: str
    occurred_on: date
    description: str
    role_grade_id: int | None = None
    hourly_rate: Decimal | None = None
    msp_id: int | None = None
    agency_id: int | None = None


@transaction.atomic
def breach_records_suggest(*, suggestions: list[BreachSuggestion]) -> int:
    """Suggest many breaches at once: one insert that leaves out any (region, source reference)
    already suggested, whatever became of it, and one audit record. The caller has checked the
    values (the LA, role and MSP come from its own reference maps) and sends its own digest
    notification. Returns how many were new."""
    if not suggestions:
        return 0
    regions = dict(
        LocalAuthority.objects.filter(pk__in={s.local_authority_id for s in suggestions}).values_list("pk", "region_id")
    )
    today = timezone.localdate()
    columns = (
        "region_id",
        "local_authority_id",
        "breach_type",
        "occurred_on",
        "role_grade_id",
        "hourly_rate",
        "msp_id",
        "agency_id",
        "description",
        "reason",
        "actions_taken",
        "prevents_repeat",
        "with_permission",
        "source",
        "status",
        "source_reference",
        "recorded_at",
    )
    now = timezone.now()
    created = rows_insert(
        BreachRecord,
        columns,
        [
            (
                regions[s.local_authority_id],
                s.local_authority_id,
                BreachType.PAY_RATE,
                min(s.occurred_on, today),
                s.role_grade_id,
                s.hourly_rate,
                s.msp_id,
                s.agency_id,
                s.description,
                "",
                "",
                PreventsRepeat.NOT_YET_KNOWN,
                False,
                BreachRecord.Source.SUGGESTED,
                BreachRecord.Status.SUGGESTED,
                s.source_reference,
                now,
            )
            for s in suggestions
        ],
        skip_conflicts=True,
    )
    if created:
        audit_record(
            actor=None,
            action="breach_record.suggested_in_bulk",
            after={
                "suggested": created,
                "already_suggested": len(suggestions) - created,
                "first_reference": suggestions[0].source_reference,
            },
        )
    return created
