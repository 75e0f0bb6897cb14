"""Every write of price caps, rate cards and exemptions."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rates.lookup import PENNY, cap_lookup, paye_equivalent
from rates.models import (
    EXEMPTION_WARNING_DAYS,
    MAX_HOURLY_RATE,
    CoreJobType,
    EngagementType,
    Exemption,
    PriceCap,
    RateCard,
    RateCardLine,
    RoleGrade,
)
from rates.selectors import region_role_grades
from riia.errors import DomainError
from riia.models import LocalAuthority, NotificationKind, Region, Role, User
from riia.rules import is_programme_manager_of
from riia.selectors import people_holding, people_in_region_las, people_with_la_role, people_with_region_role
from riia.services import audit_record, notification_send, require_programme_manager, required_text, snapshot

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def role_grades_load(*, data_dir: Path = DATA_DIR) -> int:
    """Load the five national core grades and the regions' local grades (idempotent).
    Returns how many grades were created."""
    regions = {r.slug: r for r in Region.objects.all()}
    created = 0
    with (data_dir / "role_grades.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = regions.get(row["region_slug"]) if row["region_slug"] else None
            if row["region_slug"] and region is None:
                continue  # the region's reference data is not loaded
            _, was_created = RoleGrade.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "core_type": row["core_type"],
                    "region": region,
                    "display_order": int(row["display_order"]),
                },
            )
            created += was_created
    return created


# --- Rate cards -----------------------------------------------------------------------------


def _fmt_date(value: date) -> str:
    return f"{value:%-d %B %Y}"


def rate_validate(*, value: Decimal | None, label: str, field: str | None = None) -> Decimal:
    """Check one hourly rate in pounds: positive, to the penny, within the sanity bound."""
    if value is None:
        raise DomainError(f"Enter the hourly rate for {label} in pounds", field=field)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(f"Enter the hourly rate for {label} as an amount in pounds, like 35.50", field=field)
    if value <= 0:
        raise DomainError(f"The hourly rate for {label} must be more than £0", field=field)
    if value != value.quantize(PENNY):
        raise DomainError(f"The hourly rate for {label} must be in pounds and pence, like 35.50", field=field)
    if value > MAX_HOURLY_RATE:
        raise DomainError(
            f"The hourly rate for {label} must be £{MAX_HOURLY_RATE} or less: caps in use are £25 to £50",
            field=field,
        )
    return value.quantize(PENNY)


def _latest_caps(region: Region) -> dict[int, PriceCap]:
    latest: dict[int, PriceCap] = {}
    for cap in PriceCap.objects.filter(region=region).order_by("effective_from"):
        latest[cap.role_grade_id] = cap
    return latest


def _lock_draft(rate_card: RateCard) -> RateCard:
    rate_card = RateCard.objects.select_for_update().select_related("region").get(pk=rate_card.pk)
    if rate_card.status != RateCard.Status.DRAFT:
        raise DomainError("This rate card has already been published, so it cannot be changed.")
    return rate_card


def _lines_snapshot(rate_card: RateCard) -> dict[str, str]:
    return {line.role_grade.name: str(line.hourly_rate) for line in rate_card.lines.select_related("role_grade")}


@transaction.atomic
def rate_card_draft_create(*, region: Region, actor: User, from_current: bool = True, notes: str = "") -> RateCard:
    """Start a draft rate card, by default with every role at its latest published cap."""
    require_programme_manager(actor, region, "draft a rate card")
    rate_card = RateCard.objects.create(region=region, created_by=actor, notes=notes)
    if from_current:
        RateCardLine.objects.bulk_create(
            RateCardLine(rate_card=rate_card, role_grade_id=grade_id, hourly_rate=cap.hourly_rate)
            for grade_id, cap in _latest_caps(region).items()
        )
    audit_record(actor=actor, action="rate_card.drafted", obj=rate_card, after=_lines_snapshot(rate_card))
    return rate_card


@transaction.atomic
def rate_card_lines_set(*, rate_card: RateCard, actor: User, rates: Mapping[RoleGrade, Decimal | None]) -> RateCard:
    """Set the draft's hourly rates. A role given None (left blank) is removed from the card."""
    rate_card = _lock_draft(rate_card)
    require_programme_manager(actor, rate_card.region, "change this rate card")
    allowed = {g.pk for g in region_role_grades(region=rate_card.region)}
    cleaned: dict[RoleGrade, Decimal] = {}
    for grade, value in rates.items():
        if grade.pk not in allowed:
            raise DomainError(f"{grade} is a grade of another region.")
        if value is not None:
            cleaned[grade] = rate_validate(value=value, label=grade.name, field=f"grade_{grade.pk}")
    before = _lines_snapshot(rate_card)
    rate_card.lines.all().delete()
    RateCardLine.objects.bulk_create(
        RateCardLine(rate_card=rate_card, role_grade=grade, hourly_rate=value) for grade, value in cleaned.items()
    )
    audit_record(
        actor=actor, action="rate_card.lines_set", obj=rate_card, before=before, after=_lines_snapshot(rate_card)
    )
    return rate_card


