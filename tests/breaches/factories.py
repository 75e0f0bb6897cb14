"""Breach request factories. A request is judged against a real published cap, so tests first make one
with ``PriceCapFactory`` (Social worker £35.00/h from 1 April 2026) and then build requests above it."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from breaches.models import BreachRequest, BreachRequestStatus, Decision, ReasonCategory, Signature
from rates.models import EngagementType
from riia.models import Role
from tests.rates.factories import PriceCapFactory, core_grade
from tests.riia.factories import LocalAuthorityFactory, UserFactory


def cap_in(region, *, hourly_rate: str = "35.00", **kwargs):
    """The region's Social worker cap (default £35.00/h from 1 April 2026, open-ended)."""
    return PriceCapFactory(region=region, hourly_rate=Decimal(hourly_rate), **kwargs)


class BreachRequestFactory(factory.django.DjangoModelFactory):
    """A draft: 2 social workers at £40.00/h from 1 May 2026 to 31 October 2026."""

    class Meta:
        model = BreachRequest

    reference = factory.Sequence(lambda n: f"BR-TST-{n:05d}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    role_grade = factory.LazyFunction(core_grade)
    engagement_type = EngagementType.LIMITED_COMPANY
    proposed_rate = Decimal("40.00")
    number_of_roles = 2
    contract_start = date(2026, 5, 1)
    contract_end = date(2026, 10, 31)
    reason_category = ReasonCategory.HARD_TO_FILL
    reason = "Three recruitment rounds for the children in care team have failed."
    is_project_team = False
    confirms_no_other_breach = True
    created_by = factory.SubFactory(UserFactory)

    class Params:
        submitted = factory.Trait(
            status=BreachRequestStatus.AWAITING_SIGNATURES,
            round=1,
            submitted_at=factory.LazyFunction(timezone.now),
            cap_rate=Decimal("35.00"),
            allowed_rate=Decimal("35.00"),
            over_by=factory.LazyAttribute(lambda o: o.proposed_rate - Decimal("35.00")),
            over_by_percent=factory.LazyAttribute(
                lambda o: ((o.proposed_rate - Decimal("35.00")) * 100 / Decimal("35.00")).quantize(Decimal("0.1"))
            ),
        )


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    breach_request = factory.SubFactory(BreachRequestFactory, submitted=True)
    round = factory.SelfAttribute("breach_request.round")
    role = Role.DCS
    signatory = factory.SubFactory(UserFactory)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    breach_request = factory.SubFactory(BreachRequestFactory, submitted=True, status=BreachRequestStatus.APPROVED)
    outcome = Decision.Outcome.APPROVED
    decided_by = factory.SubFactory(UserFactory)
    decided_as = Role.PROGRAMME_MANAGER


def decided_request(la, *, outcome: str = Decision.Outcome.APPROVED, **kwargs) -> BreachRequest:
    """A request of ``la`` already decided, with its Decision row."""
    breach_request = BreachRequestFactory(local_authority=la, submitted=True, status=outcome, **kwargs)
    DecisionFactory(breach_request=breach_request, outcome=outcome)
    return breach_request
