"""Quarterly returns: one service per transition, each with an explicit allowed-from set, the row lock
taken before the check, an audit record with before/after, and the people who must act told.

    (no row) ──start──▶ in_progress ──submit──▶ awaiting_sign_off ──sign off (DCS)──▶ signed_off
                          ▲    ▲  edit (lead) while awaiting: back to in progress │
                          │    └──────────────────────────────────────────────────┘
                          └──────────── reopen (programme manager, with a reason) ◀── signed_off
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from breaches.selectors.register import quarter_bounds
from datareturns import signals
from datareturns.models import (
    ComplianceRule,
    Placement,
    QuarterlyReturn,
    ReturnAgency,
    ReturnCompliance,
    ReturnDueDate,
    ReturnReminder,
    ReturnReopening,
    ReturnRoleFigures,
    ReturnStatus,
    Upload,
)
from datareturns.selectors_returns import (
    default_due_date,
    due_dates_for,
    figures_for,
    is_quarter,
    return_problems,
)
from rates.models import CoreJobType
from riia.errors import DomainError
from riia.models import Agency, LocalAuthority, NotificationKind, Region, Role, User
from riia.rules import forget_memberships, is_dcs_of, is_programme_manager_of, is_workforce_lead_of
from riia.selectors import people_with_la_role, people_with_region_role
from riia.services import audit_record, notification_send, required_text, snapshot

STATE_FIELDS = ["status", "submitted_at", "submitted_by_id", "signed_off_at", "signed_off_by_id"]


@dataclass(frozen=True)
class RoleEntry:
    employed_fte: Decimal | None = None
    vacancies_fte: Decimal | None = None
    conversions: int | None = None
    leavers: int | None = None


@dataclass(frozen=True)
class ComplianceEntry:
    complied: bool | None = None
    reason: str = ""


@dataclass(frozen=True)
class ReturnDetails:
    """What the workforce lead fills in: figures by core role, compliance per rule, the agencies that
    affected compliance and the narrative. Anything may be left blank until submission."""

    roles: dict[str, RoleEntry] = field(default_factory=dict)
    compliance: dict[str, ComplianceEntry] = field(default_factory=dict)
    agencies: list[Agency] = field(default_factory=list)
    agencies_how: str = ""
    narrative: str = ""


def return_url(quarterly_return: QuarterlyReturn) -> str:
    return reverse(
        "returns:detail",
        kwargs={"la_code": quarterly_return.local_authority.old_code, "quarter": quarterly_return.quarter},
    )


def _lock(quarterly_return: QuarterlyReturn) -> QuarterlyReturn:
    return (
        QuarterlyReturn.objects.select_for_update(of=("self",))
        .select_related("local_authority__region")
        .get(pk=quarterly_return.pk)
    )


def _require_status(quarterly_return: QuarterlyReturn, allowed: list[str], doing: str) -> None:
    if quarterly_return.status not in allowed:
        raise DomainError(
            f"You cannot {doing} the {quarterly_return.quarter} return of {quarterly_return.local_authority} "
            f"because it is {quarterly_return.get_status_display().lower()}."
        )


def _leads_and_dcs(la: LocalAuthority) -> list[User]:
    return list(people_with_la_role(local_authority=la, roles=[Role.WORKFORCE_LEAD, Role.DCS]))


def _send_signal_on_commit(signal, quarterly_return: QuarterlyReturn) -> None:
    la_id, return_id = quarterly_return.local_authority_id, quarterly_return.pk
    transaction.on_commit(lambda: signal.send(sender=QuarterlyReturn, la_id=la_id, return_id=return_id))


# --- Transitions --------------------------------------------------------------------------------


@transaction.atomic
def return_start(*, actor: User, local_authority: LocalAuthority, quarter: str) -> QuarterlyReturn:
    """Not started → in progress: the workforce lead opens the LA's return for a quarter that has begun.
    Under a lock on the LA row, so two leads starting at once get the same return."""
    local_authority = LocalAuthority.objects.select_for_update().select_related("region").get(pk=local_authority.pk)
    if not is_workforce_lead_of(actor, local_authority):
        raise DomainError(f"Only a workforce lead of {local_authority} can start its quarterly return.")
    if not is_quarter(quarter):
        raise DomainError("Give the quarter like 2025-Q1", field="quarter")
    if quarter_bounds(quarter)[0] > timezone.localdate():
        raise DomainError(f"The {quarter} return cannot be started before the quarter begins.")
    existing = QuarterlyReturn.objects.filter(local_authority=local_authority, quarter=quarter).first()
    if existing is not None:
        return existing
    quarterly_return = QuarterlyReturn.objects.create(local_authority=local_authority, quarter=quarter)
    ReturnRoleFigures.objects.bulk_create(
        [ReturnRoleFigures(quarterly_return=quarterly_return, core_type=core) for core in CoreJobType.values]
    )
    ReturnCompliance.objects.bulk_create(
        [ReturnCompliance(quarterly_return=quarterly_return, rule=rule) for rule in ComplianceRule.values]
    )
    audit_record(
        actor=actor, action="quarterly_return.started", obj=quarterly_return, after={"status": quarterly_return.status}
    )
    return quarterly_return


def _details_snapshot(quarterly_return: QuarterlyReturn) -> dict:
    return {
        "narrative": quarterly_return.narrative,
        "roles": {
            f.core_type: snapshot(f, ["employed_fte", "vacancies_fte", "conversions", "leavers"])
            for f in quarterly_return.role_figures.all()
        },
        "compliance": {c.rule: {"complied": c.complied, "reason": c.reason} for c in quarterly_return.compliance.all()},
        "agencies": sorted(a.agency.name for a in quarterly_return.agencies.select_related("agency")),
    }


def _check_details(details: ReturnDetails) -> None:
    for core, entry in details.roles.items():
        if core not in CoreJobType.values:
            raise DomainError(f"{core} is not a core role", field="roles")
        for name in ("employed_fte", "vacancies_fte"):
            value = getattr(entry, name)
            if value is not None and not (Decimal("0") <= value < Decimal("100000")):
                raise DomainError("Enter an FTE of 0 or more, like 12.5", field=f"{core}__{name}")
        for name in ("conversions", "leavers"):
            value = getattr(entry, name)
            if value is not None and value < 0:
                raise DomainError("Enter a number of people, 0 or more", field=f"{core}__{name}")
    for rule, entry in details.compliance.items():
        if rule not in ComplianceRule.values:
            raise DomainError(f"{rule} is not a rule of the return", field="compliance")
        if entry.complied and entry.reason.strip():
            raise DomainError("Only give a reason where you did not comply", field=f"{rule}__reason")


@transaction.atomic
def return_update(*, actor: User, quarterly_return: QuarterlyReturn, details: ReturnDetails) -> QuarterlyReturn:
    """The workforce lead changes the return. Changing one that awaits sign-off takes it back to in
    progress, so the DCS never signs something other than what was submitted."""
    quarterly_return = _lock(quarterly_return)
    _require_status(quarterly_return, [ReturnStatus.IN_PROGRESS, ReturnStatus.AWAITING_SIGN_OFF], "change")
    la = quarterly_return.local_authority
    if not is_workforce_lead_of(actor, la):
        raise DomainError(f"Only a workforce lead of {la} can change its quarterly return.")
    _check_details(details)
    before = {**snapshot(quarterly_return, ["status"]), **_details_snapshot(quarterly_return)}
    figures = {f.core_type: f for f in quarterly_return.role_figures.all()}
    for core, entry in details.roles.items():
        row = figures.get(core) or ReturnRoleFigures(quarterly_return=quarterly_return, core_type=core)
        row.employed_fte, row.vacancies_fte = entry.employed_fte, entry.vacancies_fte
        row.conversions, row.leavers = entry.conversions, entry.leavers
        row.save()
    answers = {c.rule: c for c in quarterly_return.compliance.all()}
    for rule, entry in details.compliance.items():
        row = answers.get(rule) or ReturnCompliance(quarterly_return=quarterly_return, rule=rule)
        row.complied, row.reason = entry.complied, entry.reason.strip()
        row.save()
    quarterly_return.agencies.exclude(agency__in=details.agencies).delete()
    kept = set(quarterly_return.agencies.values_list("agency_id", flat=True))
    ReturnAgency.objects.bulk_create(
        [ReturnAgency(quarterly_return=quarterly_return, agency=a) for a in details.agencies if a.pk not in kept]
    )
    quarterly_return.agencies.update(how=details.agencies_how.strip())
    quarterly_return.narrative = details.narrative.strip()
    if quarterly_return.status == ReturnStatus.AWAITING_SIGN_OFF:
        quarterly_return.status = ReturnStatus.IN_PROGRESS
        quarterly_return.submitted_at = quarterly_return.submitted_by = None
    quarterly_return.updated_at = timezone.now()
    quarterly_return.save()
    audit_record(
        actor=actor,
        action="quarterly_return.updated",
        obj=quarterly_return,
        before=before,
        after={**snapshot(quarterly_return, ["status"]), **_details_snapshot(quarterly_return)},
    )
    return quarterly_return


@transaction.atomic
def return_submit(*, actor: User, quarterly_return: QuarterlyReturn) -> QuarterlyReturn:
    """In progress → awaiting sign-off: every answer given; the LA's DCS is asked to sign it off."""
    quarterly_return = _lock(quarterly_return)
    _require_status(quarterly_return, [ReturnStatus.IN_PROGRESS], "submit")
    la = quarterly_return.local_authority
    if not is_workforce_lead_of(actor, la):
        raise DomainError(f"Only a workforce lead of {la} can submit its quarterly return.")
    figures = figures_for(local_authority=la, quarter=quarterly_return.quarter, quarterly_return=quarterly_return)
    missing = [p for p in return_problems(quarterly_return=quarterly_return, figures=figures) if p.blocking]
    if missing:
        raise DomainError(missing[0].message + (f" ({len(missing) - 1} more to do)" if len(missing) > 1 else ""))
    before = snapshot(quarterly_return, STATE_FIELDS)
    now = timezone.now()
    quarterly_return.status = ReturnStatus.AWAITING_SIGN_OFF
    quarterly_return.submitted_at, quarterly_return.submitted_by = now, actor
    quarterly_return.updated_at = now
    quarterly_return.save()
    audit_record(
        actor=actor,
        action="quarterly_return.submitted",
        obj=quarterly_return,
        before=before,
        after=snapshot(quarterly_return, STATE_FIELDS),
    )
    notification_send(
        recipients=people_with_la_role(local_authority=la, roles=[Role.DCS]),
        subject=f"The {quarterly_return.quarter} quarterly return of {la} is waiting for your sign-off",
        body=f"{actor.full_name} submitted it. Check the figures and sign it off; it is then locked.",
        url=return_url(quarterly_return),
        kind=NotificationKind.ACTION,
        about=quarterly_return,
    )
    return quarterly_return


