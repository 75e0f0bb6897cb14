from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from rates.lookup import paye_equivalent
from rates.models import CoreJobType, Exemption, PriceCap, RateCard, RoleGrade
from tests.riia.factories import LocalAuthorityFactory, RegionFactory, UserFactory


def core_grade(core_type: str = CoreJobType.SOCIAL_WORKER) -> RoleGrade:
    """The national grade for a core type (created on first use, like the reference data)."""
    grade, _ = RoleGrade.objects.get_or_create(
        region=None,
        core_type=core_type,
        defaults={"code": core_type.replace("_", "-"), "name": CoreJobType(core_type).label},
    )
    return grade


class RoleGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrade

    code = factory.Sequence(lambda n: f"local-grade-{n}")
    name = factory.Sequence(lambda n: f"Local grade {n}")
    core_type = CoreJobType.SENIOR_SOCIAL_WORKER
    region = factory.SubFactory(RegionFactory)


class PublishedRateCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RateCard

    region = factory.SubFactory(RegionFactory)
    status = RateCard.Status.PUBLISHED
    effective_from = date(2026, 4, 1)
    created_by = factory.SubFactory(UserFactory)
    published_by = factory.SelfAttribute("created_by")
    published_at = factory.LazyFunction(timezone.now)


class PriceCapFactory(factory.django.DjangoModelFactory):
    """A published cap; by default Social worker £35.00/h from 1 April 2026, open-ended."""

    class Meta:
        model = PriceCap

    region = factory.SubFactory(RegionFactory)
    role_grade = factory.LazyFunction(core_grade)
    rate_card = factory.SubFactory(
        PublishedRateCardFactory,
        region=factory.SelfAttribute("..region"),
        effective_from=factory.SelfAttribute("..effective_from"),
    )
    hourly_rate = Decimal("35.00")
    paye_hourly_rate = factory.LazyAttribute(lambda o: paye_equivalent(o.hourly_rate))
    effective_from = date(2026, 4, 1)
    effective_to = None


class ExemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exemption

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    role_grade = factory.LazyFunction(core_grade)
    hourly_rate = Decimal("40.00")
    paye_hourly_rate = factory.LazyAttribute(lambda o: paye_equivalent(o.hourly_rate))
    starts_on = date(2026, 5, 1)
    ends_on = date(2026, 10, 31)
    plan = "Recruit two permanent team managers by October and end the exemption."
    agreed_by = "Regional DCS group, 20 April 2026"
    recorded_by = factory.SubFactory(UserFactory)


CORE_RATES = {
    CoreJobType.SOCIAL_WORKER: Decimal("35.00"),
    CoreJobType.SENIOR_SOCIAL_WORKER: Decimal("37.50"),
    CoreJobType.ADVANCED_PRACTITIONER: Decimal("40.00"),
    CoreJobType.TEAM_MANAGER: Decimal("45.00"),
    CoreJobType.IRO_CP_CHAIR: Decimal("42.00"),
}


def core_grades() -> dict[str, RoleGrade]:
    """All five national grades, keyed by core type."""
    return {core_type: core_grade(core_type) for core_type in CORE_RATES}


def publish_card(region, actor, effective_from=date(2026, 4, 1), rates=None, notify=True) -> RateCard:
    """Publish a full rate card through the real services (CORE_RATES unless ``rates`` by core type)."""
    from rates.services import rate_card_draft_create, rate_card_lines_set, rate_card_publish

    grades = core_grades()
    card = rate_card_draft_create(region=region, actor=actor, from_current=False)
    rate_card_lines_set(rate_card=card, actor=actor, rates={grades[t]: v for t, v in (rates or CORE_RATES).items()})
    return rate_card_publish(rate_card=card, actor=actor, effective_from=effective_from, notify=notify)
