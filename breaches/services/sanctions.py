"""Writes of sanctions: a region's sanction policies, sanctions issued by the programme manager,
and the region's training fund ledger (fines paid in, training spend out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from breaches.models import BreachRecord, Sanction, SanctionPolicy, TrainingFundEntry
from breaches.selectors.sanctions import training_fund_balance
from riia.errors import DomainError
from riia.models import MSP, Agency, LocalAuthority, NotificationKind, Region, Role, User
from riia.selectors import people_holding, people_with_la_role
from riia.services import audit_record, notification_send, require_programme_manager, required_text, snapshot

POLICY_FIELDS = ["name", "kind", "default_amount", "description", "is_active"]
SANCTION_FIELDS = ["status", "amount", "paid_on", "waived_on", "waived_reason"]


def _check_policy_amount(kind: str, default_amount: Decimal | None) -> Decimal | None:
    if kind == SanctionPolicy.Kind.FINE:
        if default_amount is None or default_amount <= 0:
            raise DomainError("Enter the amount of the fine in pounds, more than £0.", field="default_amount")
        return default_amount
    if default_amount is not None:
        raise DomainError("Only a fine has an amount: leave the amount empty.", field="default_amount")
    return None


def _check_policy_name(region: Region, name: str, exclude_pk: int | None = None) -> str:
    name = required_text(name, message="Enter a name for the policy.", field="name")
    clash = SanctionPolicy.objects.filter(region=region, name__iexact=name).exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(f"{region} already has a policy called {name}.", field="name")
    return name


@transaction.atomic
def sanction_policy_create(
    *,
    actor: User,
    region: Region,
    name: str,
    kind: str,
    default_amount: Decimal | None = None,
    description: str = "",
) -> SanctionPolicy:
    region = Region.objects.select_for_update().get(pk=region.pk)
    require_programme_manager(actor, region)
    if kind not in SanctionPolicy.Kind.values:
        raise DomainError("Select the kind of sanction.", field="kind")
    name = _check_policy_name(region, name)
    default_amount = _check_policy_amount(kind, default_amount)
    policy = SanctionPolicy.objects.create(
        region=region, name=name, kind=kind, default_amount=default_amount, description=description.strip()
    )
    audit_record(actor=actor, action="sanction_policy.created", obj=policy, after=snapshot(policy, POLICY_FIELDS))
    return policy


@transaction.atomic
def sanction_policy_update(
    *,
    actor: User,
    policy: SanctionPolicy,
    name: str,
    description: str,
    default_amount: Decimal | None,
    is_active: bool,
) -> SanctionPolicy:
    """Change a policy's name, wording, amount or whether it is in use. Its kind is fixed: sanctions
    already issued under it keep meaning what they meant."""
    policy = SanctionPolicy.objects.select_for_update().select_related("region").get(pk=policy.pk)
    require_programme_manager(actor, policy.region)
    before = snapshot(policy, POLICY_FIELDS)
    policy.name = _check_policy_name(policy.region, name, exclude_pk=policy.pk)
    policy.default_amount = _check_policy_amount(policy.kind, default_amount)
    policy.description = description.strip()
    policy.is_active = is_active
    policy.save()
    audit_record(
        actor=actor, action="sanction_policy.updated", obj=policy, before=before, after=snapshot(policy, POLICY_FIELDS)
    )
    return policy


def _check_target(
    *,
    region: Region,
    records: list[BreachRecord],
    local_authority: LocalAuthority | None,
    msp: MSP | None,
    agency: Agency | None,
) -> None:
    chosen = [t for t in (local_authority, msp, agency) if t is not None]
    if len(chosen) != 1:
        raise DomainError("Choose one local authority, MSP or agency to sanction.", field="target")
    if local_authority is not None:
        if local_authority.region_id != region.pk:
            raise DomainError(f"{local_authority} is not in {region}.", field="local_authority")
        others = {r.local_authority.name for r in records if r.local_authority_id != local_authority.pk}
        if others:
            raise DomainError(
                f"The breaches you chose include other local authorities ({', '.join(sorted(others))}).",
                field="breach_records",
            )
    if msp is not None and not msp.local_authorities.filter(region=region).exists():
        raise DomainError(f"{msp} does not serve any local authority in {region}.", field="msp")
    if agency is not None and not any(r.agency_id == agency.pk for r in records):
        raise DomainError(f"{agency} is not named on any of the breaches you chose.", field="agency")


def _notify_target(sanction: Sanction) -> None:
    if sanction.local_authority_id:
        recipients = people_with_la_role(
            local_authority=sanction.local_authority, roles=[Role.DCS, Role.WORKFORCE_LEAD]
        )
    elif sanction.msp_id:
        recipients = people_holding(roles=Role.msp_roles(), msp=sanction.msp)
    else:
        recipients = people_holding(roles=Role.agency_roles(), agency=sanction.agency)
    amount = f" of £{sanction.amount}" if sanction.amount else ""
    notification_send(
        recipients=recipients,
        subject=f"{sanction.region} has issued a sanction: {sanction.policy.get_kind_display().lower()}{amount}",
        body=f"{sanction.policy}. Reason: {sanction.reason}",
        url=reverse("breaches:sanction-detail", args=[sanction.pk]),
        kind=NotificationKind.OWN,
    )


@transaction.atomic
def sanction_issue(
    *,
    actor: User,
    policy: SanctionPolicy,
    breach_records: Sequence[BreachRecord],
    reason: str,
    local_authority: LocalAuthority | None = None,
    msp: MSP | None = None,
    agency: Agency | None = None,
    amount: Decimal | None = None,
) -> Sanction:
    """Apply a region's policy to one LA, MSP or agency for one or more confirmed breaches. A fine's
    amount is the policy's unless the programme manager sets another."""
    policy = SanctionPolicy.objects.select_for_update().select_related("region").get(pk=policy.pk)
    region = policy.region
    require_programme_manager(actor, region)
    if not policy.is_active:
        raise DomainError(f"The policy {policy} is no longer in use.", field="policy")
    records = list(
        BreachRecord.objects.select_for_update(of=("self",))
        .select_related("local_authority")
        .filter(pk__in=[r.pk for r in breach_records])
    )
    if not records:
        raise DomainError("Choose at least one breach the sanction is for.", field="breach_records")
    if any(r.region_id != region.pk for r in records):
        raise DomainError(f"Every breach must be one recorded in {region}.", field="breach_records")
    if any(r.status != BreachRecord.Status.CONFIRMED for r in records):
        raise DomainError("Confirm a suggested breach before sanctioning it.", field="breach_records")
    _check_target(region=region, records=records, local_authority=local_authority, msp=msp, agency=agency)
    reason = required_text(reason, message="Enter the reason for the sanction.", field="reason")
    if policy.kind == SanctionPolicy.Kind.FINE:
        amount = amount if amount is not None else policy.default_amount
        if amount is None or amount <= 0:
            raise DomainError("Enter the amount of the fine in pounds, more than £0.", field="amount")
    elif amount is not None:
        raise DomainError(f"A {policy.get_kind_display().lower()} has no amount: leave it empty.", field="amount")

    sanction = Sanction.objects.create(
        region=region,
        policy=policy,
        local_authority=local_authority,
        msp=msp,
        agency=agency,
        amount=amount,
        reason=reason,
        issued_by=actor,
        issued_on=timezone.localdate(),
    )
    sanction.breach_records.set(records)
    audit_record(
        actor=actor,
        action="sanction.issued",
        obj=sanction,
        after={
            **snapshot(sanction, ["policy_id", "local_authority_id", "msp_id", "agency_id", *SANCTION_FIELDS]),
            "breach_record_ids": sorted(r.pk for r in records),
            "reason": reason,
        },
    )
    _notify_target(sanction)
    return sanction


