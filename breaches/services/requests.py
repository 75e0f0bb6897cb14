"""Breach requests: one service per transition, each with an explicit allowed-from set, the row lock
taken before the check, an audit record with before/after, and the people who must act told.

    draft ──submit──▶ awaiting_signatures ──DCS + CE sign──▶ awaiting_decision ──decide──▶ approved / rejected
      ▲                  │ return                              │ return             (no regional decision
      └── returned ◀─────┘◀────────────────────────────────────┘                      required: both
    (any open state) ──withdraw──▶ withdrawn                                           signatures approve)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from breaches.models import BreachRequest, BreachRequestStatus, Decision, ReturnNote, Signature
from breaches.rules import decides_sub_regionally, is_decider_for
from breaches.selectors.requests import (
    breach_request_cap,
    breach_request_deciders,
    breach_request_leads,
    breach_request_signatories,
)
from rates.lookup import CapAnswer
from rates.models import MAX_HOURLY_RATE, EngagementType, RoleGrade
from riia.errors import DomainError
from riia.models import LocalAuthority, NotificationKind, Role, User
from riia.rules import forget_memberships, is_chief_executive_of, is_dcs_of, is_workforce_lead_of
from riia.selectors import people_in_region_las, people_with_la_role
from riia.services import audit_record, notification_send, required_text, snapshot

DETAIL_FIELDS = [
    "role_grade_id",
    "engagement_type",
    "proposed_rate",
    "number_of_roles",
    "contract_start",
    "contract_end",
    "reason_category",
    "reason",
    "is_project_team",
    "confirms_no_other_breach",
]
STATE_FIELDS = ["status", "round", "cap_rate", "allowed_rate", "over_by", "over_by_percent", "price_cap_id"]


@dataclass(frozen=True)
class BreachRequestDetails:
    """What the workforce lead fills in; the same shape for creating and changing a request."""

    role_grade: RoleGrade
    proposed_rate: Decimal
    number_of_roles: int
    contract_start: date
    contract_end: date
    reason_category: str
    engagement_type: str = EngagementType.LIMITED_COMPANY
    reason: str = ""
    is_project_team: bool = False
    confirms_no_other_breach: bool = False


def _url(breach_request: BreachRequest) -> str:
    return reverse("breaches:request-detail", args=[breach_request.pk])


def _lock(breach_request: BreachRequest) -> BreachRequest:
    return (
        BreachRequest.objects.select_for_update(of=("self",))
        .select_related("local_authority__region", "local_authority__group", "role_grade")
        .get(pk=breach_request.pk)
    )


def _require_status(breach_request: BreachRequest, allowed: list[str], doing: str) -> None:
    if breach_request.status not in allowed:
        raise DomainError(
            f"You cannot {doing} breach request {breach_request.reference} because it is "
            f"{breach_request.get_status_display().lower()}."
        )


def _move(breach_request: BreachRequest, *, to: str, actor: User, action: str, after: dict | None = None) -> None:
    """Change the status of a locked request and write the transition's audit record."""
    before = snapshot(breach_request, ["status"])
    breach_request.status = to
    breach_request.updated_at = timezone.now()
    breach_request.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, obj=breach_request, before=before, after={"status": to, **(after or {})})


def _check_details(*, local_authority: LocalAuthority, details: BreachRequestDetails, complete: bool) -> CapAnswer:
    """Refuse anything that is not a well-formed breach of the cap. ``complete`` adds what only
    submission needs (the reason and the confirmation), so drafts can be saved part-way."""
    if not (Decimal("0") < details.proposed_rate <= MAX_HOURLY_RATE):
        raise DomainError(f"Enter a proposed hourly rate between £0.01 and £{MAX_HOURLY_RATE}", field="proposed_rate")
    if details.number_of_roles < 1:
        raise DomainError("Enter the number of roles, 1 or more", field="number_of_roles")
    if details.contract_end < details.contract_start:
        raise DomainError("The contract end date must be the same as or after the start date", field="contract_end")
    if details.role_grade.region_id not in (None, local_authority.region_id):
        raise DomainError("Select a role used in your region", field="role_grade")
    answer = breach_request_cap(
        local_authority=local_authority,
        role_grade=details.role_grade,
        on=details.contract_start,
        engagement_type=details.engagement_type,
    )
    if answer is None:
        raise DomainError(
            f"There is no published cap for {details.role_grade} in {local_authority.region} on "
            f"{details.contract_start:%-d %B %Y}. Check the role and the contract start date, "
            "or ask your programme manager",
            field="role_grade",
        )
    if details.proposed_rate <= answer.allowed_rate:
        limit = "the rate your exemption allows" if answer.exemption_id else "the cap"
        raise DomainError(
            f"The proposed rate of £{details.proposed_rate} an hour is not above {limit} of "
            f"£{answer.allowed_rate} an hour for {details.role_grade}, so it is not a breach and needs no request",
            field="proposed_rate",
        )
    if complete and not details.reason.strip():
        raise DomainError("Enter the reason for the breach", field="reason")
    if complete and not details.confirms_no_other_breach:
        raise DomainError(
            "Confirm that no other term of the agreement, such as the cool-off period, will be breached",
            field="confirms_no_other_breach",
        )
    return answer


