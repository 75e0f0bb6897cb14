"""Every transition of a breach request, and every refusal: each refusal writes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from breaches.models import BreachRequest, BreachRequestStatus, Decision, ReturnNote, Signature
from breaches.services.requests import (
    BreachRequestDetails,
    breach_request_create,
    breach_request_decide,
    breach_request_return,
    breach_request_sign,
    breach_request_submit,
    breach_request_update,
    breach_request_withdraw,
)
from rates.models import CoreJobType, EngagementType
from riia.errors import DomainError
from riia.models import AuditRecord, Membership, Notification, Region, Role
from riia.services import membership_end
from tests.breaches.factories import BreachRequestFactory, decided_request
from tests.rates.factories import ExemptionFactory, core_grade
from tests.riia.factories import SubRegionalGroupFactory, person_with_role

pytestmark = pytest.mark.django_db


def details(**overrides) -> BreachRequestDetails:
    values = {
        "role_grade": core_grade(),
        "proposed_rate": Decimal("40.00"),
        "number_of_roles": 2,
        "contract_start": date(2026, 5, 1),
        "contract_end": date(2026, 10, 31),
        "reason_category": "hard_to_fill",
        "reason": "Three recruitment rounds failed.",
        "confirms_no_other_breach": True,
    }
    return BreachRequestDetails(**{**values, **overrides})


def signed_by_both(breach_request, dcs, chief_executive):
    breach_request_sign(breach_request=breach_request, actor=dcs, role=Role.DCS)
    return breach_request_sign(breach_request=breach_request, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)


# --- create / update -------------------------------------------------------------------------


def test_lead_creates_a_draft_with_a_reference_per_la(la, workforce_lead, cap):
    first = breach_request_create(actor=workforce_lead, local_authority=la, details=details())
    second = breach_request_create(actor=workforce_lead, local_authority=la, details=details())

    assert first.status == BreachRequestStatus.DRAFT and first.round == 0
    assert first.reference == f"BR-{la.old_code}-00001"
    assert second.reference == f"BR-{la.old_code}-00002"
    assert AuditRecord.objects.filter(action="breach_request.created", object_id=str(first.pk)).exists()


def test_sequence_is_per_local_authority(la, second_la, workforce_lead, second_la_lead, cap):
    breach_request_create(actor=workforce_lead, local_authority=la, details=details())
    other = breach_request_create(actor=second_la_lead, local_authority=second_la, details=details())

    assert other.reference == f"BR-{second_la.old_code}-00001"


def test_a_draft_may_be_saved_before_the_confirmation_is_given(la, workforce_lead, cap):
    draft = breach_request_create(
        actor=workforce_lead, local_authority=la, details=details(confirms_no_other_breach=False, reason="")
    )

    assert draft.pk and not draft.confirms_no_other_breach


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"proposed_rate": Decimal("35.00")}, "proposed_rate", "not above the cap of £35.00"),
        ({"proposed_rate": Decimal("30.00")}, "proposed_rate", "so it is not a breach"),
        ({"proposed_rate": Decimal("0")}, "proposed_rate", "Enter a proposed hourly rate between"),
        ({"number_of_roles": 0}, "number_of_roles", "Enter the number of roles, 1 or more"),
        ({"contract_end": date(2026, 4, 30)}, "contract_end", "end date must be the same as or after the start"),
        ({"contract_start": date(2026, 3, 1)}, "role_grade", "There is no published cap for Social worker"),
        ({"role_grade": "team_manager"}, "role_grade", "There is no published cap for Team manager"),
    ],
)
def test_create_refuses_bad_details_naming_the_field(la, workforce_lead, cap, overrides, field, message):
    if overrides.get("role_grade") == "team_manager":
        overrides["role_grade"] = core_grade(CoreJobType.TEAM_MANAGER)

    with pytest.raises(DomainError) as error:
        breach_request_create(actor=workforce_lead, local_authority=la, details=details(**overrides))

    assert error.value.field == field
    assert message in error.value.message
    assert not BreachRequest.objects.exists()


def test_rate_within_a_live_exemption_is_not_a_breach(la, workforce_lead, cap):
    ExemptionFactory(local_authority=la, hourly_rate=Decimal("42.00"))

    with pytest.raises(DomainError, match="not above the rate your exemption allows of £42.00"):
        breach_request_create(actor=workforce_lead, local_authority=la, details=details())


def test_paye_rate_is_judged_against_the_paye_cap(la, workforce_lead, cap):
    draft = breach_request_create(
        actor=workforce_lead,
        local_authority=la,
        details=details(engagement_type=EngagementType.PAYE, proposed_rate=Decimal("33.00")),
    )

    assert draft.engagement_type == EngagementType.PAYE


@pytest.mark.parametrize("person", ["dcs", "la_viewer", "second_la_lead", "programme_manager", "nobody"])
def test_only_the_las_workforce_lead_may_create(request, la, cap, person):
    with pytest.raises(DomainError, match="Only a workforce lead of Dudley"):
        breach_request_create(actor=request.getfixturevalue(person), local_authority=la, details=details())
    assert not BreachRequest.objects.exists()


def test_lead_updates_a_draft_and_the_change_is_audited(draft, workforce_lead):
    updated = breach_request_update(
        breach_request=draft, actor=workforce_lead, details=details(proposed_rate=Decimal("41.50"))
    )

    assert updated.proposed_rate == Decimal("41.50")
    audit = AuditRecord.objects.get(action="breach_request.updated")
    assert audit.before["proposed_rate"] == "40.00" and audit.after["proposed_rate"] == "41.50"


def test_update_is_refused_once_submitted(awaiting_signatures, workforce_lead):
    with pytest.raises(DomainError, match="cannot change .* because it is awaiting dcs and chief executive"):
        breach_request_update(breach_request=awaiting_signatures, actor=workforce_lead, details=details())


def test_update_is_refused_to_another_las_lead(draft, second_la_lead):
    with pytest.raises(DomainError, match="Only a workforce lead of Dudley"):
        breach_request_update(breach_request=draft, actor=second_la_lead, details=details())


# --- submit ----------------------------------------------------------------------------------


def test_submit_freezes_the_cap_and_tells_the_signatories(
    draft, workforce_lead, dcs, chief_executive, cap, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = breach_request_submit(breach_request=draft, actor=workforce_lead)

    assert submitted.status == BreachRequestStatus.AWAITING_SIGNATURES and submitted.round == 1
    assert submitted.cap_rate == Decimal("35.00") and submitted.allowed_rate == Decimal("35.00")
    assert submitted.over_by == Decimal("5.00") and submitted.over_by_percent == Decimal("14.3")
    assert submitted.price_cap_id == cap.pk and submitted.submitted_at
    assert set(Notification.objects.values_list("recipient", flat=True)) == {dcs.pk, chief_executive.pk}
    assert {m.to[0] for m in mail.outbox} == {dcs.email, chief_executive.email}


def test_frozen_figures_do_not_move_when_the_cap_changes(draft, workforce_lead, cap):
    breach_request_submit(breach_request=draft, actor=workforce_lead)
    cap.hourly_rate = Decimal("38.00")
    cap.save()

    draft.refresh_from_db()
    assert draft.cap_rate == Decimal("35.00")


def test_submit_is_refused_without_the_confirmation(draft, workforce_lead):
    BreachRequest.objects.filter(pk=draft.pk).update(confirms_no_other_breach=False)

    with pytest.raises(DomainError) as error:
        breach_request_submit(breach_request=draft, actor=workforce_lead)

    assert error.value.field == "confirms_no_other_breach"
    assert "cool-off period" in error.value.message
    draft.refresh_from_db()
    assert draft.status == BreachRequestStatus.DRAFT and draft.cap_rate is None


def test_submit_is_refused_when_the_cap_has_risen_above_the_rate(draft, workforce_lead, cap):
    cap.hourly_rate = Decimal("45.00")
    cap.save()

    with pytest.raises(DomainError, match="not above the cap of £45.00"):
        breach_request_submit(breach_request=draft, actor=workforce_lead)


def test_submit_is_refused_to_a_viewer(draft, la_viewer):
    with pytest.raises(DomainError, match="Only a workforce lead"):
        breach_request_submit(breach_request=draft, actor=la_viewer)


def test_submitting_twice_is_refused(draft, workforce_lead):
    breach_request_submit(breach_request=draft, actor=workforce_lead)

    with pytest.raises(DomainError, match="cannot submit"):
        breach_request_submit(breach_request=draft, actor=workforce_lead)


# --- sign ------------------------------------------------------------------------------------


def test_dcs_and_chief_executive_sign_then_it_waits_for_the_region(
    awaiting_signatures, dcs, chief_executive, programme_manager, sub_regional_lead
):
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)
    awaiting_signatures.refresh_from_db()
    assert awaiting_signatures.status == BreachRequestStatus.AWAITING_SIGNATURES

    result = breach_request_sign(breach_request=awaiting_signatures, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)

    assert result.status == BreachRequestStatus.AWAITING_DECISION
    assert Signature.objects.filter(breach_request=awaiting_signatures, round=1).count() == 2
    # Regional decision level: the programme manager is told, not the sub-regional lead.
    told = set(
        Notification.objects.filter(subject__contains="waiting for your decision").values_list("recipient", flat=True)
    )
    assert told == {programme_manager.pk}
    assert AuditRecord.objects.filter(action="breach_request.signed").count() == 2


def test_sub_regional_region_sends_it_to_the_groups_lead(
    region, awaiting_signatures, dcs, chief_executive, programme_manager, sub_regional_lead
):
    Region.objects.filter(pk=region.pk).update(breach_decision_level=Region.DecisionLevel.SUB_REGIONAL)

    signed_by_both(awaiting_signatures, dcs, chief_executive)

    told = set(
        Notification.objects.filter(subject__contains="waiting for your decision").values_list("recipient", flat=True)
    )
    assert told == {sub_regional_lead.pk}


def test_without_a_regional_decision_both_signatures_approve(
    region, awaiting_signatures, dcs, chief_executive, second_la_lead
):
    Region.objects.filter(pk=region.pk).update(regional_decision_required=False)

    result = signed_by_both(awaiting_signatures, dcs, chief_executive)

    assert result.status == BreachRequestStatus.APPROVED
    decision = Decision.objects.get(breach_request=awaiting_signatures)
    assert decision.decided_by is None and decision.outcome == Decision.Outcome.APPROVED
    assert Notification.objects.filter(recipient=second_la_lead, subject__startswith="Breach decision").exists()


def test_the_same_person_cannot_sign_as_both_dcs_and_chief_executive(awaiting_signatures, la, dcs):
    Membership.objects.create(user=dcs, role=Role.CHIEF_EXECUTIVE, local_authority=la)
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)

    with pytest.raises(DomainError, match="must be two different people"):
        breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.CHIEF_EXECUTIVE)

    assert Signature.objects.count() == 1


def test_nobody_signs_twice(awaiting_signatures, dcs):
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)

    with pytest.raises(DomainError, match="already signed"):
        breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)


def test_a_second_dcs_cannot_sign_once_the_dcs_has(awaiting_signatures, la, dcs):
    other_dcs = person_with_role(Role.DCS, la)
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)

    with pytest.raises(DomainError, match="The director of children's services has already signed"):
        breach_request_sign(breach_request=awaiting_signatures, actor=other_dcs, role=Role.DCS)


@pytest.mark.parametrize(
    ("person", "role"),
    [
        ("workforce_lead", Role.DCS),
        ("chief_executive", Role.DCS),
        ("dcs", Role.CHIEF_EXECUTIVE),
        ("programme_manager", Role.DCS),
        ("dcs", Role.WORKFORCE_LEAD),
    ],
)
def test_signing_without_the_role_is_refused(request, awaiting_signatures, person, role):
    with pytest.raises(DomainError, match="because you do not hold that role for Dudley"):
        breach_request_sign(breach_request=awaiting_signatures, actor=request.getfixturevalue(person), role=role)
    assert not Signature.objects.exists()


def test_signing_another_las_request_is_refused(second_la, dcs, cap):
    coventry_request = BreachRequestFactory(local_authority=second_la, submitted=True)

    with pytest.raises(DomainError, match="do not hold that role for Coventry"):
        breach_request_sign(breach_request=coventry_request, actor=dcs, role=Role.DCS)
    assert not Signature.objects.exists()


def test_a_dcs_whose_role_has_ended_cannot_sign(awaiting_signatures, dcs):
    membership_end(membership=Membership.objects.get(user=dcs), actor=None)

    with pytest.raises(DomainError, match="do not hold that role"):
        breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)


@pytest.mark.parametrize(
    "status", [BreachRequestStatus.WITHDRAWN, BreachRequestStatus.DRAFT, BreachRequestStatus.RETURNED]
)
def test_signing_in_the_wrong_state_is_refused(awaiting_signatures, dcs, status):
    BreachRequest.objects.filter(pk=awaiting_signatures.pk).update(status=status)

    with pytest.raises(
        DomainError, match=f"cannot sign breach request .* because it is {BreachRequestStatus(status).label.lower()}"
    ):
        breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)


# --- return ----------------------------------------------------------------------------------


def test_chief_executive_returns_it_and_a_resubmission_is_signed_afresh(
    awaiting_signatures, dcs, chief_executive, workforce_lead
):
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)
    returned = breach_request_return(
        breach_request=awaiting_signatures, actor=chief_executive, comment="Say why a permanent post will not do."
    )

    assert returned.status == BreachRequestStatus.RETURNED
    assert ReturnNote.objects.get().stage == ReturnNote.Stage.SIGN_OFF
    assert Notification.objects.filter(recipient=workforce_lead, subject__contains="was returned").exists()

    breach_request_update(breach_request=returned, actor=workforce_lead, details=details(reason="Explained."))
    resubmitted = breach_request_submit(breach_request=returned, actor=workforce_lead)
    assert resubmitted.round == 2
    breach_request_sign(breach_request=resubmitted, actor=dcs, role=Role.DCS)  # a new round: signs again


def test_programme_manager_returns_it_for_more_information(
    awaiting_signatures, dcs, chief_executive, programme_manager
):
    signed_by_both(awaiting_signatures, dcs, chief_executive)

    breach_request_return(breach_request=awaiting_signatures, actor=programme_manager, comment="Which team?")

    assert ReturnNote.objects.get().stage == ReturnNote.Stage.DECISION


def test_return_needs_a_comment(awaiting_signatures, dcs):
    with pytest.raises(DomainError) as error:
        breach_request_return(breach_request=awaiting_signatures, actor=dcs, comment="  ")

    assert error.value.field == "comment"
    assert not ReturnNote.objects.exists()


@pytest.mark.parametrize("person", ["workforce_lead", "programme_manager", "second_la_lead"])
def test_return_at_sign_off_is_only_for_the_dcs_or_chief_executive(request, awaiting_signatures, person):
    with pytest.raises(DomainError, match="Only the DCS or chief executive of Dudley"):
        breach_request_return(breach_request=awaiting_signatures, actor=request.getfixturevalue(person), comment="No.")


def test_return_at_decision_is_only_for_the_decider(
    awaiting_signatures, dcs, chief_executive, foreign_programme_manager
):
    signed_by_both(awaiting_signatures, dcs, chief_executive)

    with pytest.raises(DomainError, match="you do not decide breaches for Dudley"):
        breach_request_return(breach_request=awaiting_signatures, actor=foreign_programme_manager, comment="No.")


def test_a_draft_cannot_be_returned(draft, dcs):
    with pytest.raises(DomainError, match="cannot return"):
        breach_request_return(breach_request=draft, actor=dcs, comment="No.")


# --- decide ----------------------------------------------------------------------------------


@pytest.fixture
def awaiting_decision(awaiting_signatures, dcs, chief_executive):
    return signed_by_both(awaiting_signatures, dcs, chief_executive)


def test_programme_manager_approves_with_conditions_and_every_la_is_told(
    awaiting_decision, programme_manager, workforce_lead, second_la_lead, foreign_lead, la_viewer
):
    expiry = timezone.localdate() + timedelta(days=180)
    result = breach_request_decide(
        breach_request=awaiting_decision,
        actor=programme_manager,
        outcome=Decision.Outcome.APPROVED,
        conditions="Review at three months.",
        expires_on=expiry,
    )

    assert result.status == BreachRequestStatus.APPROVED
    decision = Decision.objects.get()
    assert decision.decided_by == programme_manager and decision.decided_as == Role.PROGRAMME_MANAGER
    assert decision.conditions == "Review at three months." and decision.expires_on == expiry
    told = set(Notification.objects.filter(subject__startswith="Breach decision").values_list("recipient", flat=True))
    own = set(
        Notification.objects.filter(subject__startswith="Your breach request").values_list("recipient", flat=True)
    )
    # The requesting LA gets a message written for it; the rest of the region the region-wide one.
    assert {workforce_lead.pk, la_viewer.pk} <= own and second_la_lead.pk in told
    assert not own & told
    assert foreign_lead.pk not in told
    audit = AuditRecord.objects.get(action="breach_request.decided")
    assert audit.before == {"status": "awaiting_decision"} and audit.after["outcome"] == "approved"


def test_programme_manager_rejects_with_a_reason(awaiting_decision, programme_manager):
    result = breach_request_decide(
        breach_request=awaiting_decision, actor=programme_manager, outcome="rejected", comment="Use the cap."
    )

    assert result.status == BreachRequestStatus.REJECTED


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "rejected", "comment": ""}, "comment"),
        ({"outcome": "rejected", "comment": "No.", "conditions": "Some"}, "conditions"),
        ({"outcome": "approved", "expires_on": date(2020, 1, 1)}, "expires_on"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_bad_decisions_are_refused_naming_the_field(awaiting_decision, programme_manager, kwargs, field):
    with pytest.raises(DomainError) as error:
        breach_request_decide(breach_request=awaiting_decision, actor=programme_manager, **kwargs)

    assert error.value.field == field
    assert not Decision.objects.exists()


@pytest.mark.parametrize("person", ["foreign_programme_manager", "sub_regional_lead", "riia_member", "dcs"])
def test_deciding_outside_ones_region_or_role_is_refused(request, awaiting_decision, person):
    with pytest.raises(DomainError, match="Only the West Midlands programme manager can decide"):
        breach_request_decide(
            breach_request=awaiting_decision, actor=request.getfixturevalue(person), outcome="approved"
        )
    assert not Decision.objects.exists()


def test_sub_regional_lead_decides_for_their_group_only(
    region, awaiting_decision, sub_regional_lead, programme_manager
):
    Region.objects.filter(pk=region.pk).update(breach_decision_level=Region.DecisionLevel.SUB_REGIONAL)
    other_group_lead = person_with_role(
        Role.SUB_REGIONAL_LEAD, SubRegionalGroupFactory(region=region, name="Coventry and Warwickshire")
    )

    for refused in (programme_manager, other_group_lead):
        with pytest.raises(DomainError, match="Only the sub-regional lead of Black Country"):
            breach_request_decide(breach_request=awaiting_decision, actor=refused, outcome="approved")

    breach_request_decide(breach_request=awaiting_decision, actor=sub_regional_lead, outcome="approved")
    assert Decision.objects.get().decided_as == Role.SUB_REGIONAL_LEAD


def test_a_second_decision_is_refused_saying_it_was_already_decided(awaiting_decision, programme_manager):
    breach_request_decide(breach_request=awaiting_decision, actor=programme_manager, outcome="approved")

    with pytest.raises(DomainError, match="has already been decided \\(approved by Pat Programme\\)"):
        breach_request_decide(
            breach_request=awaiting_decision, actor=programme_manager, outcome="rejected", comment="x"
        )
    assert Decision.objects.count() == 1


def test_deciding_before_sign_off_is_refused(awaiting_signatures, programme_manager):
    with pytest.raises(DomainError, match="cannot decide .* awaiting dcs and chief executive"):
        breach_request_decide(breach_request=awaiting_signatures, actor=programme_manager, outcome="approved")


# --- withdraw --------------------------------------------------------------------------------


def test_lead_withdraws_and_the_signatories_are_told(awaiting_signatures, workforce_lead, dcs):
    result = breach_request_withdraw(breach_request=awaiting_signatures, actor=workforce_lead)

    assert result.status == BreachRequestStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=dcs, subject__contains="withdrawn").exists()


def test_lead_withdraws_a_draft_that_was_never_submitted(draft, workforce_lead, dcs):
    result = breach_request_withdraw(breach_request=draft, actor=workforce_lead)

    result.refresh_from_db()
    assert result.status == BreachRequestStatus.WITHDRAWN
    assert result.submitted_at is None
    assert result.cap_rate is None
    # Nobody was waiting for a draft, so nobody is told.
    assert not Notification.objects.filter(subject__contains="withdrawn").exists()


def test_withdraw_is_refused_to_others_and_after_a_decision(la, awaiting_signatures, dcs, workforce_lead):
    with pytest.raises(DomainError, match="Only a workforce lead of Dudley can withdraw"):
        breach_request_withdraw(breach_request=awaiting_signatures, actor=dcs)

    decided = decided_request(la)
    with pytest.raises(DomainError, match="cannot withdraw .* because it is approved"):
        breach_request_withdraw(breach_request=decided, actor=workforce_lead)