@dataclass(frozen=True)
class UpliftLine:
    role_grade: RoleGrade
    hourly_rate: Decimal
    new_hourly_rate: Decimal

    @property
    def new_paye_hourly_rate(self) -> Decimal:
        return paye_equivalent(self.new_hourly_rate)


def uplift_rate(*, hourly_rate: Decimal, percent: Decimal) -> Decimal:
    """``hourly_rate`` raised by ``percent`` %, rounded half up to the penny (35.00 + 3% = 36.05)."""
    return (hourly_rate * (100 + percent) / 100).quantize(PENNY, rounding=ROUND_HALF_UP)


def rate_card_uplift_preview(*, rate_card: RateCard, percent: Decimal) -> list[UpliftLine]:
    """What an uplift of ``percent`` % would make every line, computed without saving anything."""
    if not isinstance(percent, Decimal) or not percent.is_finite():
        raise DomainError("Enter the uplift as a percentage, like 3 or 2.5", field="percent")
    if percent != percent.quantize(PENNY):
        raise DomainError("The uplift can have at most 2 decimal places, like 2.75", field="percent")
    if not Decimal("-50") <= percent <= Decimal("100") or percent == 0:
        raise DomainError("The uplift must be between -50% and 100%, and not 0", field="percent")
    lines = list(rate_card.lines.select_related("role_grade"))
    if not lines:
        raise DomainError("Enter a rate for at least one role before applying an uplift", field="percent")
    preview = [
        UpliftLine(line.role_grade, line.hourly_rate, uplift_rate(hourly_rate=line.hourly_rate, percent=percent))
        for line in lines
    ]
    for line in preview:
        rate_validate(value=line.new_hourly_rate, label=f"{line.role_grade.name} after the uplift", field="percent")
    return preview


@transaction.atomic
def rate_card_uplift(*, rate_card: RateCard, actor: User, percent: Decimal) -> list[UpliftLine]:
    """Raise every line of the draft by ``percent`` % (rounded half up to the penny), as previewed."""
    rate_card = _lock_draft(rate_card)
    require_programme_manager(actor, rate_card.region, "change this rate card")
    preview = rate_card_uplift_preview(rate_card=rate_card, percent=percent)
    before = _lines_snapshot(rate_card)
    for line in preview:
        RateCardLine.objects.filter(rate_card=rate_card, role_grade=line.role_grade).update(
            hourly_rate=line.new_hourly_rate
        )
    audit_record(
        actor=actor,
        action="rate_card.uplifted",
        obj=rate_card,
        before=before,
        after={"percent": str(percent), **_lines_snapshot(rate_card)},
    )
    return preview


def rate_card_missing_core_roles(*, rate_card: RateCard) -> list[str]:
    priced = set(
        rate_card.lines.filter(role_grade__region__isnull=True).values_list("role_grade__core_type", flat=True)
    )
    return [label for value, label in CoreJobType.choices if value not in priced]


