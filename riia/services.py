"""Every write of the shared core: audit, notifications, memberships and reference data."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from riia.errors import DomainError
from riia.models import (
    MSP,
    AuditRecord,
    LeaveReason,
    LocalAuthority,
    Membership,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    Region,
    Role,
    SubRegionalGroup,
    User,
)
from riia.rules import forget_memberships, is_programme_manager_of
from riia.selectors import notification_deliveries_for

DATA_DIR = Path(__file__).resolve().parent / "data"


# --- Audit ----------------------------------------------------------------------------------


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-safe picture of some fields of an object, for the before/after of an audit record."""
    return _jsonable({name: getattr(obj, name) for name in fields})


def _jsonable(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one audit record. ``actor`` is None when the system acted (a scheduled task)."""
    return AuditRecord.objects.create(
        actor=actor,
        actor_label=str(actor) if actor else "System",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
    )


# --- Checks every service makes ------------------------------------------------------------


def required_text(value: str | None, *, message: str, field: str) -> str:
    """The text with its surrounding spaces removed; a DomainError on ``field`` when nothing is left."""
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def require_programme_manager(actor: User, region: Region, doing: str = "do this") -> None:
    """Refuse anyone but the region's programme manager, saying what they tried to do."""
    if not is_programme_manager_of(actor, region):
        raise DomainError(f"Only the programme manager of {region} can {doing}.")


# --- Notifications --------------------------------------------------------------------------


def notification_deliveries(*, users: Iterable[User], kind: str) -> dict[int, str]:
    """How each of these people wants to be told about ``kind`` (one query): their preference or the default."""
    ids = [user.pk for user in users]
    chosen = dict(NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "delivery"))
    default = NotificationKind.default_delivery(kind)
    return {pk: chosen.get(pk, default) for pk in ids}


def notification_send(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str = "",
    url: str = "",
    kind: str = NotificationKind.OWN,
    about: models.Model | None = None,
) -> list[Notification]:
    """Tell people something in the service; email it once the transaction commits to those who want
    this ``kind`` straight away. The daily digest (``notification_digest_send``) emails the others who
    chose it; "in the service only" is never emailed. ``about`` (with a ``status``) lets the
    notifications page say when that object has moved on since."""
    from riia.outbox import outbox_enqueue_many
    from riia.tasks import notification_email_send_task

    unique = {user.pk: user for user in recipients if user.is_active}
    deliveries = notification_deliveries(users=unique.values(), kind=kind)
    about_fields = (
        {
            "about_type": ContentType.objects.get_for_model(about),
            "about_id": str(about.pk),
            "about_status": str(getattr(about, "status", "")),
        }
        if about is not None
        else {}
    )
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                subject=subject,
                body=body,
                url=url,
                kind=kind,
                delivery=deliveries[pk],
                **about_fields,
            )
            for pk, user in unique.items()
        ]
    )
    # The emails go through the outbox, in this transaction: sent once it commits, even if Redis is
    # down at that moment (then when it is back), and never for a change that rolled back.
    outbox_enqueue_many(
        notification_email_send_task, [[n.pk] for n in notifications if n.delivery == NotificationDelivery.IMMEDIATELY]
    )
    return notifications


def help_contact_for(user: User) -> str:
    """Who a person contacts for help: their region's help contact (the first, by name, of their
    regions that has one), or their region's programme manager in general terms."""
    from riia.rules import member_help_contacts

    contacts = member_help_contacts(user)
    return contacts[0][1] if contacts else "your region's programme manager"


def _email_signature(user: User) -> str:
    return (
        f"If you have a question about this, contact {help_contact_for(user)}.\n\nThe RIIA agency social work service"
    )


def notification_email_text(*, notification: Notification, site_url: str) -> str:
    """An email written for a person: a greeting, what happened, the link, and who to ask."""
    parts = [_greeting(notification.recipient), notification.body or notification.subject]
    if notification.url:
        parts.append(f"See it in the service:\n{site_url}{notification.url}")
    parts.append(_email_signature(notification.recipient))
    return "\n\n".join(parts)


def _greeting(user: User) -> str:
    name = user.full_name.split()[0] if user.full_name else ""
    return f"Dear {name}," if name else "Hello,"


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification meant to go straight away. Safe to run twice: returns False when it was
    already sent, or is not one to email on its own (digest or in the service only)."""
    notification = (
        Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
    )
    if (
        notification is None
        or notification.emailed_at is not None
        or notification.delivery != NotificationDelivery.IMMEDIATELY
    ):
        return False
    from django.conf import settings

    send_mail(
        subject=notification.subject,
        message=notification_email_text(notification=notification, site_url=settings.SITE_URL),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def notification_digest_text(*, user: User, notifications: list[Notification], site_url: str) -> str:
    """One email listing a person's notifications since their last digest, oldest first."""
    count = len(notifications)
    lines = [
        _greeting(user),
        f"Here {'is' if count == 1 else 'are'} {count} update{'' if count == 1 else 's'} from the service "
        "since your last daily email:",
    ]
    for n in notifications:
        item = f"- {n.subject}"
        if n.url:
            item += f"\n  {site_url}{n.url}"
        lines.append(item)
    lines.append(
        f"You can see them all, and choose how you are told about each kind of event, at "
        f"{site_url}{reverse('notifications')}"
    )
    lines.append(_email_signature(user))
    return "\n\n".join(lines)


