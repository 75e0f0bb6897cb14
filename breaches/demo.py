"""Demo breach requests in the West Midlands and London, one in each state, made through the real
services (so they carry references, frozen caps, signatures, audit and notifications)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from breaches.models import BreachRequest, BreachRequestStatus, Decision, ReasonCategory
from breaches.selectors.requests import breach_request_cap, breach_request_deciders
from breaches.services.requests import (
    BreachRequestDetails,
    breach_request_create,
    breach_request_decide,
    breach_request_sign,
    breach_request_submit,
)
from rates.lookup import paye_equivalent
from rates.models import CoreJobType, PriceCap, RateCard, RoleGrade
from riia.demo import DEMO_DOMAIN, DEMO_REGIONS
from riia.models import LocalAuthority, Region, Role, User

# (target state, reason category, pounds over the allowed rate, roles, why)
STORIES = [
    ("draft", ReasonCategory.HARD_TO_FILL, "3.50", 1, "Fourth advert for the fostering team has had no applicants."),
    ("awaiting_signatures", ReasonCategory.CASELOAD_RISK, "4.00", 2, "Caseloads in the assessment team are above 25."),
    ("awaiting_decision", ReasonCategory.SPECIALIST_SKILLS, "5.50", 1, "Court work needs an experienced practitioner."),
    ("approved", ReasonCategory.INSPECTION, "3.00", 3, "Improvement plan after inspection needs cover now."),
    ("rejected", ReasonCategory.OTHER, "9.00", 1, "The worker asked for more than the cap."),
]


def _person(prefix: str, la: LocalAuthority) -> User | None:
    return User.objects.filter(email=f"{prefix}.{la.slug}@{DEMO_DOMAIN}").first()


def _social_worker_cap(region: Region, grade: RoleGrade, publisher: User) -> PriceCap:
    """The cap in force today, or (if the rates demo did not publish one) a minimal published rate card."""
    today = timezone.localdate()
    caps = PriceCap.objects.filter(region=region, role_grade=grade).order_by("-effective_from")
    current = caps.filter(effective_from__lte=today).first()
    if current is not None:
        return current
    if caps.exists():
        return caps.first()
    start = date(today.year, 1, 1)
    card = RateCard.objects.create(
        region=region,
        status=RateCard.Status.PUBLISHED,
        effective_from=start,
        notes="Created by the breaches demo because no rate card was published.",
        created_by=publisher,
        published_by=publisher,
        published_at=timezone.now(),
    )
    return PriceCap.objects.create(
        region=region,
        role_grade=grade,
        rate_card=card,
        hourly_rate=Decimal("35.00"),
        paye_hourly_rate=paye_equivalent(Decimal("35.00")),
        effective_from=start,
    )


def _tell_story(la: LocalAuthority, grade: RoleGrade, start: date, story: tuple) -> BreachRequest | None:
    target, category, over, roles, why = story
    lead, dcs, ce = _person("lead", la), _person("dcs", la), _person("ce", la)
    if not (lead and dcs and ce):
        return None
    answer = breach_request_cap(local_authority=la, role_grade=grade, on=start, engagement_type="limited_company")
    if answer is None:
        return None
    details = BreachRequestDetails(
        role_grade=grade,
        proposed_rate=answer.allowed_rate + Decimal(over),
        number_of_roles=roles,
        contract_start=start,
        contract_end=start + timedelta(weeks=26, days=-1),
        reason_category=category,
        reason=why,
        confirms_no_other_breach=True,
    )
    breach_request = breach_request_create(actor=lead, local_authority=la, details=details)
    if target == "draft":
        return breach_request
    breach_request = breach_request_submit(breach_request=breach_request, actor=lead)
    if target == "awaiting_signatures":
        return breach_request
    breach_request_sign(breach_request=breach_request, actor=dcs, role=Role.DCS)
    breach_request = breach_request_sign(breach_request=breach_request, actor=ce, role=Role.CHIEF_EXECUTIVE)
    if target == "awaiting_decision" or breach_request.status != BreachRequestStatus.AWAITING_DECISION:
        return breach_request
    decider = breach_request_deciders(breach_request=breach_request).first()
    if decider is None:
        return breach_request
    if target == "approved":
        return breach_request_decide(
            breach_request=breach_request,
            actor=decider,
            outcome=Decision.Outcome.APPROVED,
            conditions="Review at three months; advertise the permanent post again.",
            expires_on=start + timedelta(weeks=26),
        )
    return breach_request_decide(
        breach_request=breach_request,
        actor=decider,
        outcome=Decision.Outcome.REJECTED,
        comment="Nine pounds over the cap is not justified; recruit at the cap through the MSP.",
    )


@transaction.atomic
def load_requests() -> list[str]:
    """Idempotent: a region that already has demo requests is left as it is."""
    grade = RoleGrade.objects.filter(region__isnull=True, core_type=CoreJobType.SOCIAL_WORKER).first()
    if grade is None:
        return ["Breach requests: skipped, the Social worker role grade is not loaded (run load_reference_data)."]
    lines = []
    for region in Region.objects.filter(slug__in=DEMO_REGIONS).order_by("name"):
        if BreachRequest.objects.filter(
            local_authority__region=region, created_by__email__endswith=f"@{DEMO_DOMAIN}"
        ).exists():
            lines.append(f"Breach requests in {region}: demo requests already there, left as they are.")
            continue
        publisher = User.objects.filter(email=f"pm.{region.slug}@{DEMO_DOMAIN}").first()
        if publisher is None:
            lines.append(f"Breach requests in {region}: skipped, the demo programme manager is missing.")
            continue
        cap = _social_worker_cap(region, grade, publisher)
        today = timezone.localdate()
        start = (
            today
            if cap.effective_from <= today and (cap.effective_to is None or today <= cap.effective_to)
            else cap.effective_from
        )
        las = list(
            LocalAuthority.objects.filter(region=region)
            .select_related("region", "group")
            .order_by("name")[: len(STORIES)]
        )
        made = [br for la, story in zip(las, STORIES, strict=False) if (br := _tell_story(la, grade, start, story))]
        states = ", ".join(f"{br.reference} ({br.get_status_display()})" for br in made)
        lines.append(f"Breach requests in {region}: {len(made)} created against the £{cap.hourly_rate} cap ({states}).")
        lines.extend(_who_decides(made))
    return lines


def _who_decides(made: list[BreachRequest]) -> list[str]:
    """Name the person who actually has a request to decide, so the demo can be tried as them."""
    lines = []
    for br in made:
        if br.status != BreachRequestStatus.AWAITING_DECISION:
            continue
        deciders = ", ".join(user.email for user in breach_request_deciders(breach_request=br))
        if deciders:
            lines.append(f"  {br.reference} waits for a decision: sign in as {deciders} to decide it.")
    return lines
