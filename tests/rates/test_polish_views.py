"""Issue 12, rate cards: forms accept what people type, the uplift preview and the check page compare
with the same caps, a past date says it is past, the hint's example is accepted, upcoming changes are
grouped by date with the card's notes."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from rates.models import CoreJobType, RateCard
from rates.services import rate_card_draft_create, rate_card_publish
from tests.rates.factories import publish_card
from tests.rates.test_views import freeze_today, lines_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(region, programme_manager, grades):
    return publish_card(region, programme_manager, effective_from=date(2026, 4, 1), notify=False)


@pytest.fixture
def draft(region, programme_manager, published):
    return rate_card_draft_create(region=region, actor=programme_manager, notes="Agreed by the DCS group on 3 March")


@pytest.mark.parametrize("typed", ["£36.40", "36.40", "36.4", " £ 36.40 "])
def test_money_is_accepted_as_people_type_it(client_for, draft, programme_manager, grades, typed):
    field = f"grade_{grades['social_worker'].pk}"
    client_for(programme_manager).post(
        reverse("rates:draft-edit", args=[draft.pk]), lines_post(grades, **{field: typed})
    )

    assert draft.lines.get(role_grade=grades["social_worker"]).hourly_rate == Decimal("36.40")


def test_a_comma_decimal_gets_a_message_that_says_so(client_for, draft, programme_manager, grades):
    field = f"grade_{grades['social_worker'].pk}"
    response = client_for(programme_manager).post(
        reverse("rates:draft-edit", args=[draft.pk]), lines_post(grades, **{field: "36,40"})
    )

    assert "Use a full stop, not a comma, for the decimal point: enter 36.40, not 36,40" in response.text
    assert draft.lines.get(role_grade=grades["social_worker"]).hourly_rate == Decimal("35.00")


@pytest.mark.parametrize("typed", ["2.5%", "2.5 %", "2.5"])
def test_uplift_accepts_a_percent_sign_and_preview_and_check_agree(client_for, draft, programme_manager, typed):
    client = client_for(programme_manager)

    preview = client.post(reverse("rates:draft-uplift", args=[draft.pk]), {"percent": typed})
    assert preview.status_code == 200 and "Check the rates after a 2.5% uplift" in preview.text
    assert 'data-testid="change">+2.5%' in preview.text

    client.post(reverse("rates:draft-uplift", args=[draft.pk]), {"percent": typed, "confirm": "yes"})
    check = client.get(reverse("rates:draft-check", args=[draft.pk])).text
    assert "+2.5%" in check and "Latest cap £35.00" in check


def test_preview_and_check_compare_with_the_latest_cap_even_before_it_takes_effect(
    client_for, region, draft, programme_manager, grades
):
    """An upcoming card already published: "now" on both pages is that card's caps, not today's."""
    rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=date(2027, 4, 1), notify=False)
    second = rate_card_draft_create(region=region, actor=programme_manager)
    client = client_for(programme_manager)

    preview = client.post(reverse("rates:draft-uplift", args=[second.pk]), {"percent": "2.5"}).text
    client.post(reverse("rates:draft-uplift", args=[second.pk]), {"percent": "2.5", "confirm": "yes"})
    check = client.get(reverse("rates:draft-check", args=[second.pk])).text

    assert 'data-testid="change">+2.5%' in preview
    assert "(from 1 April 2027): +2.5%" in check


def test_a_past_effective_date_says_it_is_in_the_past(client_for, draft, programme_manager):
    with freeze_today(date(2026, 11, 23)):
        response = client_for(programme_manager).post(
            reverse("rates:draft-check", args=[draft.pk]),
            {"effective_from_day": "1", "effective_from_month": "4", "effective_from_year": "2026"},
        )

    assert "1 April 2026 is in the past" in response.text
    assert "overlap" not in response.text
    draft.refresh_from_db()
    assert draft.status == RateCard.Status.DRAFT


def test_the_date_hints_own_example_is_accepted(client_for, region, draft, programme_manager):
    rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=date(2027, 4, 1), notify=False)
    second = rate_card_draft_create(region=region, actor=programme_manager)
    client = client_for(programme_manager)

    with freeze_today(date(2026, 11, 23)):
        page = client.get(reverse("rates:draft-check", args=[second.pk])).text
        assert "For example, 1 4 2028." in page
        response = client.post(
            reverse("rates:draft-check", args=[second.pk]),
            {"effective_from_day": "1", "effective_from_month": "4", "effective_from_year": "2028"},
        )

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == RateCard.Status.PUBLISHED


def test_upcoming_changes_are_grouped_by_date_with_their_notes(client_for, region, draft, programme_manager, grades):
    rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=date(2027, 4, 1), notify=False)
    later = rate_card_draft_create(region=region, actor=programme_manager, notes="2028 uplift, agreed in June")
    rate_card_publish(rate_card=later, actor=programme_manager, effective_from=date(2028, 4, 1), notify=False)

    with freeze_today(date(2026, 11, 23)):
        page = client_for(programme_manager).get(reverse("rates:region", args=[region.slug])).text

    first, second = page.index("From 1 April 2027"), page.index("From 1 April 2028")
    assert first < page.index("Agreed by the DCS group on 3 March") < second < page.index("2028 uplift, agreed in June")
    assert page.count(grades[CoreJobType.SOCIAL_WORKER].name) >= 3
