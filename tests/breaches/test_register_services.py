from datetime import date, timedelta

import pytest
from django.utils import timezone

from breaches.models import BreachRecord, BreachRequestStatus, BreachType, PreventsRepeat
from breaches.services.register import (
    breach_record_confirm,
    breach_record_create,
    breach_record_dismiss,
    breach_record_suggest,
    breach_record_update_actions,
)
from riia.errors import DomainError
from riia.models import AuditRecord
from tests.breaches.factories_register import (
    BreachRecordFactory,
    approved_breach_request,
    breach_request_with_status,
)

pytestmark = pytest.mark.django_db


def _details(**overrides):
    return {
        "breach_type": BreachType.PAY_RATE,
        "occurred_on": date(2026, 8, 14),
        "description": "Social worker at £41.00 an hour against a £35.00 cap.",
        "reason": "No other worker available.",
        "actions_taken": "Rate brought down to the cap.",
        "prevents_repeat": PreventsRepeat.YES,
        **overrides,
    }


@pytest.mark.parametrize("person", ["workforce_lead", "programme_manager"])
def test_workforce_lead_and_programme_manager_record_a_breach(request, la, person):
    actor = request.getfixturevalue(person)

    record = breach_record_create(actor=actor, local_authority=la, **_details())

    assert record.region == la.region and record.status == BreachRecord.Status.CONFIRMED
    assert record.with_permission is False and record.recorded_by == actor
    audit = AuditRecord.objects.get(action="breach_record.created")
    assert audit.actor == actor and audit.after["reason"] == "No other worker available."


@pytest.mark.parametrize(
    "person",
    [
        "dcs",
        "la_viewer",
        "second_la_lead",
        "foreign_lead",
        "foreign_programme_manager",
        "riia_member",
        "sub_regional_lead",
        "msp_uploader",
        "agency_contact",
        "nobody",
    ],
)
def test_anyone_else_cannot_record_a_breach_for_the_la(request, la, person):
    with pytest.raises(DomainError, match="workforce lead or the region's programme manager"):
        breach_record_create(actor=request.getfixturevalue(person), local_authority=la, **_details())
    assert not BreachRecord.objects.exists()


def test_programme_manager_records_for_any_la_of_their_region_only(programme_manager, second_la, foreign_la):
    assert breach_record_create(actor=programme_manager, local_authority=second_la, **_details())
    with pytest.raises(DomainError):
        breach_record_create(actor=programme_manager, local_authority=foreign_la, **_details())


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("reason", "Enter the reason for the breach."),
        ("actions_taken", "Enter the actions taken."),
        ("description", "Describe what was breached."),
    ],
)
def test_missing_text_is_refused_with_the_field_named(workforce_lead, la, field, message):
    with pytest.raises(DomainError) as error:
        breach_record_create(actor=workforce_lead, local_authority=la, **_details(**{field: "   "}))

    assert error.value.message == message and error.value.field == field
    assert not AuditRecord.objects.exists()


def test_a_breach_in_the_future_is_refused(workforce_lead, la):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError, match="today or in the past") as error:
        breach_record_create(actor=workforce_lead, local_authority=la, **_details(occurred_on=tomorrow))
    assert error.value.field == "occurred_on"


def test_an_msp_that_does_not_serve_the_la_is_refused(workforce_lead, second_la, la, msp, second_la_lead):
    with pytest.raises(DomainError, match="does not serve Coventry"):
        breach_record_create(actor=second_la_lead, local_authority=second_la, msp=msp, **_details())


def test_linking_the_las_approved_request_records_it_with_permission(workforce_lead, la):
    approved = approved_breach_request(la)

    record = breach_record_create(actor=workforce_lead, local_authority=la, breach_request=approved, **_details())

    assert record.with_permission is True and record.breach_request == approved


def test_linking_another_las_request_is_refused(workforce_lead, la, second_la):
    theirs = approved_breach_request(second_la)

    with pytest.raises(DomainError, match="belongs to another local authority") as error:
        breach_record_create(actor=workforce_lead, local_authority=la, breach_request=theirs, **_details())
    assert error.value.field == "breach_request"
    assert not BreachRecord.objects.exists()


@pytest.mark.parametrize("status", [BreachRequestStatus.AWAITING_DECISION, BreachRequestStatus.REJECTED])
def test_linking_a_request_that_is_not_approved_is_refused(workforce_lead, la, status):
    pending = breach_request_with_status(la, status)

    with pytest.raises(DomainError, match="has not been approved"):
        breach_record_create(actor=workforce_lead, local_authority=la, breach_request=pending, **_details())


