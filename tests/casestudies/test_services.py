import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from casestudies import services
from casestudies.models import CaseStudy, CaseStudyRevision, Resource, ResourceVersion
from riia.errors import DomainError
from riia.models import AuditRecord, Notification
from tests.casestudies.factories import CaseStudyFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_la_member_drafts_a_case_study_for_their_la(workforce_lead, la, complete_data):
    tag = TagFactory(slug="project-teams")
    complete_data.tags = [tag]

    case_study = services.case_study_create(actor=workforce_lead, local_authority=la, data=complete_data)

    assert case_study.status == "draft"
    assert case_study.region == la.region and case_study.author_la == la
    assert list(case_study.tags.all()) == [tag]


def test_drafting_for_another_la_is_refused(second_la_lead, la, complete_data):
    with pytest.raises(DomainError, match="local authority where you are the workforce lead"):
        services.case_study_create(actor=second_la_lead, local_authority=la, data=complete_data)
    assert not CaseStudy.objects.exists()


def test_a_draft_needs_a_title(workforce_lead, la, complete_data):
    with pytest.raises(DomainError) as error:
        services.case_study_create(
            actor=workforce_lead, local_authority=la, data=dataclasses.replace(complete_data, title=" ")
        )
    assert error.value.field == "title"
    assert not CaseStudy.objects.exists()


def test_programme_manager_may_write_for_the_region_but_not_another(
    programme_manager, foreign_programme_manager, region, complete_data
):
    case_study = services.case_study_create(actor=programme_manager, region=region, data=complete_data)
    assert case_study.author_la is None

    with pytest.raises(DomainError):
        services.case_study_create(actor=foreign_programme_manager, region=region, data=complete_data)


def test_submit_tells_the_programme_manager(draft, workforce_lead, programme_manager, foreign_programme_manager):
    services.case_study_submit(case_study=draft, actor=workforce_lead)

    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at
    assert Notification.objects.filter(recipient=programme_manager, url__contains=str(draft.pk)).exists()
    assert not Notification.objects.filter(recipient=foreign_programme_manager).exists()
    assert AuditRecord.objects.filter(action="case_study.submitted", object_id=str(draft.pk)).exists()


def test_submit_lists_every_missing_part_and_changes_nothing(la, workforce_lead):
    draft = CaseStudyFactory(author_la=la, author=workforce_lead, decision="", learning="", outcome="")

    with pytest.raises(DomainError) as error:
        services.case_study_submit(case_study=draft, actor=workforce_lead)

    assert "Enter how the decision to respond was made" in error.value.message
    assert "Enter what was learned" in error.value.message
    assert "Select whether it was successful" in error.value.message
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not Notification.objects.exists()


@pytest.mark.parametrize("person", ["second_la_lead", "foreign_lead", "programme_manager", "nobody"])
def test_only_the_authoring_la_may_submit(request, draft, person):
    with pytest.raises(DomainError):
        services.case_study_submit(case_study=draft, actor=request.getfixturevalue(person))
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_any_member_of_the_authoring_la_may_submit(draft, dcs):
    services.case_study_submit(case_study=draft, actor=dcs)
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_submitting_twice_is_refused(submitted, workforce_lead):
    with pytest.raises(DomainError, match="in review"):
        services.case_study_submit(case_study=submitted, actor=workforce_lead)


def test_publish_records_a_revision_audits_and_tells_the_author(submitted, programme_manager, workforce_lead):
    services.case_study_publish(case_study=submitted, actor=programme_manager)

    submitted.refresh_from_db()
    assert submitted.status == "published" and submitted.published_by == programme_manager
    assert submitted.revisions.get().number == 1
    assert AuditRecord.objects.filter(action="case_study.published", actor=programme_manager).exists()
    assert Notification.objects.filter(recipient=workforce_lead, subject__startswith="Case study published").exists()


@pytest.mark.parametrize("person", ["foreign_programme_manager", "workforce_lead", "sub_regional_lead", "riia_member"])
def test_publishing_outside_ones_region_or_role_is_refused(request, submitted, person):
    with pytest.raises(DomainError):
        services.case_study_publish(case_study=submitted, actor=request.getfixturevalue(person))
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not CaseStudyRevision.objects.exists()


def test_a_draft_cannot_be_published_before_it_is_submitted(draft, programme_manager):
    with pytest.raises(DomainError, match="not waiting for review"):
        services.case_study_publish(case_study=draft, actor=programme_manager)


def test_return_needs_comments_and_goes_back_to_the_author(submitted, programme_manager, workforce_lead):
    with pytest.raises(DomainError) as error:
        services.case_study_return(case_study=submitted, actor=programme_manager, comments="  ")
    assert error.value.field == "comments"

    services.case_study_return(case_study=submitted, actor=programme_manager, comments="Name the agency type.")

    submitted.refresh_from_db()
    assert submitted.status == "returned" and submitted.review_comments == "Name the agency type."
    assert Notification.objects.filter(recipient=workforce_lead, body__contains="Name the agency type.").exists()
    assert AuditRecord.objects.filter(action="case_study.returned").exists()