def _locked_issued_sanction(actor: User, sanction: Sanction) -> Sanction:
    sanction = Sanction.objects.select_for_update(of=("self",)).select_related("region", "policy").get(pk=sanction.pk)
    require_programme_manager(actor, sanction.region)
    if sanction.status != Sanction.Status.ISSUED:
        raise DomainError(f"This sanction is already {sanction.get_status_display().lower()}.")
    return sanction


def _check_day(day: date, sanction: Sanction, field: str) -> None:
    if day > timezone.localdate():
        raise DomainError("The date must be today or in the past.", field=field)
    if day < sanction.issued_on:
        raise DomainError(
            f"The date must be on or after the day the sanction was issued ({sanction.issued_on:%d/%m/%Y}).",
            field=field,
        )


@transaction.atomic
def sanction_mark_paid(*, actor: User, sanction: Sanction, paid_on: date | None = None) -> Sanction:
    """Record that a fine was paid; the money goes into the region's training fund in the same step."""
    sanction = _locked_issued_sanction(actor, sanction)
    if sanction.amount is None:
        raise DomainError(f"A {sanction.policy.get_kind_display().lower()} is not paid: only fines are.")
    paid_on = paid_on or timezone.localdate()
    _check_day(paid_on, sanction, "paid_on")
    before = snapshot(sanction, SANCTION_FIELDS)
    sanction.status = Sanction.Status.PAID
    sanction.paid_on = paid_on
    sanction.save(update_fields=["status", "paid_on"])
    entry = TrainingFundEntry.objects.create(
        region=sanction.region,
        kind=TrainingFundEntry.Kind.FINE_PAID,
        amount=sanction.amount,
        sanction=sanction,
        # People read this in the ledger: who paid which fine, never our row number.
        description=f"Fine paid by {sanction.target}: {sanction.policy}, issued {sanction.issued_on:%-d %B %Y}"[:300],
        occurred_on=paid_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor, action="sanction.paid", obj=sanction, before=before, after=snapshot(sanction, SANCTION_FIELDS)
    )
    audit_record(
        actor=actor,
        action="training_fund.fine_paid",
        obj=entry,
        after=snapshot(entry, ["kind", "amount", "sanction_id", "occurred_on"]),
    )
    return sanction


