"""Every write of escalations: one service per transition, each with an explicit allowed-from set,
an audit record and notifications to the people who act next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casestudies.models import CaseStudy
from casestudies.services import CaseStudyData, case_study_create, resource_file_check
from governance.models import Escalation, EscalationEntry, EscalationStatus
from governance.rules import can_raise_escalation, is_escalation_handler, is_escalation_raiser
from riia.errors import DomainError
from riia.models import MSP, Agency, LocalAuthority, NotificationKind, Region, Role, User
from riia.rules import current_memberships
from riia.selectors import people_holding, people_with_region_role
from riia.services import audit_record, notification_send, required_text, snapshot

Status = EscalationStatus
AUDITED = ["status", "triage_note", "outcome"]
TRIAGE_DECISIONS = {Status.ACCEPTED, Status.NEEDS_INFORMATION, Status.NOT_FOR_US}


@dataclass
class EscalationData:
    """What the raiser writes."""

    region: Region
    kind: str
    what_happened: str
    occurred_on: date
    agencies: list[Agency] = field(default_factory=list)
    msps: list[MSP] = field(default_factory=list)
    local_authorities: list[LocalAuthority] = field(default_factory=list)
    involved_description: str = ""
    evidence_text: str = ""
    evidence_link: str = ""
    evidence_file: UploadedFile | None = None
    other_regions: list[Region] = field(default_factory=list)


def _url(escalation: Escalation) -> str:
    return reverse("governance:escalation-detail", args=[escalation.pk])


def _handlers(region: Region):
    return people_with_region_role(region=region, roles=[Role.PROGRAMME_MANAGER])


def _speaks_for(actor: User) -> str:
    """The organisation the raiser speaks for: the first of their current roles."""
    memberships = current_memberships(actor)
    return str(memberships[0].organisation) if memberships else ""


def _locked(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",)).select_related("region", "raised_by").get(pk=escalation.pk)
    )


def _require_handler(actor: User, escalation: Escalation, doing: str) -> None:
    if not is_escalation_handler(actor, escalation):
        raise DomainError(f"Only the programme manager of {escalation.region} can {doing}.")


def _require_status(escalation: Escalation, allowed_from: set[str], doing: str) -> None:
    if escalation.status not in allowed_from:
        raise DomainError(f"This escalation is {escalation.get_status_display().lower()}, so you cannot {doing}.")


@transaction.atomic
def escalation_raise(*, actor: User, data: EscalationData) -> Escalation:
    if not can_raise_escalation(actor):
        raise DomainError("Only someone from a local authority, an MSP, an agency or a RIIA can raise an escalation.")
    if data.kind not in Escalation.Kind.values:
        raise DomainError("Select the type of escalation", field="kind")
    what = required_text(data.what_happened, message="Enter what happened", field="what_happened")
    if data.occurred_on > timezone.localdate():
        raise DomainError("The date it happened must be today or in the past", field="occurred_on")
    escalation = Escalation(
        region=data.region,
        raised_by=actor,
        raised_for=_speaks_for(actor),
        kind=data.kind,
        what_happened=what,
        occurred_on=data.occurred_on,
        involved_description=data.involved_description.strip(),
        evidence_text=data.evidence_text.strip(),
        evidence_link=data.evidence_link.strip(),
    )
    if data.evidence_file is not None:
        # The same checks as a case-study resource: size, extension and first bytes, before storing.
        escalation.evidence_name, escalation.evidence_content_type = resource_file_check(data.evidence_file)
        escalation.evidence_size = data.evidence_file.size
        escalation.evidence_file.save(escalation.evidence_name, data.evidence_file, save=False)
    escalation.save()
    escalation.agencies.set(data.agencies)
    escalation.msps.set(data.msps)
    escalation.local_authorities.set(data.local_authorities)
    escalation.other_regions.set([r for r in data.other_regions if r.pk != data.region.pk])
    audit_record(
        actor=actor,
        action="escalation.raised",
        obj=escalation,
        after={"region": str(data.region), "kind": data.kind, "raised_for": escalation.raised_for},
    )
    notification_send(
        recipients=_handlers(data.region),
        subject=f"Escalation raised: {escalation.get_kind_display()}",
        kind=NotificationKind.ACTION,
        body=f"{escalation.raised_for} raised an escalation ({escalation.reference}) for {data.region}.",
        url=_url(escalation),
    )
    return escalation


@transaction.atomic
def escalation_triage(*, actor: User, escalation: Escalation, decision: str, note: str = "") -> Escalation:
    escalation = _locked(escalation)
    _require_handler(actor, escalation, "triage this escalation")
    _require_status(escalation, {Status.RAISED, Status.NEEDS_INFORMATION}, "triage it")
    if decision not in TRIAGE_DECISIONS:
        raise DomainError("Select accepted, needs information or not for us", field="decision")
    note = note.strip()
    if decision in {Status.NEEDS_INFORMATION, Status.NOT_FOR_US} and not note:
        message = (
            "Enter what information you need" if decision == Status.NEEDS_INFORMATION else "Enter why it is not for us"
        )
        raise DomainError(message, field="note")
    before = snapshot(escalation, AUDITED)
    escalation.status = decision
    escalation.triage_note = note
    escalation.triaged_at = timezone.now()
    escalation.save(update_fields=["status", "triage_note", "triaged_at"])
    audit_record(
        actor=actor, action="escalation.triaged", obj=escalation, before=before, after=snapshot(escalation, AUDITED)
    )
    notification_send(
        recipients=[escalation.raised_by],
        subject=f"Your escalation {escalation.reference}: {escalation.get_status_display().lower()}",
        body=note or f"The programme manager of {escalation.region} accepted your escalation.",
        url=_url(escalation),
    )
    return escalation


@transaction.atomic
def escalation_respond(*, actor: User, escalation: Escalation, text: str) -> Escalation:
    """The raiser answers a request for information; it goes back to the programme manager to triage."""
    escalation = _locked(escalation)
    if not is_escalation_raiser(actor, escalation):
        raise DomainError("Only the person who raised this escalation can add information to it.")
    _require_status(escalation, {Status.NEEDS_INFORMATION}, "add information")
    text = required_text(text, message="Enter the information", field="text")
    EscalationEntry.objects.create(
        escalation=escalation, kind=EscalationEntry.Kind.INFORMATION, text=text, recorded_by=actor
    )
    escalation.status = Status.RAISED
    escalation.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="escalation.information_added",
        obj=escalation,
        before={"status": Status.NEEDS_INFORMATION},
        after={"status": Status.RAISED},
    )
    notification_send(
        recipients=_handlers(escalation.region),
        subject=f"More information on escalation {escalation.reference}",
        body=f"{escalation.raised_for} added the information you asked for.",
        url=_url(escalation),
    )
    return escalation


@transaction.atomic
def escalation_entry_record(
    *, actor: User, escalation: Escalation, kind: str, text: str, contact: str = ""
) -> EscalationEntry:
    """An action taken or a contact made while the escalation is accepted."""
    escalation = _locked(escalation)
    _require_handler(actor, escalation, "record actions on this escalation")
    _require_status(escalation, {Status.ACCEPTED}, "record actions on it")
    if kind not in {EscalationEntry.Kind.ACTION, EscalationEntry.Kind.CONTACT}:
        raise DomainError("Select whether this is an action or a contact", field="kind")
    text = required_text(text, message="Enter what was done", field="text")
    contact = contact.strip()
    if kind == EscalationEntry.Kind.CONTACT and not contact:
        raise DomainError("Enter who was contacted", field="contact")
    entry = EscalationEntry.objects.create(
        escalation=escalation, kind=kind, text=text, contact=contact, recorded_by=actor
    )
    audit_record(
        actor=actor, action=f"escalation.{kind}_recorded", obj=escalation, after={"text": text, "contact": contact}
    )
    return entry


@transaction.atomic
def escalation_close(*, actor: User, escalation: Escalation, outcome: str) -> Escalation:
    escalation = _locked(escalation)
    _require_handler(actor, escalation, "close this escalation")
    _require_status(escalation, {Status.ACCEPTED}, "close it")
    outcome = required_text(outcome, message="Enter the outcome", field="outcome")
    before = snapshot(escalation, AUDITED)
    escalation.status = Status.CLOSED
    escalation.outcome = outcome
    escalation.closed_at = timezone.now()
    escalation.closed_by = actor
    escalation.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
    audit_record(
        actor=actor, action="escalation.closed", obj=escalation, before=before, after=snapshot(escalation, AUDITED)
    )
    notification_send(
        recipients=[escalation.raised_by],
        subject=f"Your escalation {escalation.reference} is closed",
        body=f"Outcome:\n\n{outcome}",
        url=_url(escalation),
    )
    return escalation


@transaction.atomic
def escalation_share_with_region(*, actor: User, escalation: Escalation, region: Region) -> Escalation:
    """Let another region's programme manager see it (two regions speaking to one agency together)."""
    escalation = _locked(escalation)
    _require_handler(actor, escalation, "share this escalation")
    if region.pk == escalation.region_id or not escalation.other_regions.filter(pk=region.pk).exists():
        raise DomainError("Select one of the other regions involved", field="region")
    if escalation.shared_with_regions.filter(pk=region.pk).exists():
        raise DomainError(f"This escalation is already shared with {region}.", field="region")
    escalation.shared_with_regions.add(region)
    audit_record(actor=actor, action="escalation.shared_with_region", obj=escalation, after={"region": str(region)})
    notification_send(
        recipients=_handlers(region),
        subject=f"Escalation shared with you by {escalation.region}",
        kind=NotificationKind.ACTION,
        body=f"The programme manager of {escalation.region} shared escalation {escalation.reference} with {region}.",
        url=_url(escalation),
    )
    return escalation