def test_returned_case_study_is_changed_and_resubmitted(submitted, programme_manager, workforce_lead):
    services.case_study_return(case_study=submitted, actor=programme_manager, comments="More detail please.")
    services.case_study_update(
        case_study=submitted,
        actor=workforce_lead,
        data=services.data_from(submitted, learning="Much more detail."),
    )
    services.case_study_submit(case_study=submitted, actor=workforce_lead)

    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.learning == "Much more detail."
    assert AuditRecord.objects.filter(action="case_study.resubmitted").exists()


def test_a_case_study_in_review_cannot_be_changed(submitted, workforce_lead):
    with pytest.raises(DomainError, match="being reviewed"):
        services.case_study_update(case_study=submitted, actor=workforce_lead, data=services.data_from(submitted))


def test_editing_a_published_case_study_keeps_history(submitted, programme_manager, workforce_lead):
    services.case_study_publish(case_study=submitted, actor=programme_manager)
    services.case_study_update(
        case_study=submitted, actor=workforce_lead, data=services.data_from(submitted, learning="Updated learning.")
    )

    revisions = list(submitted.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].learning == "Escalating early through the MSP works."
    assert revisions[1].learning == "Updated learning." and revisions[1].edited_by == workforce_lead
    audit = AuditRecord.objects.get(action="case_study.edited")
    assert audit.before["learning"] != audit.after["learning"]


def test_a_published_case_study_cannot_lose_a_part(published, workforce_lead):
    with pytest.raises(DomainError, match="all four parts"):
        services.case_study_update(
            case_study=published, actor=workforce_lead, data=services.data_from(published, issue="")
        )
    published.refresh_from_db()
    assert published.issue


def test_the_database_refuses_an_incomplete_case_study_in_review(la, workforce_lead):
    with pytest.raises(IntegrityError):
        CaseStudyFactory(author_la=la, author=workforce_lead, status="submitted", learning="")


# --- Resources ------------------------------------------------------------------------------


def _pdf(name="guide.pdf", size=None):
    content = b"%PDF-1.7\n" + b"x" * (size or 100)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_template_email_is_attached_to_a_draft(draft, workforce_lead):
    resource = services.resource_create(
        actor=workforce_lead,
        case_study=draft,
        title="Email to the agency",
        kind="template_email",
        body="Dear {{ agency }},\nThe role was advertised at {{ rate }}.",
    )

    assert resource.case_study == draft and resource.region == draft.region
    assert resource.versions.get().number == 1


def test_file_is_stored_through_the_storage_api(la, region, workforce_lead):
    resource = services.resource_create(
        actor=workforce_lead, region=region, owner_la=la, title="Guide", kind="reference", upload=_pdf()
    )

    version = resource.versions.get()
    assert version.original_name == "guide.pdf" and version.content_type == "application/pdf"
    assert version.file.storage.exists(version.file.name)
    assert "guide" not in version.file.name  # the stored name is opaque


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "must be a PDF"),
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"), "not a real PDF"),
        (SimpleUploadedFile("fake.docx", b"%PDF-1.7 not a zip"), "not a real DOCX"),
        (SimpleUploadedFile("binary.txt", b"abc\x00def"), "not a real TXT"),
        (SimpleUploadedFile("empty.csv", b""), "is empty"),
    ],
)
def test_disallowed_files_are_refused_and_nothing_is_written(region, programme_manager, upload, message):
    with pytest.raises(DomainError, match=message):
        services.resource_create(actor=programme_manager, region=region, title="T", kind="other", upload=upload)
    assert not Resource.objects.exists() and not ResourceVersion.objects.exists()


def test_oversized_file_is_refused(region, programme_manager, settings):
    settings.CASESTUDIES_RESOURCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(DomainError, match="smaller than 1 MB"):
        services.resource_create(
            actor=programme_manager, region=region, title="T", kind="other", upload=_pdf(size=1024 * 1024)
        )
    assert not Resource.objects.exists()


def test_a_resource_needs_text_or_a_file(region, programme_manager):
    with pytest.raises(DomainError, match="Enter the template text or choose a file"):
        services.resource_create(actor=programme_manager, region=region, title="T", kind="other")
    assert not Resource.objects.exists()


def test_adding_to_another_regions_library_is_refused(other_region, workforce_lead):
    with pytest.raises(DomainError, match="region you work in"):
        services.resource_create(actor=workforce_lead, region=other_region, title="T", kind="other", body="x")


def test_new_versions_are_numbered_and_keep_the_old(la, region, workforce_lead, second_la_lead):
    resource = services.resource_create(
        actor=workforce_lead, region=region, owner_la=la, title="Agenda", kind="agenda", body="1. {{ item }}"
    )
    services.resource_version_add(resource=resource, actor=workforce_lead, body="1. {{ item }}\n2. AOB", note="AOB")

    assert [v.number for v in resource.versions.order_by("number")] == [1, 2]
    with pytest.raises(DomainError):
        services.resource_version_add(resource=resource, actor=second_la_lead, body="mine now")
    assert resource.versions.count() == 2


def test_tags_load_is_idempotent():
    services.tags_load()
    assert services.tags_load() == 0
