from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from breaches.models import BreachRecord, Sanction, SanctionPolicy, TrainingFundEntry
from breaches.selectors.sanctions import training_fund_balance, training_fund_ledger
from breaches.services.sanctions import (
    fund_spend_record,
    sanction_issue,
    sanction_mark_paid,
    sanction_policy_create,
    sanction_policy_update,
    sanction_waive,
)
from riia.errors import DomainError
from riia.models import AuditRecord, Notification
from tests.breaches.factories_register import BreachRecordFactory, SanctionFactory, SanctionPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fine_policy(region):
    return SanctionPolicyFactory(region=region)


@pytest.fixture
def warning_policy(region):
    return SanctionPolicyFactory(region=region, name="Warning", kind=SanctionPolicy.Kind.WARNING, default_amount=None)


@pytest.fixture
def record(la, agency):
    return BreachRecordFactory(local_authority=la, agency=agency)


@pytest.fixture
def issued_fine(fine_policy, la, record):
    return SanctionFactory(policy=fine_policy, local_authority=la, breach_records=[record])


# --- Policies ---


def test_programme_manager_creates_a_fine_policy(programme_manager, region):
    policy = sanction_policy_create(
        actor=programme_manager, region=region, name="Fine", kind="fine", default_amount=Decimal("250.00")
    )
    assert policy.default_amount == Decimal("250.00")
    assert AuditRecord.objects.get(action="sanction_policy.created").after["default_amount"] == "250.00"


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        ("fine", None, "Enter the amount of the fine"),
        ("fine", Decimal("0"), "Enter the amount of the fine"),
        ("warning", Decimal("10"), "Only a fine has an amount"),
        ("nonsense", None, "Select the kind"),
    ],
)
def test_a_policy_with_the_wrong_amount_is_refused(programme_manager, region, kind, amount, message):
    with pytest.raises(DomainError, match=message):
        sanction_policy_create(actor=programme_manager, region=region, name="P", kind=kind, default_amount=amount)
    assert not SanctionPolicy.objects.exists()


def test_a_second_policy_with_the_same_name_is_refused(programme_manager, region, fine_policy):
    with pytest.raises(DomainError, match="already has a policy called"):
        sanction_policy_create(actor=programme_manager, region=region, name=fine_policy.name.upper(), kind="warning")


@pytest.mark.parametrize("person", ["foreign_programme_manager", "riia_member", "workforce_lead", "dcs"])
def test_only_the_regions_programme_manager_manages_policies(request, region, fine_policy, person):
    actor = request.getfixturevalue(person)
    with pytest.raises(DomainError, match="Only the programme manager of West Midlands"):
        sanction_policy_create(actor=actor, region=region, name="W", kind="warning")
    with pytest.raises(DomainError, match="Only the programme manager of West Midlands"):
        sanction_policy_update(
            actor=actor, policy=fine_policy, name="x", description="", default_amount=None, is_active=False
        )


def test_programme_manager_updates_a_policy_and_the_change_is_audited(programme_manager, fine_policy):
    sanction_policy_update(
        actor=programme_manager,
        policy=fine_policy,
        name=fine_policy.name,
        description="Raised in 2026.",
        default_amount=Decimal("300.00"),
        is_active=True,
    )
    audit = AuditRecord.objects.get(action="sanction_policy.updated")
    assert audit.before["default_amount"] == "250.00" and audit.after["default_amount"] == "300.00"


# --- Issuing ---


def test_programme_manager_fines_an_la_at_the_policy_amount_and_the_la_is_told(
    programme_manager, fine_policy, la, record, workforce_lead, dcs, la_viewer
):
    sanction = sanction_issue(
        actor=programme_manager,
        policy=fine_policy,
        local_authority=la,
        breach_records=[record],
        reason="Breached the cap without permission.",
    )

    assert sanction.amount == Decimal("250.00") and sanction.status == Sanction.Status.ISSUED
    assert list(sanction.breach_records.all()) == [record]
    assert set(Notification.objects.values_list("recipient", flat=True)) == {workforce_lead.pk, dcs.pk}
    audit = AuditRecord.objects.get(action="sanction.issued")
    assert audit.after["breach_record_ids"] == [record.pk] and audit.after["amount"] == "250.00"


