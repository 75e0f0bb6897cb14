import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casestudies.models import CaseStudy, Resource
from tests.casestudies.factories import CaseStudyFactory, ResourceFactory, ResourceVersionFactory

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"casestudies:{name}", args=args)


def _form(**overrides):
    data = {
        "title": "Project team offer above the cap",
        "case_type": "breaches",
        "behaviour": "reduce",
        "issue": "The same candidates came back as a project team.",
        "decision": "We negotiated directly.",
        "outcome": "successful",
        "outcome_assessment": "All accepted the capped rate.",
        "learning": "Check the MSP system first.",
    }
    data.update(overrides)
    return data


def test_lead_drafts_and_sees_check_your_answers(client_for, workforce_lead, la):
    client = client_for(workforce_lead)

    response = client.post(_url("create"), _form(local_authority=la.pk))

    case_study = CaseStudy.objects.get()
    assert response.status_code == 302 and response.url == _url("detail", case_study.pk)
    page = client.get(response.url).text
    assert "Check your answers before sending it for review" in page
    assert "Draft saved." in page and "Send for review" in page


def test_drafting_without_a_title_shows_the_error_summary_and_writes_nothing(client_for, workforce_lead, la):
    response = client_for(workforce_lead).post(_url("create"), _form(title="", local_authority=la.pk))

    assert response.status_code == 200
    assert "There is a problem" in response.text and 'href="#id_title">Enter a title' in response.text
    assert not CaseStudy.objects.exists()


@pytest.mark.parametrize("person", ["programme_manager", "msp_viewer", "agency_contact", "nobody"])
def test_people_without_an_la_role_cannot_draft(request, client_for, person):
    assert client_for(request.getfixturevalue(person)).get(_url("create")).status_code == 403


def test_sending_an_unfinished_draft_names_the_missing_parts(client_for, workforce_lead, la):
    draft = CaseStudyFactory(author_la=la, author=workforce_lead, learning="")

    response = client_for(workforce_lead).post(_url("submit", draft.pk), follow=True)

    assert "Enter what was learned" in response.text
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_review_journey_publish(client_for, draft, workforce_lead, programme_manager):
    client_for(workforce_lead).post(_url("submit", draft.pk))
    client = client_for(programme_manager)
    page = client.get(_url("detail", draft.pk)).text
    assert "Publish" in page and "Return to the author" in page

    response = client.post(_url("publish", draft.pk), follow=True)

    assert "Case study published" in response.text and "History" in response.text
    draft.refresh_from_db()
    assert draft.status == "published"