@transaction.atomic
def return_sign_off(*, actor: User, quarterly_return: QuarterlyReturn) -> QuarterlyReturn:
    """Awaiting sign-off → signed off by the LA's DCS: the return is locked."""
    quarterly_return = _lock(quarterly_return)
    _require_status(quarterly_return, [ReturnStatus.AWAITING_SIGN_OFF], "sign off")
    la = quarterly_return.local_authority
    forget_memberships(actor)  # the role held at the time of signing: read afresh
    if not is_dcs_of(actor, la):
        raise DomainError(f"Only the DCS of {la} can sign off its quarterly return.")
    before = snapshot(quarterly_return, STATE_FIELDS)
    now = timezone.now()
    quarterly_return.status = ReturnStatus.SIGNED_OFF
    quarterly_return.signed_off_at, quarterly_return.signed_off_by = now, actor
    quarterly_return.updated_at = now
    quarterly_return.save()
    audit_record(
        actor=actor,
        action="quarterly_return.signed_off",
        obj=quarterly_return,
        before=before,
        after=snapshot(quarterly_return, STATE_FIELDS),
    )
    notification_send(
        recipients=[
            *people_with_la_role(local_authority=la, roles=[Role.WORKFORCE_LEAD]),
            *people_with_region_role(region=la.region, roles=[Role.PROGRAMME_MANAGER]),
        ],
        subject=f"The {quarterly_return.quarter} quarterly return of {la} is signed off",
        body=f"{actor.full_name} signed it off as DCS. It is now locked.",
        url=return_url(quarterly_return),
        kind=NotificationKind.OWN,
        about=quarterly_return,
    )
    _send_signal_on_commit(signals.return_signed_off, quarterly_return)
    return quarterly_return


