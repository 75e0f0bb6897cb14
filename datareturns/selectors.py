"""Scoped reads of placement data: every list a person or an API key sees starts here."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from breaches.selectors.register import quarter_bounds
from datareturns.models import Flag, Leaver, Placement, Upload
from riia.models import Role
from riia.rules import current_memberships


def _is_key(viewer) -> bool:
    return getattr(viewer, "api_key", None) is not None


def _placement_scope(viewer) -> Q:
    """What a person (or an API key's organisation) may see: nothing unless a rule below allows it."""
    if _is_key(viewer):
        if viewer.msp is not None:
            return Q(msp=viewer.msp)
        return Q(local_authority=viewer.local_authority)
    scope = Q(pk__in=[])
    for m in current_memberships(viewer):
        if m.role in Role.la_roles():
            scope |= Q(local_authority_id=m.local_authority_id)
        elif m.role == Role.PROGRAMME_MANAGER:
            scope |= Q(local_authority__region_id=m.region_id)
        elif m.role in Role.msp_roles():
            scope |= Q(msp_id=m.msp_id)
    return scope


def placements_visible_to(
    viewer,
    *,
    la_code: str = "",
    quarter: str = "",
    flag: str = "",
    role: str = "",
    agency: str = "",
) -> QuerySet[Placement]:
    """Placements the viewer may see, optionally filtered: ``la_code`` (DfE number or ONS code),
    ``quarter`` (active in it, e.g. 2025-Q1), ``flag`` (a flag code), ``role`` (grade code) and
    ``agency`` (slug). Filters are checked by the caller (``placement_filters_check``)."""
    placements = Placement.objects.filter(_placement_scope(viewer))
    if la_code:
        placements = placements.filter(
            Q(local_authority__old_code=la_code) | Q(local_authority__new_code=la_code.upper())
        )
    if quarter:
        first, last = quarter_bounds(quarter)
        placements = placements_active_between(placements, first=first, last=last)
    if flag:
        placements = placements.filter(**{Flag.column(flag): True})
    if role:
        placements = placements.filter(role_grade__code=role)
    if agency:
        placements = placements.filter(agency__slug=agency)
    return placements.select_related("local_authority", "role_grade", "agency", "msp", "breach_request")


def placements_active_between(placements: QuerySet[Placement], *, first: date, last: date) -> QuerySet[Placement]:
    """Active in a period: started on or before its last day and not ended before its first."""
    return placements.filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last)


def uploads_visible_to(viewer) -> QuerySet[Upload]:
    """An MSP's uploads to its people and keys; an LA's own uploads to its people; every upload for
    the region's LAs to the programme manager."""
    if _is_key(viewer):
        if viewer.msp is not None:
            return Upload.objects.filter(msp=viewer.msp)
        return Upload.objects.filter(local_authority=viewer.local_authority)
    scope = Q(pk__in=[])
    for m in current_memberships(viewer):
        if m.role in Role.la_roles():
            scope |= Q(local_authority_id=m.local_authority_id)
        elif m.role in Role.msp_roles():
            scope |= Q(msp_id=m.msp_id)
        elif m.role == Role.PROGRAMME_MANAGER:
            scope |= Q(local_authority__region_id=m.region_id) | Q(msp__local_authorities__region_id=m.region_id)
    ids = Upload.objects.filter(scope).values("pk")
    return Upload.objects.filter(pk__in=ids).select_related("msp", "local_authority", "uploaded_by", "api_key")


def placement_history(*, placement: Placement):
    return placement.versions.select_related("upload").order_by("-replaced_at", "-pk")


def leavers_visible_to(viewer) -> QuerySet[Leaver]:
    """An LA's own leavers, to its people; the region's, to its programme manager."""
    scope = Q(pk__in=[])
    for m in current_memberships(viewer):
        if m.role in Role.la_roles():
            scope |= Q(local_authority_id=m.local_authority_id)
        elif m.role == Role.PROGRAMME_MANAGER:
            scope |= Q(local_authority__region_id=m.region_id)
    return Leaver.objects.filter(scope).select_related("local_authority")