@transaction.atomic
def rate_card_publish(
    *, rate_card: RateCard, actor: User, effective_from: date | None, notify: bool = True
) -> RateCard:
    """Publish a draft: each line becomes a PriceCap from ``effective_from``, the role's open-ended cap
    closes the day before, and every LA member of the region is told (``notify=False`` only for
    loading demo or historical cards)."""
    # The region row is the lock: two publishes for one region run one after the other.
    region = Region.objects.select_for_update().get(pk=rate_card.region_id)
    rate_card = _lock_draft(rate_card)
    require_programme_manager(actor, region, "publish a rate card")
    if effective_from is None:
        raise DomainError("Enter the date the new caps take effect", field="effective_from")
    missing = rate_card_missing_core_roles(rate_card=rate_card)
    if missing:
        raise DomainError(f"Enter a cap for every core role: {', '.join(missing)} not priced yet")
    lines = list(rate_card.lines.select_related("role_grade"))
    for line in lines:
        rate_validate(value=line.hourly_rate, label=line.role_grade.name)

    latest = _latest_caps(region)
    closed: list[PriceCap] = []
    for line in lines:
        cap = latest.get(line.role_grade_id)
        if cap is None:
            continue
        if effective_from <= cap.effective_from or (cap.effective_to and cap.effective_to >= effective_from):
            period = f"from {_fmt_date(cap.effective_from)}" + (
                f" to {_fmt_date(cap.effective_to)}" if cap.effective_to else ""
            )
            raise DomainError(
                f"The caps would overlap: {line.role_grade.name} already has a cap {period}. "
                f"Enter a date after {_fmt_date(cap.effective_to or cap.effective_from)}",
                field="effective_from",
            )
        if cap.effective_to is None:
            cap.effective_to = effective_from - timedelta(days=1)
            closed.append(cap)
    PriceCap.objects.bulk_update(closed, ["effective_to"])
    PriceCap.objects.bulk_create(
        PriceCap(
            region=region,
            role_grade=line.role_grade,
            rate_card=rate_card,
            hourly_rate=line.hourly_rate,
            paye_hourly_rate=paye_equivalent(line.hourly_rate),
            effective_from=effective_from,
        )
        for line in lines
    )
    rate_card.status = RateCard.Status.PUBLISHED
    rate_card.effective_from = effective_from
    rate_card.published_by = actor
    rate_card.published_at = timezone.now()
    rate_card.save(update_fields=["status", "effective_from", "published_by", "published_at"])

    for cap in closed:
        audit_record(
            actor=actor,
            action="price_cap.closed",
            obj=cap,
            before={"effective_to": None},
            after={"effective_to": cap.effective_to},
        )
    audit_record(
        actor=actor,
        action="rate_card.published",
        obj=rate_card,
        before={"status": RateCard.Status.DRAFT},
        after={"status": rate_card.status, "effective_from": effective_from, "caps": _lines_snapshot(rate_card)},
    )
    if notify:
        body = (
            f"{region}'s programme manager has published a rate card taking effect on "
            f"{_fmt_date(effective_from)}. Check the new hourly caps before agreeing any placement.\n\n"
            + _rate_card_rates_text(lines=lines, previous=latest)
            + (f"\n\nNotes from the programme manager: {rate_card.notes}" if rate_card.notes else "")
        )
        notification_send(
            # The region's LAs, and the MSPs serving them, who price placements against the caps.
            recipients=[
                *people_in_region_las(region=region),
                *people_holding(roles=Role.msp_roles(), msp__local_authorities__region=region),
            ],
            subject=f"New price caps for {region} from {_fmt_date(effective_from)}",
            body=body,
            url=reverse("rates:region", args=[region.slug]),
            kind=NotificationKind.REGION,
        )
    return rate_card


def _rate_card_rates_text(*, lines: list[RateCardLine], previous: Mapping[int, PriceCap]) -> str:
    """The new caps, one role a line, by engagement type (limited company and umbrella share the cap;
    PAYE's is the same cap without employer costs), with the cap each replaces."""
    ltd = f"{EngagementType.LIMITED_COMPANY.label} or {EngagementType.UMBRELLA.label.lower()}"
    paye = EngagementType.PAYE.label
    rows = []
    for line in lines:
        before = previous.get(line.role_grade_id)
        was = f" (was £{before.hourly_rate})" if before is not None else " (new)"
        rows.append(
            f"- {line.role_grade.name}: {ltd} £{line.hourly_rate} an hour{was}; "
            f"{paye} £{paye_equivalent(line.hourly_rate)} an hour"
        )
    return "The new hourly caps:\n" + "\n".join(rows)


