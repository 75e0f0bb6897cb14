from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casestudies.models import CaseStudy
from governance import services
from governance.models import Escalation, EscalationStatus
from riia.errors import DomainError
from riia.models import AuditRecord, Notification

pytestmark = pytest.mark.django_db


def _audited(action, escalation):
    return AuditRecord.objects.filter(action=action, object_id=str(escalation.pk)).exists()


def test_agency_contact_raises_and_the_programme_manager_is_told(raised, agency_contact, programme_manager, agency):
    assert raised.status == EscalationStatus.RAISED
    assert raised.raised_for == agency.name and list(raised.agencies.all()) == [agency]
    assert _audited("escalation.raised", raised)
    assert Notification.objects.filter(recipient=programme_manager, url__endswith=f"/escalations/{raised.pk}/").exists()


@pytest.mark.parametrize("who", ["workforce_lead", "msp_viewer", "riia_member"])
def test_la_msp_and_riia_people_can_raise(who, request, raise_escalation):
    assert raise_escalation(request.getfixturevalue(who)).pk


def test_someone_without_a_role_cannot_raise(raise_escalation, nobody):
    with pytest.raises(DomainError, match="Only someone from"):
        raise_escalation(nobody)
    assert not Escalation.objects.exists()


def test_a_date_in_the_future_is_refused(raise_escalation, agency_contact):
    with pytest.raises(DomainError) as error:
        raise_escalation(agency_contact, occurred_on=timezone.localdate() + timedelta(days=1))
    assert error.value.field == "occurred_on"


