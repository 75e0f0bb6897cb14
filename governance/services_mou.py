"""Writes of the MOU register: a new version (document checked like a case-study resource) and an LA's
signature of a version."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from casestudies.services import resource_file_check
from governance.models import MouSignature, MouVersion
from riia.errors import DomainError
from riia.models import LocalAuthority, NotificationKind, Region, Role, User
from riia.rules import is_chief_executive_of, is_dcs_of, is_programme_manager_of
from riia.selectors import people_in_region_las
from riia.services import audit_record, notification_send, require_programme_manager, required_text


@transaction.atomic
def mou_version_add(*, actor: User, region: Region, dated: date, summary: str, document: UploadedFile) -> MouVersion:
    require_programme_manager(actor, region, "add a version of the MOU")
    summary = required_text(summary, message="Enter a summary of what changed", field="summary")
    if document is None:
        raise DomainError("Choose the MOU document", field="document")
    name, content_type = resource_file_check(document)
    Region.objects.select_for_update().get(pk=region.pk)  # one numbering at a time per region
    number = (MouVersion.objects.filter(region=region).aggregate(n=Max("number"))["n"] or 0) + 1
    version = MouVersion(
        region=region,
        number=number,
        dated=dated,
        summary=summary,
        document_name=name,
        document_content_type=content_type,
        document_size=document.size,
        created_by=actor,
    )
    version.document.save(name, document, save=False)
    version.save()
    audit_record(actor=actor, action="mou.version_added", obj=version, after={"number": number, "dated": dated})
    notification_send(
        recipients=people_in_region_las(region=region, roles=[Role.DCS, Role.CHIEF_EXECUTIVE]),
        subject=f"New version of the {region} MOU to sign",
        kind=NotificationKind.ACTION,
        body=f"Version {number} ({dated:%d %B %Y}): {summary}",
    )
    return version


@transaction.atomic
def mou_sign(
    *, actor: User, version: MouVersion, local_authority: LocalAuthority, signed_on: date | None = None
) -> MouSignature:
    """The LA's DCS or chief executive signs for their LA; the programme manager records a signature
    made on paper, with its date."""
    if local_authority.region_id != version.region_id:
        raise DomainError(f"{local_authority} is not in {version.region}.", field="local_authority")
    by_la = is_dcs_of(actor, local_authority) or is_chief_executive_of(actor, local_authority)
    if not (by_la or is_programme_manager_of(actor, version.region)):
        raise DomainError("Only the LA's DCS or chief executive, or the programme manager, can record its signature.")
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise DomainError("The date signed must be today or in the past", field="signed_on")
    try:
        with transaction.atomic():
            signature = MouSignature.objects.create(
                version=version, local_authority=local_authority, signed_on=signed_on, recorded_by=actor
            )
    except IntegrityError:
        raise DomainError(f"{local_authority} has already signed version {version.number}.") from None
    audit_record(
        actor=actor,
        action="mou.signed",
        obj=version,
        after={"local_authority": str(local_authority), "signed_on": signed_on},
    )
    return signature
