from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from rates.lookup import cap_lookup, paye_equivalent
from rates.models import CoreJobType, Exemption, PriceCap, RateCard
from rates.services import (
    exemption_record,
    exemption_revoke,
    exemptions_expire,
    exemptions_warn_ending,
    rate_card_discard,
    rate_card_draft_create,
    rate_card_lines_set,
    rate_card_publish,
    rate_card_uplift,
    rate_card_uplift_preview,
    uplift_rate,
)
from riia.errors import DomainError
from riia.models import AuditRecord, Notification
from riia.tasks import notification_digests_send
from tests.rates.factories import CORE_RATES, ExemptionFactory, RoleGradeFactory, core_grade, publish_card

pytestmark = pytest.mark.django_db

SW = CoreJobType.SOCIAL_WORKER


@pytest.fixture
def published(region, programme_manager, grades):
    return publish_card(region, programme_manager, effective_from=date(2026, 4, 1), notify=False)


@pytest.fixture
def draft(region, programme_manager, published):
    return rate_card_draft_create(region=region, actor=programme_manager)


# --- Drafting ---------------------------------------------------------------------------------


def test_draft_starts_from_the_latest_caps(draft):
    assert {line.role_grade.core_type: line.hourly_rate for line in draft.lines.all()} == CORE_RATES
    assert AuditRecord.objects.filter(action="rate_card.drafted", object_id=str(draft.pk)).exists()


def test_draft_can_start_blank(region, programme_manager, published):
    card = rate_card_draft_create(region=region, actor=programme_manager, from_current=False)

    assert card.lines.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("0"), "must be more than £0"),
        (Decimal("-1.00"), "must be more than £0"),
        (Decimal("35.005"), "in pounds and pence"),
        (Decimal("150.01"), "must be £150.00 or less"),
        (Decimal("NaN"), "as an amount in pounds"),
    ],
)
def test_bad_rate_is_refused_with_a_clear_message_and_nothing_saved(draft, programme_manager, grades, value, message):
    with pytest.raises(DomainError, match=message) as error:
        rate_card_lines_set(rate_card=draft, actor=programme_manager, rates={grades[SW]: value})

    assert error.value.field == f"grade_{grades[SW].pk}"
    assert draft.lines.get(role_grade=grades[SW]).hourly_rate == Decimal("35.00")


def test_lines_cannot_use_another_regions_local_grade(draft, programme_manager, other_region):
    foreign_grade = RoleGradeFactory(region=other_region)

    with pytest.raises(DomainError, match="grade of another region"):
        rate_card_lines_set(rate_card=draft, actor=programme_manager, rates={foreign_grade: Decimal("30.00")})


# --- Uplift -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "percent", "expected"),
    [
        (Decimal("35.00"), Decimal("3"), Decimal("36.05")),
        (Decimal("37.50"), Decimal("3"), Decimal("38.63")),  # 38.625 rounds half up
        (Decimal("40.50"), Decimal("1"), Decimal("40.91")),  # 40.905: half up, not to even
        (Decimal("33.33"), Decimal("2.5"), Decimal("34.16")),  # 34.16325
        (Decimal("40.00"), Decimal("-2"), Decimal("39.20")),
    ],
)
def test_uplift_rounds_half_up_to_the_penny(rate, percent, expected):
    assert uplift_rate(hourly_rate=rate, percent=percent) == expected


def test_uplift_preview_computes_without_saving(draft):
    preview = rate_card_uplift_preview(rate_card=draft, percent=Decimal("3"))

    assert {p.role_grade.core_type: p.new_hourly_rate for p in preview}[SW] == Decimal("36.05")
    assert draft.lines.get(role_grade__core_type=SW).hourly_rate == Decimal("35.00")
    assert not AuditRecord.objects.filter(action="rate_card.uplifted").exists()


