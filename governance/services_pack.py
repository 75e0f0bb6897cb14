"""Writes of the quarterly MSP meeting pack: the programme manager's notes, then sharing it once."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from datareturns.selectors_returns import is_quarter
from governance.models import MeetingPack
from governance.selectors_pack import pack_audience
from riia.errors import DomainError
from riia.models import NotificationKind, Region, User
from riia.services import audit_record, notification_send, require_programme_manager


def _pack_for_update(region: Region, quarter: str) -> MeetingPack:
    if not is_quarter(quarter):
        raise DomainError("Enter a quarter like 2026-Q1", field="quarter")
    MeetingPack.objects.get_or_create(region=region, quarter=quarter)
    return MeetingPack.objects.select_for_update().get(region=region, quarter=quarter)


@transaction.atomic
def meeting_pack_notes_save(
    *, actor: User, region: Region, quarter: str, notes: str, la_notes: dict[int, str]
) -> MeetingPack:
    require_programme_manager(actor, region, "add notes to the meeting pack")
    pack = _pack_for_update(region, quarter)
    if pack.shared_at is not None:
        raise DomainError("The pack has been shared, so its notes cannot be changed.")
    la_ids = set(region.local_authorities.values_list("pk", flat=True))
    pack.notes = notes.strip()
    pack.la_notes = {str(pk): text.strip() for pk, text in la_notes.items() if pk in la_ids and text.strip()}
    pack.updated_at = timezone.now()
    pack.save(update_fields=["notes", "la_notes", "updated_at"])
    audit_record(
        actor=actor, action="meeting_pack.notes_saved", obj=pack, after={"notes": pack.notes, "la_notes": pack.la_notes}
    )
    return pack


@transaction.atomic
def meeting_pack_share(*, actor: User, region: Region, quarter: str) -> MeetingPack:
    require_programme_manager(actor, region, "share the meeting pack")
    pack = _pack_for_update(region, quarter)
    if pack.shared_at is not None:
        raise DomainError("The pack has already been shared.")
    pack.shared_at = timezone.now()
    pack.shared_by = actor
    pack.save(update_fields=["shared_at", "shared_by"])
    audit_record(actor=actor, action="meeting_pack.shared", obj=pack, after={"shared_at": pack.shared_at})
    notification_send(
        recipients=pack_audience(region=region),
        subject=f"MSP meeting pack for {region}, {quarter}",
        kind=NotificationKind.REGION,
        body=f"The programme manager of {region} shared the quarterly MSP meeting pack for {quarter}.",
        url=reverse("meetings:pack", args=[region.slug, quarter]),
    )
    return pack