def msps_serving(region: Region):
    return MSP.objects.filter(local_authorities__region=region).distinct().order_by("name")


@transaction.atomic
def escalation_outcome_share(*, actor: User, escalation: Escalation) -> Escalation:
    """Tell every MSP serving the region the outcome; each MSP user is told and sees it listed."""
    escalation = _locked(escalation)
    _require_handler(actor, escalation, "share the outcome")
    _require_status(escalation, {Status.CLOSED}, "share its outcome")
    if escalation.outcome_shared_at is not None:
        raise DomainError("The outcome has already been shared with the MSPs.")
    msps = list(msps_serving(escalation.region))
    if not msps:
        raise DomainError(f"No MSP serves an LA of {escalation.region}, so there is nobody to share with.")
    escalation.outcome_shared_at = timezone.now()
    escalation.save(update_fields=["outcome_shared_at"])
    escalation.outcome_shared_with.set(msps)
    audit_record(
        actor=actor,
        action="escalation.outcome_shared",
        obj=escalation,
        after={"msps": [str(m) for m in msps]},
    )
    notification_send(
        recipients=people_holding(roles=Role.msp_roles(), msp__in=msps),
        subject=f"Escalation outcome shared by {escalation.region}",
        kind=NotificationKind.REGION,
        body=f"{escalation.get_kind_display()}: {escalation.outcome}",
        url=reverse("governance:outcomes"),
    )
    return escalation