def test_linking_an_approval_that_had_lapsed_is_refused(workforce_lead, la):
    lapsed = approved_breach_request(la, expires_on=date(2026, 8, 1))

    with pytest.raises(DomainError, match="ended on 1 August 2026"):
        breach_record_create(actor=workforce_lead, local_authority=la, breach_request=lapsed, **_details())


def test_workforce_lead_updates_actions_and_the_change_is_audited(workforce_lead, la):
    record = BreachRecordFactory(local_authority=la)

    breach_record_update_actions(
        actor=workforce_lead,
        breach_record=record,
        actions_taken="Recruited two permanent staff.",
        prevents_repeat=PreventsRepeat.YES,
    )

    record.refresh_from_db()
    assert record.prevents_repeat == PreventsRepeat.YES
    audit = AuditRecord.objects.get(action="breach_record.actions_updated")
    assert audit.before["actions_taken"] == "Rate reduced to the cap from the next assignment."
    assert audit.after["actions_taken"] == "Recruited two permanent staff."


@pytest.mark.parametrize("person", ["dcs", "second_la_lead", "foreign_programme_manager", "riia_member"])
def test_others_cannot_update_actions(request, la, person):
    record = BreachRecordFactory(local_authority=la)
    with pytest.raises(DomainError, match="cannot change"):
        breach_record_update_actions(
            actor=request.getfixturevalue(person), breach_record=record, actions_taken="x", prevents_repeat="yes"
        )


def test_updating_actions_to_nothing_is_refused(workforce_lead, la):
    record = BreachRecordFactory(local_authority=la)
    with pytest.raises(DomainError, match="Enter the actions taken"):
        breach_record_update_actions(
            actor=workforce_lead, breach_record=record, actions_taken="", prevents_repeat="yes"
        )


def _suggest(la, reference="placement:MSP1:row-17"):
    return breach_record_suggest(
        local_authority=la,
        breach_type=BreachType.PAY_RATE,
        occurred_on=date(2026, 9, 1),
        description="Placement above the cap with no approved breach request.",
        source_reference=reference,
    )


def test_suggestion_is_made_by_the_system_and_is_idempotent(la):
    first, created = _suggest(la)
    again, created_again = _suggest(la)

    assert created and not created_again and again.pk == first.pk
    assert first.source == BreachRecord.Source.SUGGESTED and first.status == BreachRecord.Status.SUGGESTED
    assert first.recorded_by is None
    audit = AuditRecord.objects.get(action="breach_record.suggested")
    assert audit.actor is None and audit.actor_label == "System"


def test_programme_manager_confirms_a_suggestion(programme_manager, la):
    record, _ = _suggest(la)

    breach_record_confirm(actor=programme_manager, breach_record=record)

    record.refresh_from_db()
    assert record.status == BreachRecord.Status.CONFIRMED
    with pytest.raises(DomainError, match="already confirmed"):
        breach_record_confirm(actor=programme_manager, breach_record=record)


def test_programme_manager_dismisses_a_suggestion_with_a_reason(programme_manager, la):
    record, _ = _suggest(la)

    with pytest.raises(DomainError, match="Enter why"):
        breach_record_dismiss(actor=programme_manager, breach_record=record, reason="")
    breach_record_dismiss(actor=programme_manager, breach_record=record, reason="An exemption covered it.")

    record.refresh_from_db()
    assert record.status == BreachRecord.Status.DISMISSED
    assert AuditRecord.objects.get(action="breach_record.dismissed").after["note"] == "An exemption covered it."
    again, created = _suggest(la)
    assert not created and again.status == BreachRecord.Status.DISMISSED


@pytest.mark.parametrize("person", ["workforce_lead", "foreign_programme_manager", "riia_member"])
def test_only_the_regions_programme_manager_reviews_suggestions(request, la, person):
    record, _ = _suggest(la)
    with pytest.raises(DomainError, match="Only the region's programme manager"):
        breach_record_confirm(actor=request.getfixturevalue(person), breach_record=record)


def test_a_recorded_breach_is_not_a_suggestion_to_review(programme_manager, la):
    record = BreachRecordFactory(local_authority=la)
    with pytest.raises(DomainError, match="already confirmed"):
        breach_record_dismiss(actor=programme_manager, breach_record=record, reason="no")


@pytest.mark.parametrize(
    ("quarter", "bounds"),
    [
        ("2026-Q1", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2026-Q3", (date(2026, 7, 1), date(2026, 9, 30))),
        ("2026-Q4", (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_quarters_are_calendar_quarters(quarter, bounds):
    from breaches.selectors.register import quarter_bounds, quarter_of

    assert quarter_bounds(quarter) == bounds
    assert quarter_of(bounds[0]) == quarter_of(bounds[1]) == quarter
