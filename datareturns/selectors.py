"""Scoped reads of placement data: every list a person or an API key sees starts here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from breaches.models import BreachRecord, BreachRequest
from breaches.selectors.register import _cell as spreadsheet_cell
from breaches.selectors.register import breach_records_visible_to, quarter_bounds
from datareturns.models import Flag, Leaver, Placement, Upload, source_reference
from rates.models import RoleGrade
from riia.models import Agency, LocalAuthority, Role
from riia.rules import current_memberships


def _is_key(user) -> bool:
    return getattr(user, "api_key", None) is not None


def _placement_scope(user) -> Q:
    """What a person (or an API key's organisation) may see: nothing unless a rule below allows it."""
    if _is_key(user):
        if user.msp is not None:
            return Q(msp=user.msp)
        return Q(local_authority=user.local_authority)
    scope = Q(pk__in=[])
    for m in current_memberships(user):
        if m.role in Role.la_roles():
            scope |= Q(local_authority_id=m.local_authority_id)
        elif m.role == Role.PROGRAMME_MANAGER:
            scope |= Q(local_authority__region_id=m.region_id)
        elif m.role in Role.msp_roles():
            scope |= Q(msp_id=m.msp_id)
    return scope


def placements_visible_to(
    *,
    user,
    la_code: str = "",
    quarter: str = "",
    flag: str = "",
    role: str = "",
    agency: str = "",
    upload_id: int | None = None,
) -> QuerySet[Placement]:
    """Placements the user may see, optionally filtered: ``la_code`` (DfE number or ONS code),
    ``quarter`` (active in it, e.g. 2025-Q1), ``flag`` (a flag code), ``role`` (grade code),
    ``agency`` (slug) and ``upload_id`` (whose current version came in that upload). Filters are
    checked by the caller (the API's query serializer, the pages' filter form)."""
    placements = Placement.objects.filter(_placement_scope(user))
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
    if upload_id is not None:
        placements = placements.filter(upload_id=upload_id)
    return placements.select_related("local_authority", "role_grade", "agency", "msp", "breach_request")


def placements_active_between(placements: QuerySet[Placement], *, first: date, last: date) -> QuerySet[Placement]:
    """Active in a period: started on or before its last day and not ended before its first."""
    return placements.filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last)


def uploads_visible_to(*, user) -> QuerySet[Upload]:
    """An MSP's uploads to its people and keys; an LA's own uploads to its people; every upload for
    the region's LAs to the programme manager."""
    if _is_key(user):
        if user.msp is not None:
            return Upload.objects.filter(msp=user.msp)
        return Upload.objects.filter(local_authority=user.local_authority)
    scope = Q(pk__in=[])
    for m in current_memberships(user):
        if m.role in Role.la_roles():
            scope |= Q(local_authority_id=m.local_authority_id)
        elif m.role in Role.msp_roles():
            scope |= Q(msp_id=m.msp_id)
        elif m.role == Role.PROGRAMME_MANAGER:
            scope |= Q(local_authority__region_id=m.region_id) | Q(msp__local_authorities__region_id=m.region_id)
    ids = Upload.objects.filter(scope).values("pk")
    return Upload.objects.filter(pk__in=ids).select_related("msp", "local_authority", "uploaded_by", "api_key")


def placement_history(*, placement: Placement):
    return placement.versions.select_related("upload", "role_grade", "agency").order_by("-replaced_at", "-pk")


def leavers_visible_to(*, user) -> QuerySet[Leaver]:
    """An LA's own leavers, to its people; the region's, to its programme manager."""
    scope = Q(pk__in=[])
    for m in current_memberships(user):
        if m.role in Role.la_roles():
            scope |= Q(local_authority_id=m.local_authority_id)
        elif m.role == Role.PROGRAMME_MANAGER:
            scope |= Q(local_authority__region_id=m.region_id)
    return Leaver.objects.filter(scope).select_related("local_authority")


# --- For the pages ------------------------------------------------------------------------------


def placement_get(*, user, pk: int) -> Placement:
    """One placement, or 404 when it does not exist or the user may not see it."""
    placement = placements_visible_to(user=user).select_related("upload").filter(pk=pk).first()
    if placement is None:
        raise Http404("No such placement among those you can see.")
    return placement


def upload_get(*, user, pk: int) -> Upload:
    upload = uploads_visible_to(user=user).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload among those you can see.")
    return upload