@transaction.atomic
def return_reopen(*, actor: User, quarterly_return: QuarterlyReturn, reason: str) -> QuarterlyReturn:
    """Signed off → in progress, by the region's programme manager with a reason; the lead and DCS are told."""
    quarterly_return = _lock(quarterly_return)
    _require_status(quarterly_return, [ReturnStatus.SIGNED_OFF], "reopen")
    la = quarterly_return.local_authority
    forget_memberships(actor)
    if not is_programme_manager_of(actor, la.region):
        raise DomainError(f"Only the programme manager of {la.region} can reopen a signed-off return.")
    reason = required_text(reason, message="Enter why the return is reopened", field="reason")
    before = snapshot(quarterly_return, STATE_FIELDS)
    ReturnReopening.objects.create(
        quarterly_return=quarterly_return,
        reason=reason,
        reopened_by=actor,
        was_signed_off_at=quarterly_return.signed_off_at,
    )
    quarterly_return.status = ReturnStatus.IN_PROGRESS
    quarterly_return.signed_off_at = quarterly_return.signed_off_by = None
    quarterly_return.submitted_at = quarterly_return.submitted_by = None
    quarterly_return.updated_at = timezone.now()
    quarterly_return.save()
    audit_record(
        actor=actor,
        action="quarterly_return.reopened",
        obj=quarterly_return,
        before=before,
        after={**snapshot(quarterly_return, STATE_FIELDS), "reason": reason},
    )
    notification_send(
        recipients=_leads_and_dcs(la),
        subject=f"The {quarterly_return.quarter} quarterly return of {la} was reopened",
        body=f"{actor.full_name} reopened it: {reason}\nChange it, submit it again and sign it off again.",
        url=return_url(quarterly_return),
        kind=NotificationKind.ACTION,
        about=quarterly_return,
    )
    _send_signal_on_commit(signals.return_reopened, quarterly_return)
    return quarterly_return