@transaction.atomic
def rate_card_discard(*, rate_card: RateCard, actor: User) -> None:
    rate_card = _lock_draft(rate_card)
    require_programme_manager(actor, rate_card.region, "discard this rate card")
    audit_record(actor=actor, action="rate_card.discarded", obj=rate_card, before=_lines_snapshot(rate_card))
    rate_card.delete()


# --- Exemptions -----------------------------------------------------------------------------


def _exemption_snapshot(exemption: Exemption) -> dict:
    return snapshot(
        exemption,
        [
            "local_authority_id",
            "role_grade_id",
            "hourly_rate",
            "paye_hourly_rate",
            "starts_on",
            "ends_on",
            "plan",
            "agreed_by",
            "status",
        ],
    )


def _exemption_people(exemption: Exemption) -> list[User]:
    region = exemption.local_authority.region
    return [
        *people_with_la_role(local_authority=exemption.local_authority, roles=Role.la_roles()),
        *people_with_region_role(region=region, roles=[Role.PROGRAMME_MANAGER]),
    ]


@transaction.atomic
def exemption_record(
    *,
    actor: User,
    local_authority: LocalAuthority | None,
    role_grade: RoleGrade | None,
    hourly_rate: Decimal | None,
    starts_on: date | None,
    ends_on: date | None,
    plan: str,
    agreed_by: str,
) -> Exemption:
    """Record that an LA may pay up to ``hourly_rate`` for a role between two dates, with a plan."""
    if local_authority is None:
        raise DomainError("Select the local authority", field="local_authority")
    if not is_programme_manager_of(actor, local_authority.region):
        raise DomainError(
            f"{local_authority} is not in your region: you can only record exemptions for your own region's "
            "local authorities",
            field="local_authority",
        )
    region = local_authority.region
    if role_grade is None:
        raise DomainError("Select the role", field="role_grade")
    if role_grade.region_id not in (None, region.pk):
        raise DomainError(f"{role_grade} is a grade of another region", field="role_grade")
    hourly_rate = rate_validate(value=hourly_rate, label="the exemption", field="hourly_rate")
    if starts_on is None:
        raise DomainError("Enter the date the exemption starts", field="starts_on")
    if ends_on is None:
        raise DomainError("Enter the date the exemption ends: every exemption must have an end date", field="ends_on")
    if ends_on < starts_on:
        raise DomainError("The end date must be the same as or after the start date", field="ends_on")
    if ends_on < timezone.localdate():
        raise DomainError("The end date must be today or in the future", field="ends_on")
    plan = required_text(
        plan, message="Enter the plan for how the local authority will return to the cap", field="plan"
    )
    agreed_by = required_text(agreed_by, message="Enter who agreed the exemption", field="agreed_by")
    answer = cap_lookup(region=region, role_grade=role_grade, on=starts_on)
    if answer is not None and hourly_rate <= answer.cap:
        raise DomainError(
            f"The exemption rate must be above the cap of £{answer.cap} for {role_grade} on {_fmt_date(starts_on)}",
            field="hourly_rate",
        )
    LocalAuthority.objects.select_for_update().get(pk=local_authority.pk)  # one exemption record at a time per LA
    clash = Exemption.objects.filter(
        local_authority=local_authority,
        role_grade=role_grade,
        status=Exemption.Status.ACTIVE,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).first()
    if clash:
        raise DomainError(
            f"{local_authority} already has an exemption for {role_grade} from {_fmt_date(clash.starts_on)} to "
            f"{_fmt_date(clash.ends_on)}. Revoke it first or choose dates that do not overlap",
            field="starts_on",
        )
    exemption = Exemption.objects.create(
        local_authority=local_authority,
        role_grade=role_grade,
        hourly_rate=hourly_rate,
        paye_hourly_rate=paye_equivalent(hourly_rate),
        starts_on=starts_on,
        ends_on=ends_on,
        plan=plan,
        agreed_by=agreed_by,
        recorded_by=actor,
    )
    audit_record(actor=actor, action="exemption.recorded", obj=exemption, after=_exemption_snapshot(exemption))
    notification_send(
        recipients=people_with_la_role(local_authority=local_authority, roles=Role.la_roles()),
        subject=f"Exemption recorded: {role_grade} up to £{hourly_rate} an hour until {_fmt_date(ends_on)}",
        body=f"{region}'s programme manager recorded an exemption from the {role_grade} cap for {local_authority} "
        f"from {_fmt_date(starts_on)} to {_fmt_date(ends_on)}.",
        url=reverse("rates:region", args=[region.slug]),
        kind=NotificationKind.OWN,
    )
    return exemption


