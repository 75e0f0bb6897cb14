"""Factories for the breach register, sanctions and the training fund."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from breaches.models import (
    BreachRecord,
    BreachRequest,
    BreachRequestStatus,
    BreachType,
    Decision,
    ReasonCategory,
    Sanction,
    SanctionPolicy,
)
from tests.rates.factories import core_grade
from tests.riia.factories import LocalAuthorityFactory, UserFactory


class BreachRecordFactory(factory.django.DjangoModelFactory):
    """A confirmed pay-rate breach without permission, recorded by a person."""

    class Meta:
        model = BreachRecord

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    region = factory.SelfAttribute("local_authority.region")
    breach_type = BreachType.PAY_RATE
    occurred_on = date(2026, 8, 14)
    description = "Social worker engaged at £41.00 an hour against a £35.00 cap."
    reason = "No other worker available for a child protection team."
    actions_taken = "Rate reduced to the cap from the next assignment."
    recorded_by = factory.SubFactory(UserFactory)


class SanctionPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SanctionPolicy
        django_get_or_create = ["region", "name"]

    name = "Fine for breaching without permission"
    kind = SanctionPolicy.Kind.FINE
    default_amount = Decimal("250.00")
    description = "A small fine paid into the regional training fund."


class SanctionFactory(factory.django.DjangoModelFactory):
    """An issued fine against an LA (pass ``local_authority`` and ``policy``)."""

    class Meta:
        model = Sanction
        skip_postgeneration_save = True

    region = factory.SelfAttribute("policy.region")
    amount = factory.SelfAttribute("policy.default_amount")
    reason = "Breached the pay cap without asking permission."
    issued_by = factory.SubFactory(UserFactory)
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))

    @factory.post_generation
    def breach_records(self, create, extracted, **kwargs):
        if create and extracted:
            self.breach_records.set(extracted)


def approved_breach_request(la, *, reference: str = "WM-2026-0001", expires_on: date | None = None) -> BreachRequest:
    """An approved request of ``la``, written directly (the request workflow is another branch's)."""
    creator = UserFactory()
    request = BreachRequest.objects.create(
        reference=reference,
        local_authority=la,
        status=BreachRequestStatus.APPROVED,
        role_grade=core_grade(),
        proposed_rate=Decimal("41.00"),
        number_of_roles=1,
        contract_start=date(2026, 7, 1),
        contract_end=date(2026, 12, 31),
        reason_category=ReasonCategory.HARD_TO_FILL,
        reason="Hard-to-fill post after three rounds of recruitment.",
        confirms_no_other_breach=True,
        round=1,
        cap_rate=Decimal("35.00"),
        allowed_rate=Decimal("35.00"),
        over_by=Decimal("6.00"),
        over_by_percent=Decimal("17.1"),
        created_by=creator,
        submitted_at=timezone.now(),
    )
    Decision.objects.create(breach_request=request, outcome=Decision.Outcome.APPROVED, expires_on=expires_on)
    return request


def breach_request_with_status(la, status: str, *, reference: str = "WM-2026-0002") -> BreachRequest:
    """A request in another state (no decision), e.g. awaiting decision or rejected."""
    request = approved_breach_request(la, reference=reference)
    request.decision.delete()
    request.status = status
    request.save(update_fields=["status"])
    return request