@transaction.atomic
def notification_digest_send(*, user_id: int) -> int:
    """Email one person one message listing their digest notifications not yet emailed, and mark
    them emailed. Safe to run twice: the second run finds nothing and sends nothing. Returns how
    many notifications the email listed (0: no email)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    notifications = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient=user, delivery=NotificationDelivery.DIGEST, emailed_at__isnull=True)
        .order_by("created_at", "pk")
    )
    if not notifications:
        return 0
    from django.conf import settings

    count = len(notifications)
    send_mail(
        subject=f"Your daily summary from the RIIA service: {count} update{'' if count == 1 else 's'}",
        message=notification_digest_text(user=user, notifications=notifications, site_url=settings.SITE_URL),
        from_email=None,
        recipient_list=[user.email],
    )
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
    return count


@transaction.atomic
def notification_preferences_set(*, actor: User, deliveries: Mapping[str, str]) -> dict[str, str]:
    """Save how ``actor`` wants to be told about each kind of event, with an audit record of the change.
    Applies to notifications created from now on."""
    unknown = sorted(set(deliveries) - set(NotificationKind.values))
    if unknown:
        raise DomainError(f"{', '.join(unknown)} is not a kind of notification.")
    for kind, delivery in deliveries.items():
        if delivery not in NotificationDelivery.values:
            raise DomainError("Select how you want to be told", field=kind)
    before = notification_deliveries_for(user=actor)
    for kind, delivery in deliveries.items():
        NotificationPreference.objects.update_or_create(user=actor, kind=kind, defaults={"delivery": delivery})
    after = notification_deliveries_for(user=actor)
    if after != before:
        audit_record(
            actor=actor,
            action="notification.preferences_changed",
            obj=actor,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return after


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    notification = Notification.objects.select_for_update().filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise DomainError("That notification does not exist or is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- Memberships ----------------------------------------------------------------------------


def access_changed(*, users: models.QuerySet[User] | Iterable[User] | None = None) -> None:
    """What decides these people's access has changed: their roles, or the organisations those roles
    name (``None``: everyone, as when an organisation is renamed, moves region or serves other LAs).
    Gives them a new ``access_version``, in the caller's transaction, so their memberships are read
    afresh on their next request (``riia.rules.current_memberships``). User objects passed in are
    updated too, so the caller's own next check sees the change."""
    version = uuid.uuid4()
    if users is None:
        User.objects.update(access_version=version)
        return
    if isinstance(users, models.QuerySet):
        users.update(access_version=version)
        return
    users = list(users)
    User.objects.filter(pk__in=[u.pk for u in users]).update(access_version=version)
    for user in users:
        user.access_version = version
        forget_memberships(user)


def membership_organisation_field(role: str) -> str:
    """The Membership column that names the organisation a role belongs to."""
    if role in Role.la_roles():
        return "local_authority"
    if role == Role.SUB_REGIONAL_LEAD:
        return "group"
    if role in Role.region_roles():
        return "region"
    if role in Role.msp_roles():
        return "msp"
    return "agency"


@transaction.atomic
def membership_grant(*, user: User, role: str, organisation: models.Model, actor: User | None) -> Membership:
    """Give a person a role in an organisation (idempotent: an existing current role is returned)."""
    field = membership_organisation_field(role)
    expected = Membership._meta.get_field(field).related_model
    if not isinstance(organisation, expected):
        raise DomainError(
            f"The role {Role(role).label} belongs to a {expected._meta.verbose_name}, not {organisation}."
        )
    lookup: dict[str, Any] = {"user": user, "role": role, field: organisation}
    if role == Role.SUB_REGIONAL_LEAD:
        lookup["region"] = organisation.region
    existing = Membership.objects.current().filter(**lookup).first()
    if existing:
        return existing
    membership = Membership.objects.create(**lookup)
    access_changed(users=[user])
    audit_record(
        actor=actor,
        action="membership.granted",
        obj=membership,
        after={"role": role, "organisation": str(organisation)},
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, actor: User | None) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_at is not None:
        raise DomainError("This role has already ended.")
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    access_changed(users=[membership.user])
    audit_record(
        actor=actor,
        action="membership.ended",
        obj=membership,
        before={"ended_at": None},
        after={"ended_at": membership.ended_at},
    )
    return membership


# --- Region settings and the LAs an MSP serves ----------------------------------------------
# Both decide who may do what (who decides a breach request, which LAs' data an MSP writes), so
# each change is audited with its before and after.

REGION_SETTINGS = (
    "programme_body",
    "cool_off_months",
    "cool_off_exceptions",
    "breach_decision_level",
    "regional_decision_required",
    "help_contact",
)