def test_uplift_saves_what_the_preview_showed(draft, programme_manager):
    shown = rate_card_uplift_preview(rate_card=draft, percent=Decimal("3"))

    rate_card_uplift(rate_card=draft, actor=programme_manager, percent=Decimal("3"))

    saved = {line.role_grade_id: line.hourly_rate for line in draft.lines.all()}
    assert saved == {p.role_grade.pk: p.new_hourly_rate for p in shown}
    assert AuditRecord.objects.get(action="rate_card.uplifted").after["percent"] == "3"


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        (Decimal("0"), "not 0"),
        (Decimal("101"), "between -50% and 100%"),
        (Decimal("2.555"), "at most 2 decimal places"),
        (Decimal("Infinity"), "as a percentage"),
    ],
)
def test_bad_uplift_is_refused(draft, programme_manager, percent, message):
    with pytest.raises(DomainError, match=message):
        rate_card_uplift(rate_card=draft, actor=programme_manager, percent=percent)

    assert draft.lines.get(role_grade__core_type=SW).hourly_rate == Decimal("35.00")


def test_uplift_that_would_breach_the_sanity_bound_is_refused(region, programme_manager, grades):
    card = rate_card_draft_create(region=region, actor=programme_manager, from_current=False)
    rate_card_lines_set(rate_card=card, actor=programme_manager, rates={grades[SW]: Decimal("100.00")})

    with pytest.raises(DomainError, match="after the uplift must be £150.00 or less"):
        rate_card_uplift(rate_card=card, actor=programme_manager, percent=Decimal("60"))


# --- Publishing -------------------------------------------------------------------------------


def test_publish_creates_caps_with_paye_and_closes_the_previous_period(
    draft, published, programme_manager, region, grades
):
    rate_card_uplift(rate_card=draft, actor=programme_manager, percent=Decimal("3"))

    rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=date(2027, 4, 1))

    draft.refresh_from_db()
    assert draft.status == RateCard.Status.PUBLISHED and draft.published_by == programme_manager
    old = PriceCap.objects.get(rate_card=published, role_grade=grades[SW])
    new = PriceCap.objects.get(rate_card=draft, role_grade=grades[SW])
    assert old.effective_to == date(2027, 3, 31)
    assert (new.hourly_rate, new.paye_hourly_rate, new.effective_to) == (
        Decimal("36.05"),
        paye_equivalent(Decimal("36.05")),
        None,
    )
    assert AuditRecord.objects.filter(action="price_cap.closed").count() == 5
    published_audit = AuditRecord.objects.get(action="rate_card.published", object_id=str(draft.pk))
    assert published_audit.actor == programme_manager
    assert published_audit.after["caps"]["Social worker"] == "36.05"


def test_lookup_at_the_boundary_between_two_published_cards(draft, published, programme_manager, region, grades):
    rate_card_uplift(rate_card=draft, actor=programme_manager, percent=Decimal("3"))
    rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=date(2027, 4, 1))

    def cap_on(day):
        return cap_lookup(region=region, role_grade=grades[SW], on=day).cap

    assert cap_on(date(2026, 4, 1)) == Decimal("35.00")  # first day of the first card
    assert cap_on(date(2027, 3, 31)) == Decimal("35.00")  # its last day
    assert cap_on(date(2027, 4, 1)) == Decimal("36.05")  # first day of the next