@transaction.atomic
def exemption_revoke(*, exemption: Exemption, actor: User, reason: str) -> Exemption:
    exemption = Exemption.objects.select_for_update().select_related("local_authority__region").get(pk=exemption.pk)
    require_programme_manager(actor, exemption.local_authority.region, "revoke this exemption")
    if exemption.status != Exemption.Status.ACTIVE:
        raise DomainError(f"This exemption is already {exemption.get_status_display().lower()}.")
    reason = required_text(reason, message="Enter why the exemption is being revoked", field="reason")
    before = _exemption_snapshot(exemption)
    exemption.status = Exemption.Status.REVOKED
    exemption.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="exemption.revoked",
        obj=exemption,
        before=before,
        after={**_exemption_snapshot(exemption), "reason": reason},
    )
    notification_send(
        recipients=people_with_la_role(local_authority=exemption.local_authority, roles=Role.la_roles()),
        subject=f"Exemption revoked: {exemption.role_grade} for {exemption.local_authority}",
        body=f"The exemption is revoked from now. Reason: {reason}",
        url=reverse("rates:region", args=[exemption.local_authority.region.slug]),
        kind=NotificationKind.OWN,
    )
    return exemption


@transaction.atomic
def exemptions_warn_ending(*, today: date | None = None) -> int:
    """Warn the LA and the programme manager once about each active exemption ending within 14 days.
    Safe to run twice: a warned exemption is not warned again."""
    today = today or timezone.localdate()
    due = list(
        Exemption.objects.select_for_update(skip_locked=True)
        .filter(
            status=Exemption.Status.ACTIVE,
            ending_warning_sent_at__isnull=True,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=EXEMPTION_WARNING_DAYS),
        )
        .select_related("local_authority__region", "role_grade")
    )
    for exemption in due:
        days = (exemption.ends_on - today).days
        notification_send(
            recipients=_exemption_people(exemption),
            subject=f"Exemption ending in {days} day{'s' if days != 1 else ''}: {exemption.role_grade} for "
            f"{exemption.local_authority}",
            body=f"The exemption allowing up to £{exemption.hourly_rate} an hour ends on {_fmt_date(exemption.ends_on)}. "
            f"After that the {exemption.role_grade} cap applies. The agreed plan: {exemption.plan}",
            url=reverse("rates:region", args=[exemption.local_authority.region.slug]),
            kind=NotificationKind.OWN,
        )
        exemption.ending_warning_sent_at = timezone.now()
        exemption.save(update_fields=["ending_warning_sent_at"])
        audit_record(
            actor=None,
            action="exemption.ending_warning_sent",
            obj=exemption,
            after={"ending_warning_sent_at": exemption.ending_warning_sent_at},
        )
    return len(due)


@transaction.atomic
def exemptions_expire(*, today: date | None = None) -> int:
    """Mark active exemptions whose end date has passed as expired. Safe to run twice."""
    today = today or timezone.localdate()
    due = list(
        Exemption.objects.select_for_update(skip_locked=True).filter(status=Exemption.Status.ACTIVE, ends_on__lt=today)
    )
    for exemption in due:
        exemption.status = Exemption.Status.EXPIRED
        exemption.save(update_fields=["status"])
        audit_record(
            actor=None,
            action="exemption.expired",
            obj=exemption,
            before={"status": Exemption.Status.ACTIVE},
            after={"status": Exemption.Status.EXPIRED},
        )
    return len(due)