def placement_las_for(*, user) -> QuerySet[LocalAuthority]:
    """The LAs whose placements the person may see (for the filter): their own LAs, every LA of a
    region they manage, the LAs their MSP serves."""
    scope = Q(pk__in=[])
    for m in current_memberships(user):
        if m.role in Role.la_roles():
            scope |= Q(pk=m.local_authority_id)
        elif m.role == Role.PROGRAMME_MANAGER:
            scope |= Q(region_id=m.region_id)
        elif m.role in Role.msp_roles():
            scope |= Q(msps=m.msp_id)
    return LocalAuthority.objects.filter(scope).distinct().order_by("name")


def placement_role_grades_for(*, user) -> QuerySet[RoleGrade]:
    """The national grades and the local grades of the regions of those LAs."""
    regions = placement_las_for(user=user).values("region_id")
    return RoleGrade.objects.filter(Q(region__isnull=True) | Q(region_id__in=regions)).order_by("display_order", "name")


def placement_agencies_for(*, user) -> QuerySet[Agency]:
    """Agencies that supplied a placement the person may see."""
    return Agency.objects.filter(pk__in=placements_visible_to(user=user).values("agency_id")).order_by("name")


def placement_breach_records(*, user, placements) -> dict[int, BreachRecord]:
    """For placements flagged above the cap without permission: the breach register entry each
    suggested, where the person may see it (one query for a page of placements)."""
    references = {
        source_reference(sender=p.sender, assignment_id=p.assignment_id): p.pk
        for p in placements
        if p.flag_above_cap_unauthorised
    }
    if not references:
        return {}
    records = breach_records_visible_to(user=user).filter(source_reference__in=references)
    return {references[r.source_reference]: r for r in records}


def placements_using_breach_request(*, user, breach_request: BreachRequest) -> QuerySet[Placement]:
    """The placements (that the person may see) whose rate the approved request allows."""
    return placements_visible_to(user=user).filter(breach_request=breach_request).order_by("start_date", "pk")


def leaver_upload_las_for(*, user) -> list[LocalAuthority]:
    """LAs the person may send permanent leavers for (workforce lead)."""
    return _las_where(user, "datareturns.upload_leavers")


def placement_upload_las_for(*, user) -> list[LocalAuthority]:
    """LAs the person may send placements for in the browser (workforce lead)."""
    return _las_where(user, "datareturns.upload_placements")


def _las_where(user, perm: str) -> list[LocalAuthority]:
    las = {m.local_authority_id: m.local_authority for m in current_memberships(user) if m.local_authority_id}
    return sorted((la for la in las.values() if user.has_perm(perm, la)), key=lambda la: la.name)


PLACEMENT_CSV_HEADER = [
    "assignment_id",
    "la_code",
    "local_authority",
    "msp",
    "role",
    "role_name",
    "engagement_type",
    "hourly_pay_rate",
    "charge_rate",
    "agency_margin",
    "msp_fee",
    "start_date",
    "end_date",
    "hours_per_week",
    "agency",
    "project_team",
    "pqe_years",
    "covering_vacancy",
    "breach_request_reference",
    "breach_request",
    "cap_rate",
    "allowed_rate",
    *Flag.values,
    "explanations",
]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def placement_csv_rows(placements: QuerySet[Placement]) -> Iterator[list[str]]:
    """The placements as spreadsheet rows, in the upload's column names where there is one. Never the
    worker's registration number or its hash."""
    yield PLACEMENT_CSV_HEADER
    for p in placements.iterator(chunk_size=1000):
        yield [
            spreadsheet_cell(v)
            for v in (
                p.assignment_id,
                p.local_authority.old_code,
                p.local_authority.name,
                p.msp.name if p.msp else "",
                p.role_grade.code,
                p.role_grade.name,
                p.engagement_type,
                p.hourly_pay_rate,
                p.charge_rate,
                p.agency_margin,
                p.msp_fee,
                p.start_date.isoformat(),
                p.end_date.isoformat() if p.end_date else "",
                p.hours_per_week,
                p.agency.name,
                _yes_no(p.project_team),
                p.pqe_years,
                _yes_no(p.covering_vacancy),
                p.breach_request_reference,
                p.breach_request.reference if p.breach_request else "",
                p.cap_rate,
                p.allowed_rate,
                *(_yes_no(getattr(p, Flag.column(code))) for code in Flag.values),
                " ".join(p.explanations.get(code, "") for code in Flag.values if code in p.explanations),
            )
        ]