def test_publish_notifies_every_la_member_of_the_region_in_app_and_in_the_daily_email(
    region,
    programme_manager,
    grades,
    workforce_lead,
    la_viewer,
    second_la_lead,
    foreign_lead,
    riia_member,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_card(region, programme_manager)

    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert told == {workforce_lead.email, la_viewer.email, second_la_lead.email}
    assert mail.outbox == []  # region-wide news: in the daily digest by default (issue 12)
    notification_digests_send()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(told)
    assert "New price caps for West Midlands from 1 April 2026" in mail.outbox[0].body


def test_rate_card_missing_a_core_role_is_not_published(region, programme_manager, grades):
    card = rate_card_draft_create(region=region, actor=programme_manager, from_current=False)
    rate_card_lines_set(
        rate_card=card,
        actor=programme_manager,
        rates={grades[t]: v for t, v in CORE_RATES.items() if t != CoreJobType.TEAM_MANAGER},
    )

    with pytest.raises(DomainError, match="Enter a cap for every core role: Team manager not priced yet"):
        rate_card_publish(rate_card=card, actor=programme_manager, effective_from=date(2026, 4, 1))

    card.refresh_from_db()
    assert card.status == RateCard.Status.DRAFT and not PriceCap.objects.exists()


@pytest.mark.parametrize("effective_from", [date(2026, 4, 1), date(2025, 4, 1)])
def test_overlapping_period_is_refused_naming_role_and_dates(
    draft, published, programme_manager, grades, effective_from
):
    with pytest.raises(DomainError) as error:
        rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=effective_from)

    assert any(f"{g.name} already has a cap from 1 April 2026" in error.value.message for g in grades.values())
    assert "Enter a date after 1 April 2026" in error.value.message
    assert error.value.field == "effective_from"
    draft.refresh_from_db()
    assert draft.status == RateCard.Status.DRAFT
    assert PriceCap.objects.filter(effective_to__isnull=True).count() == 5
    assert not PriceCap.objects.filter(rate_card=draft).exists()


def test_overlap_with_a_cap_already_closed_later_is_refused(draft, published, programme_manager):
    PriceCap.objects.filter(rate_card=published).update(effective_to=date(2026, 12, 31))

    with pytest.raises(DomainError, match=r"from 1 April 2026 to 31 December 2026\. Enter a date after 31 December"):
        rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=date(2026, 6, 1))


def test_publish_without_an_effective_date_is_refused(draft, programme_manager):
    with pytest.raises(DomainError, match="Enter the date the new caps take effect"):
        rate_card_publish(rate_card=draft, actor=programme_manager, effective_from=None)


def test_published_card_cannot_be_changed_or_published_again(published, programme_manager, grades):
    with pytest.raises(DomainError, match="already been published"):
        rate_card_lines_set(rate_card=published, actor=programme_manager, rates={grades[SW]: Decimal("30.00")})
    with pytest.raises(DomainError, match="already been published"):
        rate_card_publish(rate_card=published, actor=programme_manager, effective_from=date(2028, 1, 1))


@pytest.mark.parametrize("person", ["foreign_programme_manager", "workforce_lead", "riia_member", "nobody"])
def test_only_the_regions_programme_manager_may_draft_change_or_publish(request, draft, region, grades, person):
    user = request.getfixturevalue(person)

    with pytest.raises(DomainError, match="Only the programme manager of West Midlands"):
        rate_card_draft_create(region=region, actor=user)
    with pytest.raises(DomainError, match="Only the programme manager of West Midlands"):
        rate_card_lines_set(rate_card=draft, actor=user, rates={grades[SW]: Decimal("30.00")})
    with pytest.raises(DomainError, match="Only the programme manager of West Midlands"):
        rate_card_publish(rate_card=draft, actor=user, effective_from=date(2027, 4, 1))
    draft.refresh_from_db()
    assert draft.status == RateCard.Status.DRAFT


def test_discard_deletes_the_draft_and_audits(draft, programme_manager):
    rate_card_discard(rate_card=draft, actor=programme_manager)

    assert not RateCard.objects.filter(pk=draft.pk).exists()
    assert AuditRecord.objects.filter(action="rate_card.discarded", object_id=str(draft.pk)).exists()


# --- Exemptions -------------------------------------------------------------------------------


@pytest.fixture
def exemption_input(la, grades, today):
    return {
        "local_authority": la,
        "role_grade": grades[CoreJobType.TEAM_MANAGER],
        "hourly_rate": Decimal("48.00"),
        "starts_on": today,
        "ends_on": today + timedelta(days=180),
        "plan": "Recruit two permanent team managers and end the exemption.",
        "agreed_by": "Regional DCS group, 3 March",
    }


