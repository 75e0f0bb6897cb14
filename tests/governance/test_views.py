import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casestudies.models import CaseStudy
from governance import services
from governance.models import Escalation

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"governance:{name}", args=args)


def _form(region, **overrides):
    data = {
        "region": region.pk,
        "kind": "incorrect_rate",
        "what_happened": "A social worker post was advertised at £48 an hour, above the cap.",
        "occurred_on_day": "2",
        "occurred_on_month": "3",
        "occurred_on_year": "2026",
        "evidence_link": "https://jobs.example.com/advert/1",
    }
    data.update(overrides)
    return data


def test_agency_contact_raises_with_a_file_and_sees_the_confirmation(
    client_for, agency_contact, region, programme_manager
):
    client = client_for(agency_contact)
    upload = SimpleUploadedFile("advert.txt", b"Social worker, 48 pounds an hour", content_type="text/plain")

    response = client.post(_url("escalation-raise"), _form(region, evidence_file=upload))

    escalation = Escalation.objects.get()
    assert response.status_code == 302 and response.url == _url("escalation-raised", escalation.pk)
    assert escalation.reference in client.get(response.url).text
    download = client.get(_url("escalation-evidence", escalation.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"Social worker")


def test_a_renamed_executable_is_refused_and_nothing_is_written(client_for, agency_contact, region):
    upload = SimpleUploadedFile("advert.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client_for(agency_contact).post(_url("escalation-raise"), _form(region, evidence_file=upload))
    assert response.status_code == 200 and "is not a real PDF file" in response.text
    assert not Escalation.objects.exists()


def test_missing_answers_show_the_error_summary(client_for, agency_contact, region):
    response = client_for(agency_contact).post(_url("escalation-raise"), _form(region, what_happened="", kind=""))
    assert "There is a problem" in response.text and "Enter what happened" in response.text
    assert "Select the type of escalation" in response.text


def test_agency_contact_sees_only_their_own_escalations(client_for, raise_escalation, agency_contact, workforce_lead):
    mine = raise_escalation(agency_contact)
    theirs = raise_escalation(workforce_lead)
    client = client_for(agency_contact)
    assert client.get(_url("escalation-detail", mine.pk)).status_code == 200
    assert client.get(_url("escalation-detail", theirs.pk)).status_code == 404
    listing = client.get(_url("escalation-list")).text
    assert mine.reference in listing and theirs.reference not in listing


@pytest.mark.parametrize("who", ["dcs", "la_viewer", "msp_viewer", "foreign_programme_manager"])
def test_nobody_outside_the_regions_staff_sees_an_open_escalation(who, request, client_for, raised):
    assert client_for(request.getfixturevalue(who)).get(_url("escalation-detail", raised.pk)).status_code == 404


@pytest.mark.parametrize("who", ["programme_manager", "sub_regional_lead", "riia_member"])
def test_the_regions_staff_see_it(who, request, client_for, raised):
    assert client_for(request.getfixturevalue(who)).get(_url("escalation-detail", raised.pk)).status_code == 200


def test_another_region_sees_a_shared_escalation_and_nothing_else(
    client_for, raise_escalation, agency_contact, programme_manager, other_region, foreign_programme_manager
):
    shared = raise_escalation(agency_contact, other_regions=[other_region])
    not_shared = raise_escalation(agency_contact, other_regions=[other_region])
    client = client_for(programme_manager)
    response = client.post(_url("escalation-share-region", shared.pk), {"region": other_region.pk})
    assert response.status_code == 302

    foreign = client_for(foreign_programme_manager)
    assert foreign.get(_url("escalation-detail", shared.pk)).status_code == 200
    assert foreign.get(_url("escalation-detail", not_shared.pk)).status_code == 404
    # Seeing it is not handling it: the other region's manager cannot triage.
    assert foreign.get(_url("escalation-triage", shared.pk)).status_code == 403


def test_programme_manager_triages_records_and_closes_through_the_pages(
    client_for, raised, programme_manager, agency_contact
):
    client = client_for(programme_manager)
    assert client.post(_url("escalation-triage", raised.pk), {"decision": "accepted"}).status_code == 302
    assert (
        client.post(
            _url("escalation-entry-add", raised.pk),
            {"kind": "contact", "contact": "Agency director", "text": "Rang them"},
        ).status_code
        == 302
    )
    check = client.post(_url("escalation-close", raised.pk), {"outcome": "The agency agreed to stop."})
    assert check.status_code == 200 and "Check the outcome before you close" in check.text
    raised.refresh_from_db()
    assert raised.status == "accepted"  # nothing closes before the check
    closing = {"outcome": "The agency agreed to stop.", "confirmed": "yes"}
    assert client.post(_url("escalation-close", raised.pk), closing).status_code == 302
    page = client_for(agency_contact).get(_url("escalation-detail", raised.pk)).text
    assert "Closed" in page and "The agency agreed to stop." in page


def test_the_raiser_cannot_triage(client_for, raised, agency_contact):
    client = client_for(agency_contact)
    assert client.get(_url("escalation-triage", raised.pk)).status_code == 403
    assert client.post(_url("escalation-triage", raised.pk), {"decision": "accepted"}).status_code == 403
    raised.refresh_from_db()
    assert raised.status == "raised"


def test_msp_sees_only_outcomes_shared_with_it(client_for, closed, programme_manager, msp_viewer, region, other_region):
    from tests.riia.factories import LocalAuthorityFactory, MSPFactory, person_with_role

    other_msp = MSPFactory(name="Elsewhere MSP")
    other_msp.local_authorities.add(LocalAuthorityFactory(region=other_region))
    other_viewer = person_with_role("msp_viewer", other_msp)
    client = client_for(msp_viewer)
    assert closed.outcome not in client.get(_url("outcomes")).text

    client_for(programme_manager).post(_url("escalation-outcome-share", closed.pk))

    assert closed.outcome in client_for(msp_viewer).get(_url("outcomes")).text
    assert closed.outcome not in client_for(other_viewer).get(_url("outcomes")).text
    # The MSP sees the outcome, not the escalation itself.
    assert client_for(msp_viewer).get(_url("escalation-detail", closed.pk)).status_code == 404


@pytest.mark.parametrize("who", ["workforce_lead", "agency_contact"])
def test_la_people_and_agencies_have_no_outcomes_page(who, request, client_for):
    assert client_for(request.getfixturevalue(who)).get(_url("outcomes")).status_code == 403


def test_case_study_in_one_step_opens_the_draft(client_for, closed, programme_manager):
    response = client_for(programme_manager).post(_url("escalation-case-study", closed.pk))
    case_study = CaseStudy.objects.get()
    assert response.status_code == 302 and response.url == reverse("casestudies:detail", args=[case_study.pk])
    assert case_study.case_type == "escalation" and case_study.status == "draft"


def test_the_raiser_cannot_make_the_case_study(client_for, closed, agency_contact):
    assert client_for(agency_contact).post(_url("escalation-case-study", closed.pk)).status_code == 403
    assert not CaseStudy.objects.exists()


def test_raiser_answers_a_request_for_information(client_for, raised, programme_manager, agency_contact):
    services.escalation_triage(actor=programme_manager, escalation=raised, decision="needs_information", note="Which?")
    client = client_for(agency_contact)
    assert "Add the information asked for" in client.get(_url("escalation-detail", raised.pk)).text
    assert client.post(_url("escalation-respond", raised.pk), {"text": "The advert of 2 March"}).status_code == 302
    raised.refresh_from_db()
    assert raised.status == "raised"


def test_programme_manager_sees_escalations_to_triage_on_home(client_for, raised, programme_manager, workforce_lead):
    assert raised.reference in client_for(programme_manager).get(reverse("home")).text
    assert raised.reference not in client_for(workforce_lead).get(reverse("home")).text


def test_change_on_the_close_check_page_returns_to_the_outcome_form(client_for, accepted, programme_manager):
    response = client_for(programme_manager).post(
        _url("escalation-close", accepted.pk), {"outcome": "Draft outcome", "change": "outcome"}
    )
    assert response.status_code == 200 and "Draft outcome</textarea>" in response.text
    accepted.refresh_from_db()
    assert accepted.status == "accepted"
