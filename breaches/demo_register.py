"""Demo content for the breach register and sanctions in the West Midlands: the region's sanction
policies, breaches across recent quarters and types (one of them with permission, linked to the demo's
approved breach request), one fine issued and paid into the training fund, and one training spend.
Safe to run again: what exists is kept."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from breaches.models import BreachRecord, BreachType, PreventsRepeat, Sanction, SanctionPolicy, TrainingFundEntry
from breaches.selectors.register import approved_requests_for
from breaches.selectors.sanctions import training_fund_balance
from breaches.services.register import breach_record_create, breach_record_suggest
from breaches.services.sanctions import fund_spend_record, sanction_issue, sanction_mark_paid, sanction_policy_create
from riia.demo import DEMO_DOMAIN
from riia.models import LocalAuthority, Region, User

FINE = "Fine for breaching without permission"
POLICIES = [
    (FINE, SanctionPolicy.Kind.FINE, Decimal("250.00"), "A fine of £250, paid into the regional training fund."),
    ("Warning", SanctionPolicy.Kind.WARNING, None, "A written warning from the programme manager."),
    (
        "Escalation to the DCS group",
        SanctionPolicy.Kind.ESCALATION,
        None,
        "Raised at the regional DCS group for repeated breaches.",
    ),
]
# (LA slug, type, days ago, what happened, reason, actions, prevents a repeat)
ENTRIES = [
    (
        "walsall",
        BreachType.PAY_RATE,
        40,
        "Team manager engaged at £52.00 an hour against a £45.00 cap, without asking permission.",
        "Interim cover needed within a week after a resignation.",
        "Engagement ended at the cap review; permanent recruitment under way.",
        PreventsRepeat.PARTLY,
    ),
    (
        "birmingham",
        BreachType.COOL_OFF,
        130,
        "Worker engaged through an agency 7 months after leaving a permanent post in Sandwell.",
        "The agency did not declare the previous post.",
        "Cool-off check added to the MSP's onboarding list.",
        PreventsRepeat.YES,
    ),
    (
        "coventry",
        BreachType.PQE,
        220,
        "Agency social worker with 2 years' post-qualified experience placed in the assessment team.",
        "Experience was recorded wrongly on the CV.",
        "Worker moved to a supported role; MSP re-checked all current placements.",
        PreventsRepeat.YES,
    ),
    (
        "dudley",
        BreachType.NOTICE,
        310,
        "Agency worker left with one week's notice, during a court case.",
        "Worker accepted a higher rate in another region.",
        "Raised with the agency at the quarterly MSP meeting.",
        PreventsRepeat.NOT_YET_KNOWN,
    ),
]


def _policies(region: Region, pm: User) -> tuple[dict[str, SanctionPolicy], int]:
    existing = {p.name: p for p in SanctionPolicy.objects.filter(region=region)}
    created = 0
    for name, kind, amount, description in POLICIES:
        if name not in existing:
            existing[name] = sanction_policy_create(
                actor=pm, region=region, name=name, kind=kind, default_amount=amount, description=description
            )
            created += 1
    return existing, created


def _breach_with_permission(region: Region, pm: User) -> int:
    """Record the breach the demo's approved request gave permission for, once. Returns how many were added."""
    approved = (
        approved_requests_for(local_authorities=LocalAuthority.objects.filter(region=region))
        .filter(created_by__email__endswith=f"@{DEMO_DOMAIN}")
        .order_by("pk")
        .first()
    )
    if approved is None or BreachRecord.objects.filter(breach_request=approved).exists():
        return 0
    breach_record_create(
        actor=pm,
        local_authority=approved.local_authority,
        breach_type=BreachType.PAY_RATE,
        occurred_on=min(timezone.localdate(), approved.contract_start),
        description=f"{approved.number_of_roles} social workers engaged at £{approved.proposed_rate} an hour, "
        f"above the £{approved.cap_rate} cap, as the region agreed.",
        reason=approved.reason,
        actions_taken="Permanent posts advertised again; the approval is reviewed at three months.",
        prevents_repeat=PreventsRepeat.NOT_YET_KNOWN,
        breach_request=approved,
        role_grade=approved.role_grade,
        hourly_rate=approved.proposed_rate,
    )
    return 1


def load() -> list[str]:
    region = Region.objects.filter(slug="west-midlands").first()
    pm = User.objects.filter(email__startswith="pm.west-midlands@").first()
    if region is None or pm is None:
        return ["Breach register demo: skipped (no West Midlands programme manager)."]
    today = timezone.localdate()
    policies, policies_created = _policies(region, pm)

    las = {la.slug: la for la in LocalAuthority.objects.filter(region=region)}
    records, created = [], 0
    for slug, breach_type, days_ago, description, reason, actions, prevents in ENTRIES:
        record = BreachRecord.objects.filter(local_authority=las[slug], description=description).first()
        if record is None:
            record = breach_record_create(
                actor=pm,
                local_authority=las[slug],
                breach_type=breach_type,
                occurred_on=today - timedelta(days=days_ago),
                description=description,
                reason=reason,
                actions_taken=actions,
                prevents_repeat=prevents,
            )
            created += 1
        records.append(record)
    created += _breach_with_permission(region, pm)
    _, suggested = breach_record_suggest(
        local_authority=las["sandwell"],
        breach_type=BreachType.PAY_RATE,
        occurred_on=today - timedelta(days=12),
        description="Placement at £44.10 an hour against a £38.00 cap, with no approved breach request.",
        reason="Detected in the MSP's placement data.",
        source_reference="demo:placement:WM-0042",
    )

    walsall = records[0]
    fine = Sanction.objects.filter(breach_records=walsall, policy=policies[FINE]).first()
    if fine is None:
        fine = sanction_issue(
            actor=pm,
            policy=policies[FINE],
            local_authority=walsall.local_authority,
            breach_records=[walsall],
            reason="Pay cap breached without asking the region's permission first.",
        )
    if fine.status == Sanction.Status.ISSUED:
        sanction_mark_paid(actor=pm, sanction=fine)
    if not TrainingFundEntry.objects.filter(region=region, kind=TrainingFundEntry.Kind.TRAINING_SPEND).exists():
        fund_spend_record(
            actor=pm,
            region=region,
            amount=Decimal("120.00"),
            description="Court skills workshop for newly qualified social workers",
            occurred_on=today,
        )
    return [
        f"Breach register (West Midlands): {policies_created} sanction policies and {created} breaches added, "
        f"{int(suggested)} suggestion to review; training fund balance £{training_fund_balance(region=region)}."
    ]
