"""Who may do what, as named predicates. Views, API permission classes, services and templates
(``{% load rules %}{% has_perm "riia.view_region" user region as can_view %}``) all use these.

Predicates take the core objects (a local authority, region or sub-regional group). Other apps
compose them for their own objects, e.g. ``is_dcs_of(user, breach_request.local_authority)``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

import rules
from django.conf import settings
from django.core.cache import cache
from django.utils.functional import LazyObject, empty

from riia.models import Membership, Region, Role

if TYPE_CHECKING:
    from riia.models import MSP, Agency, LocalAuthority, SubRegionalGroup, User


def _unwrapped(user):
    """The user object itself behind ``request.user`` (a lazy object, whose own ``__dict__`` would
    otherwise hold a second cache beside the one ``has_perm`` fills on the real object)."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def _memberships_read(user: User) -> list[Membership]:
    # Prefetched rather than joined: one role names one organisation, so the other lookups cost no
    # query, and PostgreSQL plans seven joined tables in longer than it runs the whole read.
    return list(
        Membership.objects.current()
        .filter(user=user)
        .order_by("role", "pk")
        .prefetch_related("local_authority__region", "region", "group", "msp__local_authorities__region", "agency")
    )


def access_cache_key(user, what: str) -> str | None:
    """Where something computed from the person's memberships alone (``what``: their memberships,
    their navigation) is kept between requests: under their ``access_version``, which
    ``riia.services.access_changed`` replaces in the same transaction as any change to their roles or
    to the organisations those roles name. The request has just read that value with the user row, so
    an entry is never older than the person's access at that moment. None for a principal without
    one (an API key) and after ``forget_memberships``."""
    user = _unwrapped(user)
    version = getattr(user, "access_version", None)
    if version is None or user.__dict__.get("_memberships_fresh"):
        return None
    return f"riia:{what}:{user.pk}:{version.hex}"


def current_memberships(user: User) -> list[Membership]:
    """The person's current memberships, read once per user object (i.e. once per request), from the
    cache when their access has not changed since it was read."""
    if not getattr(user, "is_authenticated", False):
        return []
    user = _unwrapped(user)
    found = user.__dict__.get("_current_memberships")
    if found is None:
        key = access_cache_key(user, "memberships")
        read = functools.partial(_memberships_read, user)
        found = cache.get_or_set(key, read, settings.RIIA_MEMBERSHIPS_CACHE_SECONDS) if key else read()
        user.__dict__["_current_memberships"] = found
    return found


def forget_memberships(user: User) -> None:
    """Drop what was read: this object's memberships come from the database from now on (a service
    that needs the roles held now, or one that has just changed them)."""
    user = _unwrapped(user)
    user.__dict__.pop("_current_memberships", None)
    user.__dict__["_memberships_fresh"] = True


# --- What the person holds: every rule and scoped selector reads memberships through these ------
# Each membership names exactly one organisation of its role's kind (a database constraint), so an
# LA role always has its LA, a RIIA role its region, an MSP role its MSP.


def memberships_with(user: User, roles: Iterable[str] | None = None) -> list[Membership]:
    """The person's current memberships holding one of ``roles`` (all of them when None)."""
    memberships = current_memberships(user)
    if roles is None:
        return memberships
    wanted = set(roles)
    return [m for m in memberships if m.role in wanted]


def holds_any(user: User, roles: Iterable[str]) -> bool:
    """Whether the person holds any of ``roles`` anywhere."""
    return bool(memberships_with(user, roles))


def roles_of(user: User) -> set[str]:
    return {m.role for m in current_memberships(user)}


def las_where(user: User, roles: Iterable[str] | None = None) -> list[LocalAuthority]:
    """The LAs in which the person holds one of ``roles`` (any LA role when None), each once."""
    las: dict[int, LocalAuthority] = {}
    for m in memberships_with(user, roles):
        if m.local_authority_id:
            las.setdefault(m.local_authority_id, m.local_authority)
    return list(las.values())


def regions_where(user: User, roles: Iterable[str] | None = None) -> list[Region]:
    """The regions in which the person holds one of the RIIA ``roles`` (any RIIA role when None), each once."""
    regions: dict[int, Region] = {}
    for m in memberships_with(user, roles):
        if m.region_id:
            regions.setdefault(m.region_id, m.region)
    return list(regions.values())


def groups_led_by(user: User) -> list[SubRegionalGroup]:
    """The sub-regional groups the person leads."""
    return [m.group for m in memberships_with(user, [Role.SUB_REGIONAL_LEAD])]


def msps_of(user: User) -> list[MSP]:
    return [m.msp for m in current_memberships(user) if m.msp_id]


def agencies_of(user: User) -> list[Agency]:
    return [m.agency for m in current_memberships(user) if m.agency_id]


def member_region_ids(user: User) -> set[int]:
    """The regions the person belongs to: through a RIIA role, an LA of the region, or an MSP serving
    one of its LAs. Agencies belong to no region."""
    ids: set[int] = set()
    for m in current_memberships(user):
        if m.region_id:
            ids.add(m.region_id)
        if m.local_authority_id:
            ids.add(m.local_authority.region_id)
        if m.msp_id:
            ids.update(la.region_id for la in m.msp.local_authorities.all())
    return ids


def member_regions(user: User) -> list[Region]:
    """The person's regions: a RIIA role's region, an LA role's LA's, and those of the LAs an MSP
    role's MSP serves (as ``riia.selectors.regions_visible_to``), by name, from the memberships
    already read instead of a query."""
    regions: dict[int, Region] = {}
    for m in current_memberships(user):
        if m.region_id is not None:
            regions[m.region_id] = m.region
        if m.local_authority_id is not None:
            regions[m.local_authority.region_id] = m.local_authority.region
        if m.msp_id is not None:
            regions.update((la.region_id, la.region) for la in m.msp.local_authorities.all())
    return sorted(regions.values(), key=lambda r: (r.name, r.pk))


