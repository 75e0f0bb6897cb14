"""Every write about API keys: make one, revoke one, and check one a request presents.

Kept apart from ``riia.services`` so that the core's services stay about people and reference data.
The key itself is returned once by ``api_key_create`` and never stored, logged or audited: only its
hash (by djangorestframework-api-key) and its prefix, which is safe to show."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as date_format

from riia.errors import DomainError
from riia.models import MSP, ApiKey, LocalAuthority, User
from riia.rules import can_manage_api_key, can_manage_la_keys, can_manage_msp_keys
from riia.services import audit_record

NAME_MAX_LENGTH = ApiKey._meta.get_field("name").max_length
# last_used_at is for people ("last used 3 March"): write it at most once a minute per key, not per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class ApiKeyRefused(DomainError):
    """The key a request presented is unknown, revoked or expired (the API answers 401)."""


def expiry_moment(expiry_date: date) -> datetime:
    """A key "expiring on 1 March 2026" stops working at the start of that day, UK time."""
    return timezone.make_aware(datetime.combine(expiry_date, time.min))


def _audit_picture(api_key: ApiKey) -> dict:
    return {
        "name": api_key.name,
        "prefix": api_key.prefix,
        "organisation": str(api_key.organisation),
        "kind": api_key.kind,
        "expiry_date": api_key.expiry_date,
        "revoked": api_key.revoked,
    }


@transaction.atomic
def api_key_create(
    *,
    actor: User | None,
    name: str,
    msp: MSP | None = None,
    local_authority: LocalAuthority | None = None,
    expiry_date: date | None = None,
) -> tuple[ApiKey, str]:
    """Make a key for one MSP or one LA. ``actor`` None is an operator (the management command).
    Returns the key with its secret, which the caller shows once."""
    if (msp is None) == (local_authority is None):
        raise DomainError("Choose the MSP or the local authority the key is for", field="organisation")
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter a name for the key", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"The name must be {NAME_MAX_LENGTH} characters or fewer", field="name")
    if expiry_date is not None and expiry_date <= timezone.localdate():
        raise DomainError("The expiry date must be in the future", field="expiry_date")
    if actor is not None:
        if msp is not None and not can_manage_msp_keys(actor, msp):
            raise DomainError(
                f"You cannot make API keys for {msp}: only its uploaders and the programme managers of "
                "the regions it serves can",
                field="organisation",
            )
        if local_authority is not None and not can_manage_la_keys(actor, local_authority):
            raise DomainError(
                f"Only the programme manager of {local_authority.region} can make API keys for {local_authority}",
                field="organisation",
            )
    api_key, key = ApiKey.objects.create_key(
        name=name,
        msp=msp,
        local_authority=local_authority,
        created_by=actor,
        expiry_date=expiry_moment(expiry_date) if expiry_date else None,
    )
    audit_record(actor=actor, action="api_key.created", obj=api_key, after=_audit_picture(api_key))
    return api_key, key


@transaction.atomic
def api_key_revoke(*, actor: User | None, api_key: ApiKey) -> ApiKey:
    """Stop a key working, for good (the library refuses to un-revoke)."""
    api_key = ApiKey.objects.select_for_update(of=("self",)).select_related("msp", "local_authority").get(pk=api_key.pk)
    if actor is not None and not can_manage_api_key(actor, api_key):
        raise DomainError(f"You cannot revoke API keys of {api_key.organisation}")
    if api_key.revoked:
        raise DomainError("This API key has already been revoked")
    before = _audit_picture(api_key)
    api_key.revoked = True
    api_key.revoked_at = timezone.now()
    api_key.revoked_by = actor
    api_key.save(update_fields=["revoked", "revoked_at", "revoked_by"])
    audit_record(actor=actor, action="api_key.revoked", obj=api_key, before=before, after=_audit_picture(api_key))
    return api_key


def api_key_authenticate(*, key: str) -> ApiKey:
    """The key a request presented, checked: raises ApiKeyRefused, saying why, when it may not be used.
    Records when it was last used, at most once a minute, in one conditional UPDATE (no read-modify-write)."""
    prefix, _, _ = key.partition(".")
    api_key = ApiKey.objects.select_related("msp", "local_authority__region").filter(prefix=prefix).first()
    if api_key is None or not api_key.is_valid(key):
        raise ApiKeyRefused("Unknown API key")
    if api_key.revoked:
        raise ApiKeyRefused("This API key has been revoked")
    if api_key.has_expired:
        expired_on = date_format(timezone.localtime(api_key.expiry_date), "j F Y")
        raise ApiKeyRefused(f"This API key expired on {expired_on}")
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is None or api_key.last_used_at < stale:
        ApiKey.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=api_key.pk).update(
            last_used_at=now
        )
        api_key.last_used_at = now
    return api_key