def test_exemption_recorded_raises_the_allowed_rate_for_that_la_while_in_date(
    published, region, la, second_la, programme_manager, workforce_lead, exemption_input, today
):
    exemption = exemption_record(actor=programme_manager, **exemption_input)

    grade = exemption_input["role_grade"]
    with_exemption = cap_lookup(region=region, role_grade=grade, on=today, local_authority=la)
    without = cap_lookup(region=region, role_grade=grade, on=today, local_authority=second_la)
    after_end = cap_lookup(
        region=region, role_grade=grade, on=exemption.ends_on + timedelta(days=1), local_authority=la
    )
    assert (with_exemption.cap, with_exemption.allowed_rate, with_exemption.exemption_id) == (
        Decimal("45.00"),
        Decimal("48.00"),
        exemption.pk,
    )
    assert without.allowed_rate == Decimal("45.00")
    assert after_end.allowed_rate == Decimal("45.00")
    assert exemption.paye_hourly_rate == paye_equivalent(Decimal("48.00"))
    assert AuditRecord.objects.get(action="exemption.recorded").after["plan"].startswith("Recruit")
    assert Notification.objects.filter(recipient=workforce_lead).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_on": None}, "ends_on", "every exemption must have an end date"),
        ({"plan": "  "}, "plan", "Enter the plan"),
        ({"agreed_by": ""}, "agreed_by", "Enter who agreed the exemption"),
        ({"hourly_rate": Decimal("0")}, "hourly_rate", "must be more than £0"),
        ({"hourly_rate": Decimal("-5")}, "hourly_rate", "must be more than £0"),
        ({"hourly_rate": Decimal("48.001")}, "hourly_rate", "pounds and pence"),
        ({"hourly_rate": Decimal("151")}, "hourly_rate", "£150.00 or less"),
        ({"hourly_rate": Decimal("45.00")}, "hourly_rate", "must be above the cap of £45.00"),
        ({"starts_on": None}, "starts_on", "Enter the date the exemption starts"),
        ({"role_grade": None}, "role_grade", "Select the role"),
    ],
)
def test_bad_exemption_is_refused_and_nothing_saved(
    published, programme_manager, exemption_input, change, field, message
):
    with pytest.raises(DomainError, match=message) as error:
        exemption_record(actor=programme_manager, **{**exemption_input, **change})

    assert error.value.field == field
    assert not Exemption.objects.exists()


def test_exemption_ending_before_it_starts_is_refused(published, programme_manager, exemption_input, today):
    with pytest.raises(DomainError, match="same as or after the start date"):
        exemption_record(
            actor=programme_manager, **{**exemption_input, "starts_on": today + timedelta(days=5), "ends_on": today}
        )
    assert not Exemption.objects.exists()


def test_exemption_for_an_la_outside_the_programme_managers_region_is_refused(
    published, programme_manager, exemption_input, foreign_la
):
    with pytest.raises(DomainError, match="Camden is not in your region") as error:
        exemption_record(actor=programme_manager, **{**exemption_input, "local_authority": foreign_la})

    assert error.value.field == "local_authority"
    assert not Exemption.objects.exists()


def test_overlapping_exemption_for_the_same_la_and_role_is_refused(
    published, programme_manager, exemption_input, today
):
    exemption_record(actor=programme_manager, **exemption_input)

    with pytest.raises(DomainError, match="already has an exemption for Team manager"):
        exemption_record(actor=programme_manager, **{**exemption_input, "starts_on": today + timedelta(days=30)})
    assert Exemption.objects.count() == 1


@pytest.mark.parametrize("person", ["foreign_programme_manager", "workforce_lead", "riia_member"])
def test_only_the_regions_programme_manager_records_exemptions(request, published, exemption_input, person):
    with pytest.raises(DomainError, match="not in your region"):
        exemption_record(actor=request.getfixturevalue(person), **exemption_input)