def member_help_contacts(user: User) -> list[tuple[str, str]]:
    """(region name, help contact) for each of the person's regions that has one, by region name."""
    return [(r.name, r.help_contact) for r in member_regions(user) if r.help_contact]


def _has_la_role(user: User, la: LocalAuthority, roles: list[str]) -> bool:
    return any(m.local_authority_id == la.pk for m in memberships_with(user, roles))


def _has_region_role(user: User, region: Region, roles: list[str]) -> bool:
    return any(m.region_id == region.pk for m in memberships_with(user, roles))


# --- Predicates ---------------------------------------------------------------------------------


@rules.predicate
def is_la_member(user: User, la: LocalAuthority | None) -> bool:
    return la is not None and _has_la_role(user, la, Role.la_roles())


@rules.predicate
def is_workforce_lead_of(user: User, la: LocalAuthority | None) -> bool:
    return la is not None and _has_la_role(user, la, [Role.WORKFORCE_LEAD])


@rules.predicate
def is_dcs_of(user: User, la: LocalAuthority | None) -> bool:
    return la is not None and _has_la_role(user, la, [Role.DCS])


@rules.predicate
def is_chief_executive_of(user: User, la: LocalAuthority | None) -> bool:
    return la is not None and _has_la_role(user, la, [Role.CHIEF_EXECUTIVE])


@rules.predicate
def is_programme_manager_of(user: User, region: Region | None) -> bool:
    return region is not None and _has_region_role(user, region, [Role.PROGRAMME_MANAGER])


@rules.predicate
def is_sub_regional_lead_of(user: User, group: SubRegionalGroup | None) -> bool:
    return group is not None and any(g.pk == group.pk for g in groups_led_by(user))


@rules.predicate
def is_msp_uploader_for(user: User, la: LocalAuthority | None) -> bool:
    """An MSP uploader may write data only for the LAs their MSP serves."""
    return la is not None and any(
        la in m.msp.local_authorities.all() for m in memberships_with(user, [Role.MSP_UPLOADER])
    )


@rules.predicate
def is_region_member(user: User, region: Region | None) -> bool:
    """Anyone with a current role in the region: its LAs' staff, its RIIA staff, and the MSPs serving
    its LAs. Agencies are not members of a region."""
    return region is not None and region.pk in member_region_ids(user)


@rules.predicate
def is_region_staff(user: User, region: Region | None) -> bool:
    """Programme managers, sub-regional leads and RIIA members of the region."""
    return region is not None and _has_region_role(user, region, Role.region_roles())


@rules.predicate
def is_la_overseer(user: User, la: LocalAuthority | None) -> bool:
    """The region's programme manager, or the sub-regional lead of the LA's group."""
    if la is None:
        return False
    return is_programme_manager_of(user, la.region) or (
        la.group_id is not None and is_sub_regional_lead_of(user, la.group)
    )


def _region_of(la: LocalAuthority | None) -> Region | None:
    return la.region if la is not None else None


@rules.predicate
def can_view_la(user: User, la: LocalAuthority | None) -> bool:
    return is_la_member(user, la) or is_region_staff(user, _region_of(la)) or is_msp_uploader_for(user, la)


rules.add_perm("riia.view_region", is_region_member)
rules.add_perm("riia.manage_region", is_programme_manager_of)
rules.add_perm("riia.view_localauthority", can_view_la)


# --- API keys -------------------------------------------------------------------------------
# A programme manager looks after the keys of the MSPs serving their region's LAs and of those LAs;
# an MSP uploader, those of their own MSP. LAs' own staff and MSP viewers may not make keys.

if TYPE_CHECKING:
    from riia.models import MSP, ApiKey


def _programme_manager_region_ids(user: User) -> set[int]:
    return {m.region_id for m in current_memberships(user) if m.role == Role.PROGRAMME_MANAGER}


@rules.predicate
def can_manage_msp_keys(user: User, msp: MSP | None) -> bool:
    if msp is None:
        return False
    memberships = current_memberships(user)
    if any(m.role == Role.MSP_UPLOADER and m.msp_id == msp.pk for m in memberships):
        return True
    regions = _programme_manager_region_ids(user)
    return bool(regions) and msp.local_authorities.filter(region_id__in=regions).exists()


@rules.predicate
def can_manage_la_keys(user: User, la: LocalAuthority | None) -> bool:
    return la is not None and la.region_id in _programme_manager_region_ids(user)


@rules.predicate
def can_manage_api_keys(user: User) -> bool:
    """Whether the person looks after any keys at all (the API keys page and its link)."""
    return any(m.role in (Role.PROGRAMME_MANAGER, Role.MSP_UPLOADER) for m in current_memberships(user))


@rules.predicate
def can_manage_api_key(user: User, api_key: ApiKey | None) -> bool:
    if api_key is None:
        return False
    if api_key.msp_id:
        return can_manage_msp_keys(user, api_key.msp)
    return can_manage_la_keys(user, api_key.local_authority)


rules.add_perm("riia.manage_msp_api_keys", can_manage_msp_keys)
rules.add_perm("riia.manage_la_api_keys", can_manage_la_keys)
rules.add_perm("riia.manage_api_keys", can_manage_api_keys)
rules.add_perm("riia.manage_apikey", can_manage_api_key)


# --- Service administration ---------------------------------------------------------------------
# The people who run the deployment (superusers, made with createsuperuser) answer information-
# governance requests; no role in any organisation gives that right.


@rules.predicate
def is_service_admin(user: User) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


rules.add_perm("riia.export_audit_trail", is_service_admin)