# --- The region's settings and reminders ------------------------------------------------------


@transaction.atomic
def return_due_date_set(*, actor: User, region: Region, quarter: str, due_on: date) -> ReturnDueDate:
    """The programme manager sets the region's due date for a quarter's returns."""
    if not is_programme_manager_of(actor, region):
        raise DomainError(f"Only the programme manager of {region} can set when its returns are due.")
    if not is_quarter(quarter):
        raise DomainError("Give the quarter like 2025-Q1", field="quarter")
    if due_on <= quarter_bounds(quarter)[1]:
        raise DomainError("The due date must be after the quarter ends", field="due_on")
    existing = ReturnDueDate.objects.select_for_update().filter(region=region, quarter=quarter).first()
    before = {"due_on": existing.due_on if existing else default_due_date(quarter)}
    due, _created = ReturnDueDate.objects.update_or_create(
        region=region, quarter=quarter, defaults={"due_on": due_on, "set_by": actor, "set_at": timezone.now()}
    )
    audit_record(actor=actor, action="return_due_date.set", obj=due, before=before, after={"due_on": due_on})
    return due


def return_remind(*, actor: User, local_authority: LocalAuthority, quarter: str) -> int:
    """The programme manager's reminder button: tell the LA's lead and DCS the return is due."""
    if not is_programme_manager_of(actor, local_authority.region):
        raise DomainError(f"Only the programme manager of {local_authority.region} can send reminders.")
    if not is_quarter(quarter):
        raise DomainError("Give the quarter like 2025-Q1", field="quarter")
    due_on = due_dates_for(region_ids=[local_authority.region_id], quarters=[quarter])[
        (local_authority.region_id, quarter)
    ]
    with transaction.atomic():
        existing = QuarterlyReturn.objects.filter(local_authority=local_authority, quarter=quarter).first()
        if existing is not None and existing.status == ReturnStatus.SIGNED_OFF:
            raise DomainError(f"The {quarter} return of {local_authority} is already signed off.")
        sent = _remind(local_authority, quarter=quarter, due_on=due_on, by=actor.full_name)
        audit_record(
            actor=actor,
            action="quarterly_return.reminded",
            obj=local_authority,
            after={"quarter": quarter, "due_on": due_on, "recipients": sent},
        )
    return sent


def _remind(la: LocalAuthority, *, quarter: str, due_on: date, by: str = "") -> int:
    late = timezone.localdate() > due_on
    subject = (
        f"The {quarter} quarterly return of {la} is late: it was due on {due_on:%-d %B %Y}"
        if late
        else f"Reminder: the {quarter} quarterly return of {la} is due on {due_on:%-d %B %Y}"
    )
    sender = f"{by} sent this reminder. " if by else ""
    url = reverse("returns:detail", kwargs={"la_code": la.old_code, "quarter": quarter})
    notifications = notification_send(
        recipients=_leads_and_dcs(la),
        subject=subject,
        body=f"{sender}The workforce lead completes and submits the return; the DCS signs it off.",
        url=url,
        kind=NotificationKind.ACTION,
    )
    return len(notifications)