def test_the_fine_amount_can_be_set_by_the_programme_manager(programme_manager, fine_policy, la, record):
    sanction = sanction_issue(
        actor=programme_manager,
        policy=fine_policy,
        local_authority=la,
        breach_records=[record],
        reason="Second breach",
        amount=Decimal("500.00"),
    )
    assert sanction.amount == Decimal("500.00")


def test_a_warning_to_an_msp_notifies_its_people(
    programme_manager, warning_policy, record, msp, msp_viewer, msp_uploader
):
    sanction = sanction_issue(
        actor=programme_manager,
        policy=warning_policy,
        msp=msp,
        breach_records=[record],
        reason="Supplied above the cap.",
    )
    assert sanction.amount is None
    assert set(Notification.objects.values_list("recipient", flat=True)) == {msp_viewer.pk, msp_uploader.pk}


def test_an_agency_named_on_the_breach_can_be_sanctioned(
    programme_manager, warning_policy, record, agency, agency_contact
):
    sanction_issue(
        actor=programme_manager,
        policy=warning_policy,
        agency=agency,
        breach_records=[record],
        reason="Advertised above the cap.",
    )
    assert Notification.objects.get().recipient == agency_contact


@pytest.mark.parametrize("targets", [{}, {"local_authority": "la", "msp": "msp"}, {"msp": "msp", "agency": "agency"}])
def test_a_sanction_needs_exactly_one_target(request, programme_manager, fine_policy, record, targets):
    kwargs = {name: request.getfixturevalue(fixture) for name, fixture in targets.items()}
    with pytest.raises(DomainError, match="Choose one local authority, MSP or agency"):
        sanction_issue(actor=programme_manager, policy=fine_policy, breach_records=[record], reason="r", **kwargs)
    assert not Sanction.objects.exists() and not Notification.objects.exists()


def test_a_sanction_needs_a_breach(programme_manager, fine_policy, la):
    with pytest.raises(DomainError, match="at least one breach"):
        sanction_issue(actor=programme_manager, policy=fine_policy, local_authority=la, breach_records=[], reason="r")


def test_a_sanction_needs_a_reason(programme_manager, fine_policy, la, record):
    with pytest.raises(DomainError, match="Enter the reason"):
        sanction_issue(
            actor=programme_manager, policy=fine_policy, local_authority=la, breach_records=[record], reason=" "
        )


def test_another_regions_la_or_breach_is_refused(programme_manager, fine_policy, la, foreign_la, record):
    foreign_record = BreachRecordFactory(local_authority=foreign_la)
    with pytest.raises(DomainError, match="Camden is not in West Midlands"):
        sanction_issue(
            actor=programme_manager, policy=fine_policy, local_authority=foreign_la, breach_records=[record], reason="r"
        )
    with pytest.raises(DomainError, match="recorded in West Midlands"):
        sanction_issue(
            actor=programme_manager, policy=fine_policy, local_authority=la, breach_records=[foreign_record], reason="r"
        )


def test_an_la_is_sanctioned_only_for_its_own_breaches(programme_manager, fine_policy, la, second_la):
    theirs = BreachRecordFactory(local_authority=second_la)
    with pytest.raises(DomainError, match=r"include other local authorities \(Coventry\)"):
        sanction_issue(
            actor=programme_manager, policy=fine_policy, local_authority=la, breach_records=[theirs], reason="r"
        )