def _next_reference(local_authority: LocalAuthority) -> str:
    """``BR-<DfE LA number>-<5-digit sequence per LA>``. The caller holds the LA row lock, so two
    requests created at once get different numbers."""
    prefix = f"BR-{local_authority.old_code}-"
    last = (
        BreachRequest.objects.filter(local_authority=local_authority, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


@transaction.atomic
def breach_request_create(
    *, actor: User, local_authority: LocalAuthority, details: BreachRequestDetails
) -> BreachRequest:
    """Start a draft. The reference is assigned now, under a lock on the LA row."""
    local_authority = LocalAuthority.objects.select_for_update().select_related("region").get(pk=local_authority.pk)
    if not is_workforce_lead_of(actor, local_authority):
        raise DomainError(f"Only a workforce lead of {local_authority} can start a breach request for it.")
    _check_details(local_authority=local_authority, details=details, complete=False)
    breach_request = BreachRequest.objects.create(
        reference=_next_reference(local_authority),
        local_authority=local_authority,
        created_by=actor,
        **details.__dict__,
    )
    audit_record(
        actor=actor,
        action="breach_request.created",
        obj=breach_request,
        after=snapshot(breach_request, ["reference", *DETAIL_FIELDS, "status"]),
    )
    return breach_request


@transaction.atomic
def breach_request_update(
    *, breach_request: BreachRequest, actor: User, details: BreachRequestDetails
) -> BreachRequest:
    """Change a draft or a returned request."""
    breach_request = _lock(breach_request)
    _require_status(breach_request, BreachRequestStatus.editable(), "change")
    if not is_workforce_lead_of(actor, breach_request.local_authority):
        raise DomainError(f"Only a workforce lead of {breach_request.local_authority} can change this request.")
    _check_details(local_authority=breach_request.local_authority, details=details, complete=False)
    before = snapshot(breach_request, DETAIL_FIELDS)
    for name, value in details.__dict__.items():
        setattr(breach_request, name, value)
    breach_request.updated_at = timezone.now()
    breach_request.save()
    audit_record(
        actor=actor,
        action="breach_request.updated",
        obj=breach_request,
        before=before,
        after=snapshot(breach_request, DETAIL_FIELDS),
    )
    return breach_request


def _details_of(breach_request: BreachRequest) -> BreachRequestDetails:
    return BreachRequestDetails(
        **{name: getattr(breach_request, name) for name in BreachRequestDetails.__dataclass_fields__}
    )


@transaction.atomic
def breach_request_submit(*, breach_request: BreachRequest, actor: User) -> BreachRequest:
    """Send a draft (or a returned request, as a new round) to the DCS and chief executive. The cap
    figures are frozen now, so a later cap change does not rewrite what was signed."""
    breach_request = _lock(breach_request)
    _require_status(breach_request, BreachRequestStatus.editable(), "submit")
    if not is_workforce_lead_of(actor, breach_request.local_authority):
        raise DomainError(f"Only a workforce lead of {breach_request.local_authority} can submit this request.")
    answer = _check_details(
        local_authority=breach_request.local_authority, details=_details_of(breach_request), complete=True
    )
    before = snapshot(breach_request, STATE_FIELDS)
    now = timezone.now()
    breach_request.status = BreachRequestStatus.AWAITING_SIGNATURES
    breach_request.round += 1
    breach_request.price_cap_id = answer.price_cap_id
    breach_request.cap_rate = answer.cap
    breach_request.allowed_rate = answer.allowed_rate
    breach_request.over_by = answer.over_by(breach_request.proposed_rate)
    breach_request.over_by_percent = answer.over_by_percent(breach_request.proposed_rate)
    breach_request.submitted_at = now
    breach_request.updated_at = now
    breach_request.save()
    audit_record(
        actor=actor,
        action="breach_request.submitted",
        obj=breach_request,
        before=before,
        after=snapshot(breach_request, STATE_FIELDS),
    )
    notification_send(
        recipients=breach_request_signatories(breach_request=breach_request),
        subject=f"Breach request {breach_request.reference} is waiting for your signature",
        body=(
            f"{breach_request.local_authority} asks to pay {_with_article(breach_request.role_grade)} "
            f"£{breach_request.proposed_rate} an hour, £{breach_request.over_by} ({breach_request.over_by_percent}%) "
            f"above the allowed £{breach_request.allowed_rate}. The DCS and the chief executive must both sign it."
        ),
        url=_url(breach_request),
        kind=NotificationKind.ACTION,
        about=breach_request,
    )
    return breach_request


@transaction.atomic
def breach_request_sign(
    *, breach_request: BreachRequest, actor: User, role: str, declaration: str = ""
) -> BreachRequest:
    """The DCS or the chief executive approves their LA's request; ``declaration`` is the text they
    confirmed, kept in the audit record. Two different people, each holding
    the role for that LA now, sign once each per round. When both have signed, the request goes to the
    region's decider, or is approved outright where the MOU needs no regional decision."""
    breach_request = _lock(breach_request)
    _require_status(breach_request, [BreachRequestStatus.AWAITING_SIGNATURES], "sign")
    la = breach_request.local_authority
    forget_memberships(actor)  # "holding that role at the time of signing": read afresh
    holds = {Role.DCS: is_dcs_of, Role.CHIEF_EXECUTIVE: is_chief_executive_of}.get(role)
    if holds is None or not holds(actor, la):
        label = Role(role).label if role in Role.values else role
        raise DomainError(f"You cannot sign as {label.lower()} because you do not hold that role for {la}.")
    signed = list(breach_request.signatures.filter(round=breach_request.round))
    if any(s.signatory_id == actor.pk for s in signed):
        raise DomainError(
            "You have already signed this request. The DCS and the chief executive must be two different people."
        )
    if any(s.role == role for s in signed):
        raise DomainError(f"The {Role(role).label.lower()} has already signed this request.")
    before = snapshot(breach_request, ["status"])
    signature = Signature.objects.create(
        breach_request=breach_request, round=breach_request.round, role=role, signatory=actor
    )
    audit_record(
        actor=actor,
        action="breach_request.signed",
        obj=breach_request,
        before=before,
        after={
            "status": breach_request.status,
            "role": role,
            "round": signature.round,
            **({"declaration": declaration} if declaration else {}),
        },
    )
    if len(signed) + 1 < len(Signature.SIGNING_ROLES):
        return breach_request

    if la.region.regional_decision_required:
        _move(
            breach_request,
            to=BreachRequestStatus.AWAITING_DECISION,
            actor=actor,
            action="breach_request.signed_off",
        )
        who = "sub-regional lead" if decides_sub_regionally(la) else "programme manager"
        notification_send(
            recipients=breach_request_deciders(breach_request=breach_request),
            subject=f"Breach request {breach_request.reference} from {la} is waiting for your decision",
            body=f"The DCS and chief executive of {la} have signed it. As {who}, approve, reject or return it.",
            url=_url(breach_request),
            kind=NotificationKind.ACTION,
            about=breach_request,
        )
        return breach_request
    return _record_decision(
        breach_request=breach_request, outcome=Decision.Outcome.APPROVED, actor=actor, decided_by=None
    )


def _record_decision(
    *,
    breach_request: BreachRequest,
    outcome: str,
    actor: User,
    decided_by: User | None,
    decided_as: str = "",
    conditions: str = "",
    expires_on: date | None = None,
    comment: str = "",
) -> BreachRequest:
    decision = Decision.objects.create(
        breach_request=breach_request,
        outcome=outcome,
        conditions=conditions,
        expires_on=expires_on,
        comment=comment,
        decided_by=decided_by,
        decided_as=decided_as,
    )
    _move(
        breach_request,
        to=BreachRequestStatus(outcome),
        actor=actor,
        action="breach_request.decided",
        after=snapshot(decision, ["outcome", "conditions", "expires_on", "comment", "decided_as"]),
    )
    la = breach_request.local_authority
    outcome = decision.get_outcome_display().lower()
    figures = _decision_figures(breach_request, decision)
    own_people = people_with_la_role(local_authority=la, roles=Role.la_roles())
    notification_send(
        recipients=own_people,
        subject=f"Your breach request {breach_request.reference} was {outcome}",
        body=f"{la}'s request to pay {_with_article(breach_request.role_grade)} above the cap was {outcome}"
        + (f" by {decision.decided_by.full_name}" if decision.decided_by else " by DCS and chief executive sign-off")
        + f".\n\n{figures}",
        url=_url(breach_request),
        kind=NotificationKind.OWN,
        about=breach_request,
    )
    notification_send(
        recipients=people_in_region_las(region=la.region).exclude(pk__in=own_people.values("pk")),
        subject=f"Breach decision: {la} {breach_request.role_grade} at £{breach_request.proposed_rate} an hour "
        f"{outcome} ({breach_request.reference})",
        body=f"{la} asked to pay {_with_article(breach_request.role_grade)} above the cap. The request was {outcome}."
        f"\n\n{figures}\n\nEvery local authority in {la.region} is told of each decision, so that "
        "the region's rates stay in step.",
        url=_url(breach_request),
        kind=NotificationKind.REGION,
        about=breach_request,
    )
    return breach_request


def _with_article(noun: object) -> str:
    """ "an advanced practitioner", "a social worker"."""
    text = str(noun).lower()
    return f"{'an' if text[:1] in 'aeiou' else 'a'} {text}"


def _roles(number: int) -> str:
    return f"{number} role{'' if number == 1 else 's'}"


def _decision_figures(breach_request: BreachRequest, decision: Decision) -> str:
    """The figures a decision's reader needs: rate, cap, roles and dates, and the conditions, expiry,
    comment or reason."""
    lines = [
        f"Rate: £{breach_request.proposed_rate} an hour, £{breach_request.over_by} ({breach_request.over_by_percent}%) "
        f"above the allowed £{breach_request.allowed_rate}",
        f"Roles: {_roles(breach_request.number_of_roles)}, {breach_request.contract_start:%-d %B %Y} to "
        f"{breach_request.contract_end:%-d %B %Y}",
    ]
    if decision.conditions:
        lines.append(f"Conditions: {decision.conditions}")
    if decision.expires_on:
        lines.append(f"Approval expires: {decision.expires_on:%-d %B %Y}")
    if decision.comment:
        label = "Reason" if decision.outcome == Decision.Outcome.REJECTED else "Comment"
        lines.append(f"{label}: {decision.comment}")
    return "\n".join(lines)


@transaction.atomic
def breach_request_decide(
    *,
    breach_request: BreachRequest,
    actor: User,
    outcome: str,
    conditions: str = "",
    expires_on: date | None = None,
    comment: str = "",
) -> BreachRequest:
    """The programme manager (or the group's sub-regional lead) approves or rejects. The row lock makes
    a second, simultaneous decider wait and then be told the request was already decided."""
    breach_request = _lock(breach_request)
    if breach_request.status in BreachRequestStatus.decided():
        decision = Decision.objects.select_related("decided_by").get(breach_request=breach_request)
        who = decision.decided_by.full_name if decision.decided_by else "DCS and chief executive sign-off"
        raise DomainError(
            f"Breach request {breach_request.reference} has already been decided "
            f"({decision.get_outcome_display().lower()} by {who}). Your decision was not recorded."
        )
    _require_status(breach_request, [BreachRequestStatus.AWAITING_DECISION], "decide")
    la = breach_request.local_authority
    forget_memberships(actor)
    if not is_decider_for(actor, la):
        who = (
            f"the sub-regional lead of {la.group}"
            if decides_sub_regionally(la)
            else f"the {la.region} programme manager"
        )
        raise DomainError(f"Only {who} can decide breach requests from {la}.")
    if outcome not in Decision.Outcome.values:
        raise DomainError("Select whether to approve or reject the request", field="outcome")
    if outcome == Decision.Outcome.REJECTED:
        if conditions.strip() or expires_on is not None:
            raise DomainError("Conditions and an expiry date can only be given with an approval", field="conditions")
        comment = required_text(comment, message="Enter why the request is rejected", field="comment")
    if expires_on is not None and expires_on <= timezone.localdate():
        raise DomainError("The approval expiry date must be in the future", field="expires_on")
    return _record_decision(
        breach_request=breach_request,
        outcome=outcome,
        actor=actor,
        decided_by=actor,
        decided_as=Role.SUB_REGIONAL_LEAD if decides_sub_regionally(la) else Role.PROGRAMME_MANAGER,
        conditions=conditions.strip(),
        expires_on=expires_on,
        comment=comment.strip(),
    )


@transaction.atomic
def breach_request_return(*, breach_request: BreachRequest, actor: User, comment: str) -> BreachRequest:
    """Send a request back to the LA for changes: by its DCS or chief executive at sign-off, or by the
    decider for more information. Resubmitting starts a new round, so it is signed afresh."""
    breach_request = _lock(breach_request)
    _require_status(
        breach_request, [BreachRequestStatus.AWAITING_SIGNATURES, BreachRequestStatus.AWAITING_DECISION], "return"
    )
    la = breach_request.local_authority
    forget_memberships(actor)
    if breach_request.status == BreachRequestStatus.AWAITING_SIGNATURES:
        stage = ReturnNote.Stage.SIGN_OFF
        if not (is_dcs_of(actor, la) or is_chief_executive_of(actor, la)):
            raise DomainError(f"Only the DCS or chief executive of {la} can return this request.")
    else:
        stage = ReturnNote.Stage.DECISION
        if not is_decider_for(actor, la):
            raise DomainError(f"You cannot return this request because you do not decide breaches for {la}.")
    comment = required_text(
        comment, message="Enter what the local authority needs to change or explain", field="comment"
    )
    ReturnNote.objects.create(
        breach_request=breach_request,
        round=breach_request.round,
        stage=stage,
        returned_by=actor,
        comment=comment,
    )
    _move(
        breach_request,
        to=BreachRequestStatus.RETURNED,
        actor=actor,
        action="breach_request.returned",
        after={"stage": stage, "comment": comment},
    )
    notification_send(
        recipients=[*breach_request_leads(breach_request=breach_request)],
        subject=f"Breach request {breach_request.reference} was returned to you",
        body=f"{actor.full_name} returned it: {comment}",
        url=_url(breach_request),
        kind=NotificationKind.ACTION,
        about=breach_request,
    )
    return breach_request


@transaction.atomic
def breach_request_withdraw(*, breach_request: BreachRequest, actor: User) -> BreachRequest:
    """The LA no longer needs the breach. Anyone it was waiting for is told."""
    breach_request = _lock(breach_request)
    waiting_status = breach_request.status
    _require_status(breach_request, BreachRequestStatus.open(), "withdraw")
    if not is_workforce_lead_of(actor, breach_request.local_authority):
        raise DomainError(f"Only a workforce lead of {breach_request.local_authority} can withdraw this request.")
    _move(breach_request, to=BreachRequestStatus.WITHDRAWN, actor=actor, action="breach_request.withdrawn")
    waiting = {
        BreachRequestStatus.AWAITING_SIGNATURES: breach_request_signatories,
        BreachRequestStatus.AWAITING_DECISION: breach_request_deciders,
    }.get(waiting_status)
    if waiting is not None:
        notification_send(
            recipients=waiting(breach_request=breach_request),
            subject=f"Breach request {breach_request.reference} was withdrawn",
            body=f"{actor.full_name} withdrew it; nothing more is needed from you.",
            url=_url(breach_request),
            kind=NotificationKind.OWN,
            about=breach_request,
        )
    return breach_request


@transaction.atomic
def breach_request_delete(*, breach_request: BreachRequest, actor: User) -> str:
    """Delete a draft that was never sent (round 0): nobody else has seen it, so nothing needs keeping
    but the audit record of its deletion. Returns the deleted request's reference."""
    breach_request = _lock(breach_request)
    if breach_request.status != BreachRequestStatus.DRAFT or breach_request.round != 0:
        raise DomainError(
            f"You cannot delete breach request {breach_request.reference} because it has been sent. "
            "Withdraw it instead."
        )
    if not is_workforce_lead_of(actor, breach_request.local_authority):
        raise DomainError(f"Only a workforce lead of {breach_request.local_authority} can delete this draft.")
    reference = breach_request.reference
    audit_record(
        actor=actor,
        action="breach_request.deleted",
        obj=breach_request,
        before=snapshot(breach_request, ["reference", *DETAIL_FIELDS, "status"]),
    )
    breach_request.delete()
    return reference