def return_reminders_send(*, today: date | None = None) -> int:
    """Beat: remind each LA whose return is not signed off, 7 days before its due date and on the day
    after it, once each. A ReturnReminder row per (LA, quarter, kind) is written in the same
    transaction as the notifications, so a second run the same day (or a retry) sends nothing. If beat
    missed the day itself, the reminder still goes within the following week."""
    from breaches.selectors.register import recent_quarters

    today = today or timezone.localdate()
    quarters = recent_quarters(count=5, today=today)[1:]  # quarters that have ended
    regions = list(Region.objects.values_list("pk", flat=True))
    due = due_dates_for(region_ids=regions, quarters=quarters)
    windows: list[tuple[int, str, str, date]] = []
    for (region_id, quarter), due_on in due.items():
        if due_on - timedelta(days=7) <= today < due_on:
            windows.append((region_id, quarter, ReturnReminder.Kind.BEFORE_DUE, due_on))
        elif due_on + timedelta(days=1) <= today <= due_on + timedelta(days=8):
            windows.append((region_id, quarter, ReturnReminder.Kind.AFTER_DUE, due_on))
    sent = 0
    for region_id, quarter, kind, due_on in windows:
        sent += _reminders_for(region_id=region_id, quarter=quarter, kind=kind, due_on=due_on)
    return sent


@transaction.atomic
def _reminders_for(*, region_id: int, quarter: str, kind: str, due_on: date) -> int:
    signed = QuarterlyReturn.objects.filter(quarter=quarter, status=ReturnStatus.SIGNED_OFF).values(
        "local_authority_id"
    )
    already = ReturnReminder.objects.filter(quarter=quarter, kind=kind).values("local_authority_id")
    las = list(
        LocalAuthority.objects.select_for_update()
        .filter(region_id=region_id)
        .exclude(pk__in=signed)
        .exclude(pk__in=already)
        .select_related("region")
        .order_by("name")
    )
    if not las:
        return 0
    try:
        with transaction.atomic():
            ReturnReminder.objects.bulk_create(
                [ReturnReminder(local_authority=la, quarter=quarter, kind=kind, due_on=due_on) for la in las]
            )
    except IntegrityError:
        return 0  # another run got there first
    for la in las:
        _remind(la, quarter=quarter, due_on=due_on)
    audit_record(
        actor=None,
        action="quarterly_return.reminders_sent",
        after={"quarter": quarter, "kind": kind, "due_on": due_on, "local_authorities": [la.old_code for la in las]},
    )
    return len(las)


# --- Placements that arrive after sign-off ------------------------------------------------------


def returns_notify_received_after_sign_off(*, upload: Upload) -> int:
    """Called by the placements upload: for each signed-off return whose quarter the upload's
    placements fall in, one notification (to the LA's workforce lead and the region's programme
    manager) that placements arrived after sign-off. One aggregate query finds them all."""
    la_ids = Placement.objects.filter(upload=upload).values("local_authority_id")
    candidates = list(
        QuarterlyReturn.objects.filter(status=ReturnStatus.SIGNED_OFF, local_authority_id__in=la_ids)
        .select_related("local_authority__region")
        .order_by("local_authority__name", "quarter")
    )
    if not candidates:
        return 0
    conditions = {}
    for r in candidates:
        first, last = quarter_bounds(r.quarter)
        conditions[f"r{r.pk}"] = Count(
            "pk",
            filter=Q(local_authority_id=r.local_authority_id, start_date__lte=last)
            & (Q(end_date__isnull=True) | Q(end_date__gte=first)),
        )
    counts = Placement.objects.filter(upload=upload).aggregate(**conditions)
    affected = [(r, counts[f"r{r.pk}"]) for r in candidates if counts[f"r{r.pk}"]]
    if not affected:
        return 0
    leads, managers = defaultdict(list), defaultdict(list)
    las = {r.local_authority for r, _n in affected}
    for la in las:
        leads[la.pk] = list(people_with_la_role(local_authority=la, roles=[Role.WORKFORCE_LEAD]))
        if la.region_id not in managers:
            managers[la.region_id] = list(people_with_region_role(region=la.region, roles=[Role.PROGRAMME_MANAGER]))
    for r, count in affected:
        la = r.local_authority
        plural = "s" if count != 1 else ""
        notification_send(
            recipients=[*leads[la.pk], *managers[la.region_id]],
            subject=f"{count} placement{plural} received after sign-off of the {r.quarter} return of {la}",
            body=(
                f"Upload {upload.pk} brought {count} placement{plural} active in {r.quarter}, whose return is "
                "signed off and locked. They are stored; the return shows them as received after sign-off. "
                "The programme manager can reopen the return if it must change."
            ),
            url=return_url(r),
            kind=NotificationKind.OWN,
        )
    return len(affected)