def test_an_unrelated_msp_or_agency_is_refused(programme_manager, warning_policy, second_la, record):
    from tests.riia.factories import AgencyFactory, MSPFactory

    elsewhere = MSPFactory(name="Elsewhere MSP")
    with pytest.raises(DomainError, match="does not serve any local authority in West Midlands"):
        sanction_issue(
            actor=programme_manager, policy=warning_policy, msp=elsewhere, breach_records=[record], reason="r"
        )
    with pytest.raises(DomainError, match="is not named on any of the breaches"):
        sanction_issue(
            actor=programme_manager, policy=warning_policy, agency=AgencyFactory(), breach_records=[record], reason="r"
        )


def test_a_suggested_breach_must_be_confirmed_first(programme_manager, fine_policy, la):
    suggested = BreachRecordFactory(
        local_authority=la, source="suggested", status="suggested", source_reference="row-1"
    )
    with pytest.raises(DomainError, match="Confirm a suggested breach"):
        sanction_issue(
            actor=programme_manager, policy=fine_policy, local_authority=la, breach_records=[suggested], reason="r"
        )


def test_a_warning_has_no_amount_and_an_inactive_policy_is_refused(
    programme_manager, warning_policy, fine_policy, la, record
):
    with pytest.raises(DomainError, match="has no amount"):
        sanction_issue(
            actor=programme_manager,
            policy=warning_policy,
            local_authority=la,
            breach_records=[record],
            reason="r",
            amount=Decimal("5"),
        )
    fine_policy.is_active = False
    fine_policy.save()
    with pytest.raises(DomainError, match="no longer in use"):
        sanction_issue(
            actor=programme_manager, policy=fine_policy, local_authority=la, breach_records=[record], reason="r"
        )


def test_a_programme_manager_of_another_region_cannot_issue(foreign_programme_manager, fine_policy, la, record):
    with pytest.raises(DomainError, match="Only the programme manager of West Midlands"):
        sanction_issue(
            actor=foreign_programme_manager, policy=fine_policy, local_authority=la, breach_records=[record], reason="r"
        )


# --- Paying, waiving and the fund ---


def test_paying_a_fine_puts_it_into_the_training_fund(programme_manager, issued_fine, region):
    sanction_mark_paid(actor=programme_manager, sanction=issued_fine)

    issued_fine.refresh_from_db()
    assert issued_fine.status == Sanction.Status.PAID and issued_fine.paid_on == timezone.localdate()
    entry = TrainingFundEntry.objects.get()
    assert entry.kind == TrainingFundEntry.Kind.FINE_PAID and entry.amount == Decimal("250.00")
    assert training_fund_balance(region=region) == Decimal("250.00")
    assert {a.action for a in AuditRecord.objects.all()} == {"sanction.paid", "training_fund.fine_paid"}


def test_paying_twice_is_refused(programme_manager, issued_fine):
    sanction_mark_paid(actor=programme_manager, sanction=issued_fine)
    with pytest.raises(DomainError, match="already paid"):
        sanction_mark_paid(actor=programme_manager, sanction=issued_fine)
    assert TrainingFundEntry.objects.count() == 1


def test_paid_on_cannot_be_in_the_future_or_before_issue(programme_manager, issued_fine):
    for day in (timezone.localdate() + timedelta(days=1), issued_fine.issued_on - timedelta(days=1)):
        with pytest.raises(DomainError) as error:
            sanction_mark_paid(actor=programme_manager, sanction=issued_fine, paid_on=day)
        assert error.value.field == "paid_on"
    assert not TrainingFundEntry.objects.exists()


def test_a_warning_cannot_be_paid(programme_manager, warning_policy, la, record):
    warning = SanctionFactory(policy=warning_policy, local_authority=la, amount=None, breach_records=[record])
    with pytest.raises(DomainError, match="only fines are"):
        sanction_mark_paid(actor=programme_manager, sanction=warning)