def test_return_requires_comments(client_for, submitted, programme_manager):
    client = client_for(programme_manager)
    response = client.post(_url("return", submitted.pk), {"comments": ""})
    assert 'href="#id_comments">Enter what the author needs to change' in response.text

    response = client.post(_url("return", submitted.pk), {"comments": "Add the dates."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "returned"


@pytest.mark.parametrize("person", ["foreign_programme_manager", "workforce_lead", "riia_member"])
def test_publishing_is_refused_to_others(request, client_for, submitted, person):
    client_for(request.getfixturevalue(person)).post(_url("publish", submitted.pk))
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


@pytest.mark.parametrize(("person", "status"), [("second_la_lead", 403), ("foreign_lead", 403), ("dcs", 200)])
def test_draft_page_is_for_the_authoring_la_only(request, client_for, draft, person, status):
    assert client_for(request.getfixturevalue(person)).get(_url("detail", draft.pk)).status_code == status


def test_get_never_changes_state(client_for, submitted, programme_manager):
    client = client_for(programme_manager)
    assert client.get(_url("publish", submitted.pk)).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_published_edit_shows_history(client_for, published, workforce_lead, programme_manager):
    published.revisions.create(
        number=1,
        edited_by=programme_manager,
        note="Published",
        **{f: getattr(published, f) for f in ("title", *CaseStudy.PARTS)},
    )
    response = client_for(workforce_lead).post(_url("edit", published.pk), _form(learning="Updated."), follow=True)

    assert "Case study saved." in response.text
    assert response.text.count('class="govuk-table__row"') >= 3  # header + two versions


def test_search_page_filters_and_shows_related(client_for, la, workforce_lead, second_la_lead):
    CaseStudyFactory(author_la=la, author=workforce_lead, published=True, title="Soliciting stopped")
    response = client_for(second_la_lead).get(_url("index"), {"q": "soliciting", "case_type": "escalation"})

    assert "1 case study matching" in response.text and "Soliciting stopped" in response.text


def test_template_email_added_to_draft_and_downloaded(client_for, draft, workforce_lead, second_la_lead):
    client = client_for(workforce_lead)
    response = client.post(
        _url("resource-add", draft.pk),
        {"title": "Email to agency", "kind": "template_email", "body": "Dear {{ agency }}"},
    )
    assert response.status_code == 302
    resource = Resource.objects.get()

    download = client.get(_url("resource-download", resource.pk, 1))
    assert download.status_code == 200 and b"Dear {{ agency }}" in download.content
    assert "attachment" in download["Content-Disposition"]
    assert client_for(second_la_lead).get(_url("resource-download", resource.pk, 1)).status_code == 403


def test_uploaded_file_is_downloaded_through_the_permission_check(client_for, workforce_lead, region, foreign_lead):
    client = client_for(workforce_lead)
    pdf = SimpleUploadedFile("guide.pdf", b"%PDF-1.7 hello", content_type="application/pdf")
    response = client.post(_url("resource-create"), {"title": "Guide", "kind": "reference", "file": pdf})
    assert response.status_code == 302
    resource = Resource.objects.get()

    download = client.get(_url("resource-download", resource.pk, 1))
    assert b"".join(download.streaming_content) == b"%PDF-1.7 hello"
    assert 'filename="guide.pdf"' in download["Content-Disposition"]
    assert client_for(foreign_lead).get(_url("resource-download", resource.pk, 1)).status_code == 403


def test_disallowed_file_shows_an_error_and_writes_nothing(client_for, workforce_lead, region):
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = client_for(workforce_lead).post(_url("resource-create"), {"title": "T", "kind": "other", "file": exe})

    assert "There is a problem" in response.text and "The selected file must be a PDF" in response.text
    assert not Resource.objects.exists()


def test_oversized_request_is_refused_before_it_is_parsed(client_for, workforce_lead, region, settings):
    settings.CASESTUDIES_RESOURCE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.txt", b"a" * 1_200_000, content_type="text/plain")
    response = client_for(workforce_lead).post(_url("resource-create"), {"title": "T", "kind": "other", "file": big})

    assert 'href="#id_file">The selected file must be smaller than 1 MB' in response.text
    assert not Resource.objects.exists()


def test_new_version_of_a_standalone_resource(client_for, workforce_lead, la, region, second_la_lead):
    resource = ResourceFactory(region=region, owner_la=la)
    ResourceVersionFactory(resource=resource, number=1)
    client = client_for(workforce_lead)

    response = client.post(_url("resource-version-add", resource.pk), {"body": "v2 text", "note": "shorter"})
    assert response.status_code == 302 and resource.versions.count() == 2
    assert client_for(second_la_lead).get(_url("resource-version-add", resource.pk)).status_code == 403


def test_home_panels_for_reviewer_and_author(client_for, submitted, la, workforce_lead, programme_manager):
    assert "Submitted one" in client_for(programme_manager).get(reverse("home")).text
    CaseStudyFactory(author_la=la, author=workforce_lead, status="returned", title="Returned one")
    page = client_for(workforce_lead).get(reverse("home")).text
    assert "Case studies returned to you" in page and "Returned one" in page
    assert 'href="/case-studies/"' in page  # navigation item