@transaction.atomic
def escalation_case_study_create(*, actor: User, escalation: Escalation) -> CaseStudy:
    """A draft case study of type "escalating an issue", the escalation's facts carried over."""
    escalation = _locked(escalation)
    _require_handler(actor, escalation, "turn this escalation into a case study")
    _require_status(escalation, {Status.CLOSED}, "turn it into a case study")
    if escalation.case_study_id is not None:
        raise DomainError("This escalation is already a case study.")
    actions = "\n".join(
        f"- {entry.get_kind_display()}: {entry.text}" + (f" ({entry.contact})" if entry.contact else "")
        for entry in escalation.entries.exclude(kind=EscalationEntry.Kind.INFORMATION)
    )
    data = CaseStudyData(
        title=f"{escalation.get_kind_display()} ({escalation.reference})",
        case_type=CaseStudy.Type.ESCALATION,
        issue=escalation.what_happened,
        decision=actions,
        outcome_assessment=escalation.outcome,
        involved_description=escalation.involved_description,
        local_authorities=list(escalation.local_authorities.all()),
        msps=list(escalation.msps.all()),
        agencies=list(escalation.agencies.all()),
    )
    case_study = case_study_create(actor=actor, region=escalation.region, data=data)
    escalation.case_study = case_study
    escalation.save(update_fields=["case_study"])
    audit_record(
        actor=actor, action="escalation.case_study_created", obj=escalation, after={"case_study": case_study.pk}
    )
    return case_study