def test_waiving_needs_a_reason_and_then_cannot_be_paid(programme_manager, issued_fine):
    with pytest.raises(DomainError, match="Enter why"):
        sanction_waive(actor=programme_manager, sanction=issued_fine, reason="")
    sanction_waive(actor=programme_manager, sanction=issued_fine, reason="First breach; LA acted at once.")

    issued_fine.refresh_from_db()
    assert issued_fine.status == Sanction.Status.WAIVED and issued_fine.waived_reason
    with pytest.raises(DomainError, match="already waived"):
        sanction_mark_paid(actor=programme_manager, sanction=issued_fine)


@pytest.mark.parametrize("person", ["foreign_programme_manager", "riia_member", "workforce_lead", "dcs"])
def test_only_the_regions_programme_manager_marks_paid_or_waives(request, issued_fine, person):
    actor = request.getfixturevalue(person)
    with pytest.raises(DomainError, match="Only the programme manager"):
        sanction_mark_paid(actor=actor, sanction=issued_fine)
    with pytest.raises(DomainError, match="Only the programme manager"):
        sanction_waive(actor=actor, sanction=issued_fine, reason="r")
    assert Sanction.objects.get().status == Sanction.Status.ISSUED


def test_training_spend_reduces_the_balance_and_the_ledger_runs(programme_manager, issued_fine, region):
    sanction_mark_paid(actor=programme_manager, sanction=issued_fine)
    fund_spend_record(
        actor=programme_manager,
        region=region,
        amount=Decimal("100.10"),
        description="Court skills training",
        occurred_on=timezone.localdate(),
    )

    ledger = list(training_fund_ledger(region=region))
    assert [e.signed_amount for e in ledger] == [Decimal("250.00"), Decimal("-100.10")]
    assert [e.balance for e in ledger] == [Decimal("250.00"), Decimal("149.90")]
    assert training_fund_balance(region=region) == Decimal("149.90")
    assert AuditRecord.objects.get(action="training_fund.spend_recorded").after["balance"] == "149.90"


def test_spending_more_than_the_balance_is_refused(programme_manager, region):
    with pytest.raises(DomainError, match=r"You cannot spend £10.00: the training fund holds £0.00.") as error:
        fund_spend_record(
            actor=programme_manager,
            region=region,
            amount=Decimal("10.00"),
            description="Training",
            occurred_on=timezone.localdate(),
        )
    assert error.value.field == "amount" and not TrainingFundEntry.objects.exists()


@pytest.mark.parametrize(
    ("amount", "description", "days_ahead", "message"),
    [
        (Decimal("0"), "T", 0, "more than £0"),
        (Decimal("1"), "", 0, "Describe the training"),
        (Decimal("1"), "T", 1, "today or in the past"),
    ],
)
def test_bad_training_spend_is_refused(programme_manager, region, amount, description, days_ahead, message):
    with pytest.raises(DomainError, match=message):
        fund_spend_record(
            actor=programme_manager,
            region=region,
            amount=amount,
            description=description,
            occurred_on=timezone.localdate() + timedelta(days=days_ahead),
        )


def test_a_programme_manager_of_another_region_cannot_spend(foreign_programme_manager, region):
    with pytest.raises(DomainError, match="Only the programme manager"):
        fund_spend_record(
            actor=foreign_programme_manager,
            region=region,
            amount=Decimal("1"),
            description="T",
            occurred_on=timezone.localdate(),
        )


def test_breach_records_keep_their_sanctions(issued_fine, record):
    assert list(BreachRecord.objects.get(pk=record.pk).sanctions.all()) == [issued_fine]


def test_the_ledger_is_one_query_however_long(programme_manager, region, la, fine_policy, django_assert_num_queries):
    for _ in range(5):
        sanction = SanctionFactory(
            policy=fine_policy, local_authority=la, breach_records=[BreachRecordFactory(local_authority=la)]
        )
        sanction_mark_paid(actor=programme_manager, sanction=sanction)

    with django_assert_num_queries(1):
        entries = list(training_fund_ledger(region=region))
        assert entries[-1].balance == Decimal("1250.00") and str(entries[-1].sanction.target) == "Dudley"