def test_revoked_exemption_no_longer_raises_the_allowed_rate(
    published, region, la, programme_manager, exemption_input, today
):
    exemption = exemption_record(actor=programme_manager, **exemption_input)

    exemption_revoke(exemption=exemption, actor=programme_manager, reason="Posts filled permanently")

    answer = cap_lookup(region=region, role_grade=exemption.role_grade, on=today, local_authority=la)
    assert answer.allowed_rate == Decimal("45.00") and answer.exemption_id is None
    assert AuditRecord.objects.get(action="exemption.revoked").after["reason"] == "Posts filled permanently"
    with pytest.raises(DomainError, match="already revoked"):
        exemption_revoke(exemption=exemption, actor=programme_manager, reason="again")


def test_revoke_needs_a_reason_and_the_regions_programme_manager(
    published, programme_manager, foreign_programme_manager, exemption_input
):
    exemption = exemption_record(actor=programme_manager, **exemption_input)

    with pytest.raises(DomainError, match="Enter why"):
        exemption_revoke(exemption=exemption, actor=programme_manager, reason=" ")
    with pytest.raises(DomainError, match="Only the programme manager"):
        exemption_revoke(exemption=exemption, actor=foreign_programme_manager, reason="no")
    exemption.refresh_from_db()
    assert exemption.status == Exemption.Status.ACTIVE


def test_warning_goes_once_to_the_la_and_programme_manager_14_days_before_the_end(
    la, programme_manager, workforce_lead, second_la_lead, today
):
    due = ExemptionFactory(local_authority=la, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=14))
    ExemptionFactory(local_authority=la, starts_on=today, ends_on=today + timedelta(days=15))  # not yet

    assert exemptions_warn_ending(today=today) == 1
    assert exemptions_warn_ending(today=today) == 0

    due.refresh_from_db()
    assert due.ending_warning_sent_at is not None
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert told == {workforce_lead.email, programme_manager.email}
    assert Notification.objects.first().subject.startswith("Exemption ending in 14 days")
    record = AuditRecord.objects.get(action="exemption.ending_warning_sent")
    assert record.actor is None and record.actor_label == "System"


def test_expire_marks_exemptions_past_their_end_date_once(la, today):
    ended = ExemptionFactory(
        local_authority=la, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)
    )
    last_day = ExemptionFactory(local_authority=la, starts_on=today - timedelta(days=30), ends_on=today)

    assert exemptions_expire(today=today) == 1
    assert exemptions_expire(today=today) == 0

    ended.refresh_from_db()
    last_day.refresh_from_db()
    assert (ended.status, last_day.status) == (Exemption.Status.EXPIRED, Exemption.Status.ACTIVE)
    assert AuditRecord.objects.get(action="exemption.expired").actor is None


def test_local_grade_can_be_priced_on_the_card(region, programme_manager, grades):
    local = RoleGradeFactory(region=region, core_type=CoreJobType.SOCIAL_WORKER, name="Experienced social worker")
    card = rate_card_draft_create(region=region, actor=programme_manager, from_current=False)
    rate_card_lines_set(
        rate_card=card,
        actor=programme_manager,
        rates={**{grades[t]: v for t, v in CORE_RATES.items()}, local: Decimal("36.50")},
    )
    rate_card_publish(rate_card=card, actor=programme_manager, effective_from=date(2026, 4, 1))

    assert cap_lookup(region=region, role_grade=local, on=date(2026, 5, 1)).cap == Decimal("36.50")
    assert cap_lookup(region=region, role_grade=core_grade(), on=date(2026, 5, 1)).cap == Decimal("35.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_publishes_for_one_region_cannot_both_succeed(region, programme_manager, grades):
    import threading

    publish_card(region, programme_manager, effective_from=date(2026, 4, 1), notify=False)
    drafts = [rate_card_draft_create(region=region, actor=programme_manager) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(card):
        try:
            barrier.wait()
            rate_card_publish(rate_card=card, actor=programme_manager, effective_from=date(2027, 4, 1), notify=False)
            outcomes.append("published")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(card,)) for card in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[1] == "published" and "The caps would overlap" in sorted(outcomes)[0]
    assert PriceCap.objects.filter(effective_from=date(2027, 4, 1)).count() == 5
