"""Issue 12, signing, status and history: the sign-off confirmation page with its declaration, who a
request waits for, both signatures listed, the timeline from the audit trail, text for the decider,
deleting a never-sent draft, and back and cancel links."""

import pytest
from django.urls import reverse

from breaches.models import BreachRequest, Signature
from breaches.services.requests import (
    breach_request_decide,
    breach_request_return,
    breach_request_sign,
    breach_request_submit,
)
from riia.models import AuditRecord, Role
from tests.breaches.test_request_views import form_data

pytestmark = pytest.mark.django_db


def sign_url(br):
    return reverse("breaches:request-sign", args=[br.pk])


def detail(client, br):
    return client.get(reverse("breaches:request-detail", args=[br.pk])).text


# --- the sign-off confirmation page ----------------------------------------------------------


def test_sign_page_names_what_the_signatory_agrees_to(client_for, awaiting_signatures, dcs):
    page = client_for(dcs).get(sign_url(awaiting_signatures)).text

    assert (
        "I confirm that paying £40.00 an hour, £5.00 (14.3%) above the cap, for 2 roles until 31 October 2026 "
        "is necessary because three recruitment rounds for the children in care team have failed." in page
    )
    assert 'class="govuk-back-link"' in page and ">Cancel</a>" in page


def test_signing_without_confirming_the_declaration_is_refused(client_for, awaiting_signatures, dcs):
    response = client_for(dcs).post(sign_url(awaiting_signatures), {"role": Role.DCS})

    assert response.status_code == 400
    assert "Confirm the declaration to sign the request" in response.text
    assert not Signature.objects.exists()


def test_the_declaration_signed_is_kept_in_the_audit_record(client_for, awaiting_signatures, dcs):
    client_for(dcs).post(sign_url(awaiting_signatures), {"role": Role.DCS, "declaration": "on"})

    record = AuditRecord.objects.get(action="breach_request.signed")
    assert record.after["declaration"].startswith("I confirm that paying £40.00 an hour")


@pytest.mark.parametrize("person", ["workforce_lead", "la_viewer", "programme_manager"])
def test_only_the_dcs_and_chief_executive_reach_the_sign_page(request, client_for, awaiting_signatures, person):
    response = client_for(request.getfixturevalue(person)).get(sign_url(awaiting_signatures))

    assert response.status_code == 403


def test_sign_page_sends_someone_who_has_signed_back_to_the_request(client_for, awaiting_signatures, dcs):
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)

    response = client_for(dcs).get(sign_url(awaiting_signatures))

    assert response.status_code == 302 and response.url == reverse(
        "breaches:request-detail", args=[awaiting_signatures.pk]
    )


# --- who it waits for, signatures, status ----------------------------------------------------


def test_page_says_it_waits_for_both_signatories_by_role_and_name(
    client_for, awaiting_signatures, dcs, chief_executive
):
    page = detail(client_for(dcs), awaiting_signatures)

    assert "Waiting for: DCS (Dana Director) and chief executive (Chris Chief)" in page


def test_after_the_first_signature_it_waits_for_the_other_and_the_tag_changes(
    client_for, awaiting_signatures, dcs, chief_executive, workforce_lead
):
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)

    page = detail(client_for(workforce_lead), awaiting_signatures)

    assert "Waiting for: chief executive (Chris Chief)" in page
    assert "Awaiting second signature" in page
    # The signatures section lists both roles, signed or not.
    assert "Signed by Dana Director" in page
    assert "Not signed yet (Chris Chief)" in page
    # So do the lists.
    assert "Awaiting second signature" in client_for(workforce_lead).get(reverse("breaches:request-list")).text


def test_before_any_signature_the_tag_is_the_plain_status(client_for, awaiting_signatures, dcs, workforce_lead):
    page = detail(client_for(workforce_lead), awaiting_signatures)

    assert "Awaiting DCS and chief executive" in page and "Awaiting second signature" not in page


@pytest.fixture
def awaiting_decision(awaiting_signatures, dcs, chief_executive):
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)
    return breach_request_sign(breach_request=awaiting_signatures, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)


def test_awaiting_decision_names_the_programme_manager(
    client_for, awaiting_decision, programme_manager, workforce_lead
):
    page = detail(client_for(workforce_lead), awaiting_decision)

    assert f"Waiting for a decision by the West Midlands programme manager ({programme_manager.full_name})" in page


def test_awaiting_decision_names_the_sub_regional_lead_where_the_group_decides(
    client_for, awaiting_decision, sub_regional_lead, workforce_lead, region, group
):
    region.breach_decision_level = "sub_regional"
    region.save()

    page = detail(client_for(workforce_lead), awaiting_decision)

    assert f"Waiting for a decision by the {group.name} sub-regional lead ({sub_regional_lead.full_name})" in page


def test_decider_reads_text_written_for_them_not_the_las(client_for, awaiting_decision, programme_manager, dcs):
    decider_page = detail(client_for(programme_manager), awaiting_decision)
    la_page = detail(client_for(dcs), awaiting_decision)

    assert "You decide it for West Midlands" in decider_page
    assert "You decide it for" not in la_page


