from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from rates.lookup import cap_lookup, cap_table_load, paye_equivalent
from rates.models import CoreJobType, EngagementType, PriceCap
from tests.rates.factories import ExemptionFactory, PriceCapFactory, RoleGradeFactory, core_grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def caps(region):
    """Social worker £33.00 from 1 April 2025 to 31 March 2026, then £35.00 open-ended."""
    old = PriceCapFactory(
        region=region, hourly_rate=Decimal("33.00"), effective_from=date(2025, 4, 1), effective_to=date(2026, 3, 31)
    )
    new = PriceCapFactory(region=region, hourly_rate=Decimal("35.00"), effective_from=date(2026, 4, 1))
    return old, new


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 3, 31), None),
        (date(2025, 4, 1), Decimal("33.00")),  # first day of the first period
        (date(2026, 3, 31), Decimal("33.00")),  # last day of the first period
        (date(2026, 4, 1), Decimal("35.00")),  # first day of the next
        (date(2030, 1, 1), Decimal("35.00")),  # open-ended
    ],
)
def test_lookup_at_period_boundaries(caps, region, on, expected):
    answer = cap_lookup(region=region, role_grade=core_grade(), on=on)

    assert (answer.cap if answer else None) == expected


def test_paye_cap_is_the_stored_equivalent(caps, region):
    answer = cap_lookup(
        region=region, role_grade=core_grade(), on=date(2026, 6, 1), engagement_type=EngagementType.PAYE
    )

    assert answer.cap == paye_equivalent(Decimal("35.00")) == Decimal("27.04")


def test_live_exemption_raises_the_allowed_rate_for_that_la_only(caps, region, la, second_la):
    ExemptionFactory(
        local_authority=la, hourly_rate=Decimal("40.00"), starts_on=date(2026, 5, 1), ends_on=date(2026, 10, 31)
    )

    with_exemption = cap_lookup(region=region, role_grade=core_grade(), on=date(2026, 10, 31), local_authority=la)
    other_la = cap_lookup(region=region, role_grade=core_grade(), on=date(2026, 10, 31), local_authority=second_la)
    after_end = cap_lookup(region=region, role_grade=core_grade(), on=date(2026, 11, 1), local_authority=la)

    assert (with_exemption.cap, with_exemption.allowed_rate) == (Decimal("35.00"), Decimal("40.00"))
    assert other_la.allowed_rate == Decimal("35.00")
    assert after_end.allowed_rate == Decimal("35.00") and after_end.exemption_id is None


def test_local_grade_without_its_own_cap_uses_its_core_type(caps, region):
    experienced = RoleGradeFactory(region=region, core_type=CoreJobType.SOCIAL_WORKER, name="Experienced social worker")

    answer = cap_lookup(region=region, role_grade=experienced, on=date(2026, 6, 1))

    assert answer.cap == Decimal("35.00")


def test_bulk_table_answers_many_rows_without_more_queries(caps, region, la, django_assert_num_queries):
    table = cap_table_load(region=region)

    with django_assert_num_queries(0):
        answers = [
            table.lookup(
                role_grade_id=caps[0].role_grade_id,
                on=date(2026, 1, d),
                engagement_type="umbrella",
                local_authority_id=la.pk,
            )
            for d in range(1, 29)
        ]
    assert {a.cap for a in answers} == {Decimal("33.00")}


def test_one_table_answers_each_grade_engagement_and_exemption_in_any_order(caps, region, la, second_la):
    """The table reuses answers between rows: each must still be the one for its own row."""
    ExemptionFactory(
        local_authority=la, hourly_rate=Decimal("40.00"), starts_on=date(2026, 5, 1), ends_on=date(2026, 10, 31)
    )
    local = RoleGradeFactory(region=region, core_type=CoreJobType.SOCIAL_WORKER, name="Experienced social worker")
    table = cap_table_load(region=region)
    social = core_grade().pk

    def ask(grade, on, engagement="umbrella", la_id=None):
        answer = table.lookup(role_grade_id=grade, on=on, engagement_type=engagement, local_authority_id=la_id)
        return answer.role_grade_id, answer.engagement_type, answer.cap, answer.allowed_rate

    for _ in range(2):
        assert ask(social, date(2026, 6, 1), la_id=la.pk) == (social, "umbrella", Decimal("35.00"), Decimal("40.00"))
        assert ask(social, date(2026, 6, 1), la_id=second_la.pk) == (
            social,
            "umbrella",
            Decimal("35.00"),
            Decimal("35.00"),
        )
        assert ask(social, date(2026, 11, 1), la_id=la.pk)[3] == Decimal("35.00")
        assert ask(social, date(2026, 6, 1), "paye") == (social, "paye", Decimal("27.04"), Decimal("27.04"))
        assert ask(local.pk, date(2026, 6, 1)) == (local.pk, "umbrella", Decimal("35.00"), Decimal("35.00"))
        assert ask(social, date(2026, 1, 1))[2] == Decimal("33.00")


def test_over_by_amount_and_percent(caps, region):
    answer = cap_lookup(region=region, role_grade=core_grade(), on=date(2026, 6, 1))

    assert answer.over_by(Decimal("38.50")) == Decimal("3.50")
    assert answer.over_by_percent(Decimal("38.50")) == Decimal("10.0")
    assert answer.over_by(Decimal("30.00")) == Decimal("0.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_database_refuses_overlapping_cap_periods(caps, region):
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceCap.objects.create(
            region=region,
            role_grade=core_grade(),
            rate_card=caps[1].rate_card,
            hourly_rate=Decimal("36.00"),
            paye_hourly_rate=Decimal("28.00"),
            effective_from=date(2026, 3, 31),
        )


def test_cap_table_maps_the_region_grade_codes_to_ids(region, other_region):
    from rates.lookup import cap_table_load
    from tests.rates.factories import RoleGradeFactory, core_grade

    national = core_grade()
    own = RoleGradeFactory(region=region, code="wm-assistant-team-manager")
    RoleGradeFactory(region=other_region, code="london-practice-lead")

    table = cap_table_load(region=region)

    assert table.grade_ids_by_code == {national.code: national.pk, own.code: own.pk}