def test_evidence_file_is_checked_like_a_case_study_resource(raise_escalation, agency_contact):
    fake = SimpleUploadedFile("advert.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError, match="not a real PDF"):
        raise_escalation(agency_contact, evidence_file=fake)
    real = SimpleUploadedFile("advert.pdf", b"%PDF-1.4 advert", content_type="application/pdf")
    escalation = raise_escalation(agency_contact, evidence_file=real)
    assert escalation.evidence_name == "advert.pdf" and escalation.evidence_size == len(b"%PDF-1.4 advert")


def test_triage_accept_tells_the_raiser(raised, programme_manager, agency_contact):
    escalation = services.escalation_triage(actor=programme_manager, escalation=raised, decision="accepted")
    assert escalation.status == EscalationStatus.ACCEPTED
    assert _audited("escalation.triaged", escalation)
    assert Notification.objects.filter(recipient=agency_contact, subject__contains="accepted").exists()


def test_only_the_regions_programme_manager_triages(raised, foreign_programme_manager, riia_member):
    for person in (foreign_programme_manager, riia_member):
        with pytest.raises(DomainError, match="Only the programme manager"):
            services.escalation_triage(actor=person, escalation=raised, decision="accepted")


def test_needs_information_then_the_raiser_answers_and_it_returns_to_triage(raised, programme_manager, agency_contact):
    with pytest.raises(DomainError) as error:
        services.escalation_triage(actor=programme_manager, escalation=raised, decision="needs_information")
    assert error.value.field == "note"
    services.escalation_triage(
        actor=programme_manager, escalation=raised, decision="needs_information", note="Which advert?"
    )
    escalation = services.escalation_respond(actor=agency_contact, escalation=raised, text="The one on 2 March.")
    assert escalation.status == EscalationStatus.RAISED and escalation.entries.get().kind == "information"
    assert Notification.objects.filter(recipient=programme_manager, subject__startswith="More information").exists()


def test_only_the_raiser_answers_and_only_when_asked(raised, programme_manager, workforce_lead, agency_contact):
    with pytest.raises(DomainError, match="so you cannot add information"):
        services.escalation_respond(actor=agency_contact, escalation=raised, text="More")
    services.escalation_triage(actor=programme_manager, escalation=raised, decision="needs_information", note="?")
    with pytest.raises(DomainError, match="Only the person who raised"):
        services.escalation_respond(actor=workforce_lead, escalation=raised, text="More")


def test_not_for_us_is_final(raised, programme_manager):
    services.escalation_triage(actor=programme_manager, escalation=raised, decision="not_for_us", note="National issue")
    with pytest.raises(DomainError, match="not for us, so you cannot"):
        services.escalation_triage(actor=programme_manager, escalation=raised, decision="accepted")
    with pytest.raises(DomainError):
        services.escalation_close(actor=programme_manager, escalation=raised, outcome="x")


def test_actions_and_contacts_only_while_accepted(raised, accepted, programme_manager):
    with pytest.raises(DomainError) as error:
        services.escalation_entry_record(actor=programme_manager, escalation=accepted, kind="contact", text="Rang")
    assert error.value.field == "contact"
    entry = services.escalation_entry_record(actor=programme_manager, escalation=accepted, kind="action", text="Wrote")
    assert entry.kind == "action" and _audited("escalation.action_recorded", accepted)


def test_close_needs_an_outcome_and_an_accepted_escalation(raised, programme_manager, agency_contact):
    with pytest.raises(DomainError, match="raised, so you cannot close"):
        services.escalation_close(actor=programme_manager, escalation=raised, outcome="Done")
    services.escalation_triage(actor=programme_manager, escalation=raised, decision="accepted")
    with pytest.raises(DomainError, match="Enter the outcome"):
        services.escalation_close(actor=programme_manager, escalation=raised, outcome="  ")
    escalation = services.escalation_close(actor=programme_manager, escalation=raised, outcome="Agency warned")
    assert escalation.status == EscalationStatus.CLOSED and escalation.closed_by == programme_manager
    assert _audited("escalation.closed", escalation)
    assert Notification.objects.filter(recipient=agency_contact, subject__endswith="is closed").exists()


def test_sharing_with_another_involved_region_tells_its_programme_manager(
    raise_escalation, agency_contact, programme_manager, other_region, foreign_programme_manager, region
):
    escalation = raise_escalation(agency_contact, other_regions=[other_region])
    services.escalation_share_with_region(actor=programme_manager, escalation=escalation, region=other_region)
    assert list(escalation.shared_with_regions.all()) == [other_region]
    assert Notification.objects.filter(recipient=foreign_programme_manager).exists()
    with pytest.raises(DomainError, match="already shared"):
        services.escalation_share_with_region(actor=programme_manager, escalation=escalation, region=other_region)
    with pytest.raises(DomainError, match="Only the programme manager"):
        services.escalation_share_with_region(actor=foreign_programme_manager, escalation=escalation, region=region)


def test_a_region_not_involved_cannot_be_shared_with(raised, programme_manager, other_region):
    with pytest.raises(DomainError, match="other regions involved"):
        services.escalation_share_with_region(actor=programme_manager, escalation=raised, region=other_region)


def test_outcome_shared_with_every_msp_serving_the_region_once(
    closed, programme_manager, msp, msp_viewer, msp_uploader
):
    escalation = services.escalation_outcome_share(actor=programme_manager, escalation=closed)
    assert list(escalation.outcome_shared_with.all()) == [msp]
    told = set(
        Notification.objects.filter(subject__startswith="Escalation outcome shared").values_list("recipient", flat=True)
    )
    assert told == {msp_viewer.pk, msp_uploader.pk}
    with pytest.raises(DomainError, match="already been shared"):
        services.escalation_outcome_share(actor=programme_manager, escalation=closed)


def test_an_open_escalations_outcome_cannot_be_shared(accepted, programme_manager, msp):
    with pytest.raises(DomainError, match="accepted, so you cannot share"):
        services.escalation_outcome_share(actor=programme_manager, escalation=accepted)


def test_case_study_draft_carries_the_facts_over_once(closed, programme_manager, agency):
    case_study = services.escalation_case_study_create(actor=programme_manager, escalation=closed)
    assert case_study.status == CaseStudy.Status.DRAFT and case_study.case_type == CaseStudy.Type.ESCALATION
    assert case_study.issue == closed.what_happened and case_study.outcome_assessment == closed.outcome
    assert "Agency director" in case_study.decision and list(case_study.agencies.all()) == [agency]
    assert case_study.region == closed.region and case_study.author == programme_manager
    with pytest.raises(DomainError, match="already a case study"):
        services.escalation_case_study_create(actor=programme_manager, escalation=closed)


def test_case_study_only_from_a_closed_escalation_by_its_programme_manager(accepted, closed, foreign_programme_manager):
    with pytest.raises(DomainError, match="Only the programme manager"):
        services.escalation_case_study_create(actor=foreign_programme_manager, escalation=closed)


def test_a_closed_escalation_needs_an_outcome_in_the_database(raised):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=raised.pk).update(status="closed", closed_at=timezone.now())
