"""Every write of case studies and resources. Each transition has an explicit allowed-from set."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from casestudies.models import CaseStudy, CaseStudyRevision, Resource, ResourceVersion, Tag
from casestudies.rules import (
    can_add_resource_to_region,
    can_change_case_study,
    can_change_resource,
    is_case_study_reviewer,
    is_case_study_writer,
    is_la_writer,
)
from riia.errors import DomainError
from riia.models import MSP, Agency, LocalAuthority, NotificationKind, Region, Role, User
from riia.rules import is_programme_manager_of
from riia.selectors import people_with_region_role
from riia.services import audit_record, notification_send, required_text, snapshot

Status = CaseStudy.Status
DATA_DIR = Path(__file__).resolve().parent / "data"

PART_LABELS = {
    "issue": "Enter the issue",
    "decision": "Enter how the decision to respond was made",
    "outcome": "Select whether it was successful",
    "outcome_assessment": "Enter your assessment of whether it was successful",
    "learning": "Enter what was learned",
}
AUDITED_FIELDS = ["title", "case_type", "issue", "decision", "outcome", "outcome_assessment", "learning", "status"]


@dataclass
class CaseStudyData:
    """What a person writes; the same shape for drafting and editing."""

    title: str
    case_type: str
    issue: str = ""
    decision: str = ""
    outcome: str = ""
    outcome_assessment: str = ""
    learning: str = ""
    behaviour: str = CaseStudy.Behaviour.ENCOURAGE
    share_nationally: bool = False
    involved_description: str = ""
    tags: list[Tag] = field(default_factory=list)
    local_authorities: list[LocalAuthority] = field(default_factory=list)
    msps: list[MSP] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)

    SCALARS = (
        "title",
        "case_type",
        "issue",
        "decision",
        "outcome",
        "outcome_assessment",
        "learning",
        "behaviour",
        "share_nationally",
        "involved_description",
    )


def _apply(case_study: CaseStudy, data: CaseStudyData) -> None:
    if not data.title.strip():
        raise DomainError("Enter a title", field="title")
    if data.case_type not in CaseStudy.Type.values:
        raise DomainError("Select the type of case study", field="case_type")
    if data.outcome and data.outcome not in CaseStudy.Outcome.values:
        raise DomainError("Select whether it was successful", field="outcome")
    for name in CaseStudyData.SCALARS:
        value = getattr(data, name)
        setattr(case_study, name, value.strip() if isinstance(value, str) else value)
    case_study.updated_at = timezone.now()


def _set_relations(case_study: CaseStudy, data: CaseStudyData) -> None:
    case_study.tags.set(data.tags)
    case_study.local_authorities.set(data.local_authorities)
    case_study.msps.set(data.msps)
    case_study.agencies.set(data.agencies)


def missing_parts(case_study: CaseStudy) -> list[str]:
    return [message for name, message in PART_LABELS.items() if not getattr(case_study, name).strip()]


def _url(case_study: CaseStudy) -> str:
    return reverse("casestudies:detail", args=[case_study.pk])


def _revision_add(case_study: CaseStudy, actor: User, note: str) -> CaseStudyRevision:
    number = (case_study.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return CaseStudyRevision.objects.create(
        case_study=case_study,
        number=number,
        edited_by=actor,
        note=note,
        **{name: getattr(case_study, name) for name in ("title", *CaseStudy.PARTS)},
    )


@transaction.atomic
def case_study_create(
    *, actor: User, data: CaseStudyData, local_authority: LocalAuthority | None = None, region: Region | None = None
) -> CaseStudy:
    """Draft a case study for an LA the author belongs to, or (for a programme manager) for the region."""
    if local_authority is not None:
        if not is_la_writer(actor, local_authority):
            raise DomainError(
                "You can only write case studies for a local authority where you are "
                "the workforce lead, DCS or chief executive."
            )
        region = local_authority.region
    elif region is None or not is_programme_manager_of(actor, region):
        raise DomainError("Select the local authority you are writing for.", field="local_authority")
    case_study = CaseStudy(author=actor, author_la=local_authority, region=region, status=Status.DRAFT)
    _apply(case_study, data)
    case_study.save()
    _set_relations(case_study, data)
    return case_study


@transaction.atomic
def case_study_update(*, case_study: CaseStudy, actor: User, data: CaseStudyData, note: str = "") -> CaseStudy:
    """Change a draft, a returned case study or a published one. A published one must stay complete,
    and each change to it is kept as a new revision."""
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    if not can_change_case_study(actor, case_study):
        if case_study.status == Status.SUBMITTED:
            raise DomainError("This case study is being reviewed. You can change it if it is returned to you.")
        raise DomainError("You cannot change this case study.")
    before = snapshot(case_study, AUDITED_FIELDS)
    _apply(case_study, data)
    if case_study.status == Status.PUBLISHED and (missing := missing_parts(case_study)):
        raise DomainError(f"A published case study needs all four parts. {missing[0]}.")
    case_study.save()
    _set_relations(case_study, data)
    if case_study.status == Status.PUBLISHED:
        _revision_add(case_study, actor, note or "Edited after publishing")
        audit_record(
            actor=actor,
            action="case_study.edited",
            obj=case_study,
            before=before,
            after=snapshot(case_study, AUDITED_FIELDS),
        )
    return case_study


@transaction.atomic
def case_study_submit(*, case_study: CaseStudy, actor: User) -> CaseStudy:
    allowed_from = {Status.DRAFT, Status.RETURNED}
    case_study = CaseStudy.objects.select_for_update().select_related("region").get(pk=case_study.pk)
    if not is_case_study_writer(actor, case_study):
        raise DomainError("Only someone from the local authority that wrote this case study can send it for review.")
    if case_study.status not in allowed_from:
        raise DomainError(f"This case study is {case_study.get_status_display().lower()}, so it cannot be sent again.")
    if missing := missing_parts(case_study):
        raise DomainError("The case study is not finished: " + "; ".join(missing) + ".")
    resubmitted = case_study.status == Status.RETURNED
    case_study.status = Status.SUBMITTED
    case_study.submitted_at = timezone.now()
    case_study.save(update_fields=["status", "submitted_at"])
    audit_record(
        actor=actor,
        action="case_study.resubmitted" if resubmitted else "case_study.submitted",
        obj=case_study,
        after={"status": case_study.status},
    )
    notification_send(
        recipients=people_with_region_role(region=case_study.region, roles=[Role.PROGRAMME_MANAGER]),
        subject=f"Case study to review: {case_study.title}",
        body=f"{case_study.author_la or case_study.region} sent a case study for review"
        + (" again after changes." if resubmitted else "."),
        url=_url(case_study),
        kind=NotificationKind.ACTION,
        about=case_study,
    )
    return case_study


def _reviewable(case_study: CaseStudy, actor: User) -> CaseStudy:
    case_study = CaseStudy.objects.select_for_update().select_related("region", "author").get(pk=case_study.pk)
    if not is_case_study_reviewer(actor, case_study):
        raise DomainError(f"Only the programme manager of {case_study.region} can review this case study.")
    if case_study.status != Status.SUBMITTED:
        raise DomainError(f"This case study is {case_study.get_status_display().lower()}, not waiting for review.")
    return case_study


@transaction.atomic
def case_study_publish(*, case_study: CaseStudy, actor: User) -> CaseStudy:
    case_study = _reviewable(case_study, actor)
    before = snapshot(case_study, ["status"])
    case_study.status = Status.PUBLISHED
    case_study.published_at = timezone.now()
    case_study.published_by = actor
    case_study.review_comments = ""
    case_study.save(update_fields=["status", "published_at", "published_by", "review_comments"])
    _revision_add(case_study, actor, "Published")
    audit_record(
        actor=actor,
        action="case_study.published",
        obj=case_study,
        before=before,
        after={"status": case_study.status, "share_nationally": case_study.share_nationally},
    )
    audience = "every region" if case_study.share_nationally else f"everyone in {case_study.region}"
    # Only the author is told "your case study is published", and not when they published it themselves.
    notification_send(
        recipients=[case_study.author] if case_study.author_id != actor.pk else [],
        subject=f"Case study published: {case_study.title}",
        body=f"Your case study is published and {audience} can now read it.",
        url=_url(case_study),
        kind=NotificationKind.OWN,
        about=case_study,
    )
    return case_study


@transaction.atomic
def case_study_return(*, case_study: CaseStudy, actor: User, comments: str) -> CaseStudy:
    comments = required_text(comments, message="Enter what the author needs to change", field="comments")
    case_study = _reviewable(case_study, actor)
    case_study.status = Status.RETURNED
    case_study.review_comments = comments
    case_study.save(update_fields=["status", "review_comments"])
    audit_record(
        actor=actor,
        action="case_study.returned",
        obj=case_study,
        before={"status": Status.SUBMITTED},
        after={"status": case_study.status, "comments": case_study.review_comments},
    )
    notification_send(
        recipients=[case_study.author],
        subject=f"Case study returned: {case_study.title}",
        body=f"The programme manager returned your case study with comments:\n\n{case_study.review_comments}",
        url=_url(case_study),
        kind=NotificationKind.ACTION,
        about=case_study,
    )
    return case_study


# --- Resources ------------------------------------------------------------------------------

ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


def resource_max_bytes() -> int:
    return getattr(settings, "CASESTUDIES_RESOURCE_MAX_BYTES", 10 * 1024 * 1024)


def _looks_like(extension: str, head: bytes) -> bool:
    """Check the first bytes agree with the extension (a renamed executable is refused)."""
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension in {".docx", ".xlsx", ".odt"}:
        return head.startswith(b"PK\x03\x04")
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def resource_file_check(upload: UploadedFile) -> tuple[str, str]:
    """Refuse oversized or disallowed files, reading at most the first 2 KB. Returns (name, content type)."""
    name = Path(upload.name or "").name
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(e.lstrip(".").upper() for e in ALLOWED_EXTENSIONS)
        raise DomainError(f"The selected file must be a {allowed}", field="file")
    limit = resource_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise DomainError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB", field="file")
    if not upload.size:
        raise DomainError("The selected file is empty", field="file")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not _looks_like(extension, head):
        raise DomainError(f"The selected file is not a real {extension.lstrip('.').upper()} file", field="file")
    return name[-200:], ALLOWED_EXTENSIONS[extension]


def _version_add(resource: Resource, actor: User, body: str, upload: UploadedFile | None, note: str) -> ResourceVersion:
    body = body.strip()
    if not body and upload is None:
        raise DomainError("Enter the template text or choose a file", field="body")
    version = ResourceVersion(
        resource=resource,
        number=(resource.versions.aggregate(n=Max("number"))["n"] or 0) + 1,
        body=body,
        note=note.strip(),
        created_by=actor,
    )
    if upload is not None:
        version.original_name, version.content_type = resource_file_check(upload)
        version.size = upload.size
        version.file.save(version.original_name, upload, save=False)
    # Every check has passed before the file is stored, so a refused upload leaves nothing behind.
    version.save()
    return version


@transaction.atomic
def resource_create(
    *,
    actor: User,
    title: str,
    kind: str,
    body: str = "",
    upload: UploadedFile | None = None,
    description: str = "",
    case_study: CaseStudy | None = None,
    region: Region | None = None,
    owner_la: LocalAuthority | None = None,
    share_nationally: bool = False,
) -> Resource:
    """A resource attached to a case study (the author's side may add them while it can be changed),
    or standalone in a region's library."""
    title = required_text(title, message="Enter a title for the resource", field="title")
    if kind not in Resource.Kind.values:
        raise DomainError("Select what kind of resource this is", field="kind")
    if case_study is not None:
        case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
        if not can_change_case_study(actor, case_study):
            raise DomainError("You cannot add resources to this case study.")
        region, owner_la, share_nationally = case_study.region, case_study.author_la, case_study.share_nationally
    elif region is None or not can_add_resource_to_region(actor, region):
        raise DomainError("You can only add resources to the library of a region you work in.")
    if owner_la is not None and case_study is None and not is_la_writer(actor, owner_la):
        owner_la = None
    resource = Resource.objects.create(
        title=title,
        kind=kind,
        description=description.strip(),
        region=region,
        case_study=case_study,
        owner_la=owner_la,
        share_nationally=share_nationally,
        created_by=actor,
    )
    _version_add(resource, actor, body, upload, "First version")
    return resource


@transaction.atomic
def resource_version_add(
    *, resource: Resource, actor: User, body: str = "", upload: UploadedFile | None = None, note: str = ""
) -> ResourceVersion:
    resource = Resource.objects.select_for_update(of=("self",)).select_related("case_study").get(pk=resource.pk)
    if not can_change_resource(actor, resource):
        raise DomainError("You cannot add a version of this resource.")
    version = _version_add(resource, actor, body, upload, note)
    audit_record(actor=actor, action="resource.version_added", obj=resource, after={"version": version.number})
    return version


# --- Reference data -------------------------------------------------------------------------


@transaction.atomic
def tags_load(*, path: Path = DATA_DIR / "tags.json") -> int:
    """Create the topic and role tags in the data file; existing ones are kept. Returns how many were made."""
    created = 0
    for row in json.loads(path.read_text(encoding="utf-8")):
        _, made = Tag.objects.get_or_create(slug=row["slug"], defaults={"name": row["name"], "kind": row["kind"]})
        created += made
    return created


def data_from(case_study: CaseStudy, **changes: object) -> CaseStudyData:
    """The current content of a case study as CaseStudyData, with some fields changed."""
    values = {name: getattr(case_study, name) for name in CaseStudyData.SCALARS}
    values.update(
        tags=list(case_study.tags.all()),
        local_authorities=list(case_study.local_authorities.all()),
        msps=list(case_study.msps.all()),
        agencies=list(case_study.agencies.all()),
    )
    values.update(changes)
    return CaseStudyData(**values)