@transaction.atomic
def sanction_waive(*, actor: User, sanction: Sanction, reason: str, waived_on: date | None = None) -> Sanction:
    sanction = _locked_issued_sanction(actor, sanction)
    reason = required_text(reason, message="Enter why the sanction is waived.", field="reason")
    waived_on = waived_on or timezone.localdate()
    _check_day(waived_on, sanction, "waived_on")
    before = snapshot(sanction, SANCTION_FIELDS)
    sanction.status = Sanction.Status.WAIVED
    sanction.waived_on = waived_on
    sanction.waived_reason = reason
    sanction.save(update_fields=["status", "waived_on", "waived_reason"])
    audit_record(
        actor=actor, action="sanction.waived", obj=sanction, before=before, after=snapshot(sanction, SANCTION_FIELDS)
    )
    return sanction


@transaction.atomic
def fund_spend_record(
    *, actor: User, region: Region, amount: Decimal, description: str, occurred_on: date
) -> TrainingFundEntry:
    """Record training paid for from the fund. The region row is locked so two spends cannot both
    pass the balance check."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    require_programme_manager(actor, region)
    if amount is None or amount <= 0:
        raise DomainError("Enter the amount spent in pounds, more than £0.", field="amount")
    description = required_text(description, message="Describe the training the money paid for.", field="description")
    if occurred_on > timezone.localdate():
        raise DomainError("The date must be today or in the past.", field="occurred_on")
    balance = training_fund_balance(region=region)
    if amount > balance:
        raise DomainError(f"You cannot spend £{amount}: the training fund holds £{balance}.", field="amount")
    entry = TrainingFundEntry.objects.create(
        region=region,
        kind=TrainingFundEntry.Kind.TRAINING_SPEND,
        amount=amount,
        description=description,
        occurred_on=occurred_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="training_fund.spend_recorded",
        obj=entry,
        before={"balance": balance},
        after={**snapshot(entry, ["kind", "amount", "description", "occurred_on"]), "balance": balance - amount},
    )
    return entry