def test_the_request_list_speaks_to_the_decider(client_for, programme_manager, workforce_lead):
    assert "Requests from the local authorities you decide for" in (
        client_for(programme_manager).get(reverse("breaches:request-list")).text
    )
    assert "Requests from the local authorities you decide for" not in (
        client_for(workforce_lead).get(reverse("breaches:request-list")).text
    )


# --- the history timeline --------------------------------------------------------------------


def test_timeline_shows_each_step_with_who_from_the_audit_trail(
    client_for, draft, workforce_lead, dcs, chief_executive, programme_manager
):
    breach_request_submit(breach_request=draft, actor=workforce_lead)
    breach_request_return(breach_request=draft, actor=dcs, comment="Say which team.")
    breach_request_submit(breach_request=draft, actor=workforce_lead)
    breach_request_sign(breach_request=draft, actor=dcs, role=Role.DCS)
    breach_request_sign(breach_request=draft, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)
    breach_request_decide(breach_request=draft, actor=programme_manager, outcome="rejected", comment="Cap is enough.")

    page = detail(client_for(workforce_lead), draft)
    timeline = page[page.index('data-testid="timeline"') :]

    titles = [
        "Rejected",
        "Signed off by the DCS and chief executive",
        "Signed by the chief executive",
        "Signed by the DCS",
        "Sent again for signature (round 2)",
        "Returned with a comment",
        "Submitted for signature",
    ]
    positions = [timeline.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Say which team." in timeline and "Cap is enough." in timeline
    assert f"by {dcs.full_name}" in timeline and f"by {programme_manager.full_name}" in timeline


# --- deleting a never-sent draft, no orphan drafts, back and cancel --------------------------


def test_lead_deletes_a_never_sent_draft_after_confirming(client_for, draft, workforce_lead):
    client = client_for(workforce_lead)
    assert "Delete this draft" in detail(client, draft)
    confirm = client.get(reverse("breaches:request-delete", args=[draft.pk]))
    assert f"Are you sure you want to delete draft {draft.reference}?" in confirm.text
    assert BreachRequest.objects.filter(pk=draft.pk).exists()  # GET never writes

    response = client.post(reverse("breaches:request-delete", args=[draft.pk]))

    assert response.status_code == 302
    assert not BreachRequest.objects.filter(pk=draft.pk).exists()
    assert AuditRecord.objects.filter(action="breach_request.deleted", object_id=str(draft.pk)).exists()
    assert f"Draft {draft.reference} deleted." in client.get(response.url).text


def test_a_sent_request_cannot_be_deleted(client_for, awaiting_signatures, workforce_lead):
    response = client_for(workforce_lead).post(reverse("breaches:request-delete", args=[awaiting_signatures.pk]))

    assert BreachRequest.objects.filter(pk=awaiting_signatures.pk).exists()
    assert "Withdraw it instead" in client_for(workforce_lead).get(response.url).text


def test_a_returned_request_is_not_offered_for_deletion(client_for, awaiting_signatures, workforce_lead, dcs):
    breach_request_return(breach_request=awaiting_signatures, actor=dcs, comment="Say which team.")

    page = detail(client_for(workforce_lead), awaiting_signatures)

    assert "Delete this draft" not in page and "Withdraw the request" in page


@pytest.mark.parametrize("person", ["dcs", "la_viewer", "programme_manager"])
def test_others_cannot_delete_a_draft(request, client_for, draft, person):
    response = client_for(request.getfixturevalue(person)).post(reverse("breaches:request-delete", args=[draft.pk]))

    assert response.status_code in (403, 404)
    assert BreachRequest.objects.filter(pk=draft.pk).exists()


def test_continue_on_a_new_request_says_it_saved_a_draft(client_for, workforce_lead, la, cap):
    client = client_for(workforce_lead)
    response = client.post(reverse("breaches:request-new"), form_data(la))

    page = client.get(response.url).text
    reference = BreachRequest.objects.get().reference
    assert f"We saved your answers as draft {reference}" in page
    assert "Delete this draft" in page


def test_continue_after_changing_a_draft_says_nothing_new(client_for, draft, workforce_lead, la):
    client = client_for(workforce_lead)
    response = client.post(reverse("breaches:request-edit", args=[draft.pk]), form_data(la))

    assert "We saved your answers" not in client.get(response.url).text


@pytest.mark.parametrize("url_name", ["breaches:request-new", "breaches:request-edit", "breaches:request-check"])
def test_every_form_step_has_back_and_cancel_links(client_for, draft, workforce_lead, url_name):
    args = [] if url_name == "breaches:request-new" else [draft.pk]

    page = client_for(workforce_lead).get(reverse(url_name, args=args)).text

    assert 'class="govuk-back-link"' in page
    assert ">Cancel" in page
    # The back link sits inside the main landmark.
    assert page.index('id="main-content"') < page.index("govuk-back-link")