@transaction.atomic
def region_settings_update(
    *,
    region: Region,
    actor: User | None,
    programme_body: str,
    cool_off_months: int,
    breach_decision_level: str,
    regional_decision_required: bool,
    cool_off_exceptions: list[str] | None = None,
    help_contact: str | None = None,
) -> Region:
    """Change a region's MOU settings. ``cool_off_exceptions`` (leave reasons that do not start the
    cool-off period) is left as it is when not given."""
    if cool_off_months < 3:
        raise DomainError(
            "The cool-off period must be at least 3 months, the national minimum", field="cool_off_months"
        )
    if breach_decision_level not in Region.DecisionLevel.values:
        raise DomainError("Select who decides breach requests", field="breach_decision_level")
    if cool_off_exceptions is not None:
        unknown = sorted(set(cool_off_exceptions) - set(LeaveReason.values))
        if unknown:
            raise DomainError(
                f"{', '.join(unknown)} is not a leave reason. Use: {', '.join(LeaveReason.values)}",
                field="cool_off_exceptions",
            )
    region = Region.objects.select_for_update().get(pk=region.pk)
    before = snapshot(region, REGION_SETTINGS)
    if cool_off_exceptions is not None:
        region.cool_off_exceptions = sorted(set(cool_off_exceptions))
    region.programme_body = programme_body.strip()
    region.cool_off_months = cool_off_months
    region.breach_decision_level = breach_decision_level
    region.regional_decision_required = regional_decision_required
    if help_contact is not None:
        region.help_contact = help_contact.strip()
    after = snapshot(region, REGION_SETTINGS)
    if after != before:
        region.save(update_fields=list(REGION_SETTINGS))
        access_changed()  # the region's settings travel with the memberships that name it
        audit_record(actor=actor, action="region.settings_changed", obj=region, before=before, after=after)
    return region


@transaction.atomic
def msp_local_authorities_set(*, msp: MSP, local_authorities: Iterable[LocalAuthority], actor: User | None) -> MSP:
    """Say which LAs an MSP serves (and so for which LAs its people may read and upload)."""
    msp = MSP.objects.select_for_update().get(pk=msp.pk)
    wanted = {la.pk: la for la in local_authorities}
    before = sorted(msp.local_authorities.values_list("old_code", flat=True))
    msp.local_authorities.set(wanted.values())
    after = sorted(la.old_code for la in wanted.values())
    if after != before:
        access_changed(users=User.objects.filter(memberships__msp=msp))
        audit_record(
            actor=actor,
            action="msp.local_authorities_set",
            obj=msp,
            before={"local_authorities": before},
            after={"local_authorities": after},
        )
    return msp


# --- Reference data -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceDataResult:
    regions_created: int
    groups_created: int
    las_created: int
    las_updated: int

    @property
    def changed(self) -> bool:
        return any((self.regions_created, self.groups_created, self.las_created, self.las_updated))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR) -> ReferenceDataResult:
    """Load the 9 regions and 153 LAs from the files in ``riia/data``. Running it twice changes nothing.

    Regions are created with the MOU settings in the file but never overwritten: once loaded,
    a region's own settings are its programme manager's to keep."""
    regions: dict[str, Region] = {}
    regions_created = 0
    for row in _read_csv(data_dir / "regions.csv"):
        region, created = Region.objects.get_or_create(
            ons_code=row["ons_code"],
            defaults={
                "name": row["name"],
                "slug": row["slug"],
                "programme_body": row["programme_body"],
                "cool_off_months": int(row["cool_off_months"]),
                "breach_decision_level": row["breach_decision_level"],
                "regional_decision_required": row["regional_decision_required"] == "true",
            },
        )
        regions[row["name"]] = region
        regions_created += created

    groups: dict[tuple[str, str], SubRegionalGroup] = {}
    groups_created = 0
    las_created = las_updated = 0
    for row in _read_csv(data_dir / "local_authorities.csv"):
        region = regions[row["region"]]
        group = None
        if row["sub_regional_group"]:
            key = (region.name, row["sub_regional_group"])
            if key not in groups:
                groups[key], created = SubRegionalGroup.objects.get_or_create(
                    region=region, name=key[1], defaults={"slug": slugify(key[1])}
                )
                groups_created += created
            group = groups[key]
        wanted = {"name": row["name"], "new_code": row["new_code"], "region": region, "group": group}
        la = LocalAuthority.objects.filter(old_code=row["old_code"]).first()
        if la is None:
            LocalAuthority.objects.create(old_code=row["old_code"], slug=slugify(row["name"]), **wanted)
            las_created += 1
        elif any(getattr(la, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(la, name, value)
            la.save()
            las_updated += 1
    if las_updated:
        access_changed()  # an LA renamed or moved to another region or group
    result = ReferenceDataResult(regions_created, groups_created, las_created, las_updated)
    if result.changed:
        audit_record(actor=None, action="reference_data.loaded", after=result.__dict__)
    return result
