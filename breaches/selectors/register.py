"""Reads of the breach register, each already scoped to what the person may see.

Quarters are calendar quarters: "2026-Q1" is January to March 2026, "2026-Q3" July to September."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from breaches.models import BreachRecord, BreachRequest, BreachRequestStatus
from riia.models import AuditRecord, LocalAuthority, Region, Role, User
from riia.rules import las_where, regions_where

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of a calendar quarter written like "2026-Q3"."""
    match = QUARTER_PATTERN.match(quarter)
    if match is None:
        raise ValueError(f"{quarter!r} is not a quarter like 2026-Q3")
    year, number = int(match[1]), int(match[2])
    if not 1 <= year <= 9998:  # date() has years 1 to 9999, and a quarter of 9999 may end in 10000
        raise ValueError(f"{quarter!r} is not a quarter of a year from 1 to 9998")
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent_quarters(*, count: int = 12, today: date | None = None) -> list[str]:
    """The current quarter and the ones before it, newest first."""
    today = today or timezone.localdate()
    year, number = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        quarters.append(f"{year}-Q{number}")
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return quarters


def _user_scope(user: User) -> Q:
    return Q(region__in=regions_where(user)) | Q(
        local_authority__in=las_where(user), status=BreachRecord.Status.CONFIRMED
    )


def breach_records_visible_to(*, user: User) -> QuerySet[BreachRecord]:
    """Region staff (programme manager, sub-regional leads, RIIA members): every entry of their region,
    suggestions included. LA people: their LA's confirmed entries. MSPs and agencies: none; what they
    are sanctioned for they see through the sanction."""
    if not user.is_authenticated:
        return BreachRecord.objects.none()
    return BreachRecord.objects.filter(_user_scope(user)).select_related(
        "region", "local_authority", "role_grade", "msp", "agency", "breach_request"
    )


def breach_records_to_review(*, user: User) -> QuerySet[BreachRecord]:
    """System suggestions waiting for the person's review (as programme manager of their region), oldest first."""
    return (
        breach_records_visible_to(user=user)
        .filter(status=BreachRecord.Status.SUGGESTED, region__in=regions_where(user, [Role.PROGRAMME_MANAGER]))
        .order_by("occurred_on", "pk")
    )


@dataclass(frozen=True)
class RegisterFilters:
    region: Region | None = None
    local_authority: LocalAuthority | None = None
    quarter: str = ""
    breach_type: str = ""
    with_permission: bool | None = None
    status: str = ""


def breach_records_filter(records: QuerySet[BreachRecord], filters: RegisterFilters) -> QuerySet[BreachRecord]:
    if filters.region is not None:
        records = records.filter(region=filters.region)
    if filters.local_authority is not None:
        records = records.filter(local_authority=filters.local_authority)
    if filters.quarter:
        start, end = quarter_bounds(filters.quarter)
        records = records.filter(occurred_on__gte=start, occurred_on__lte=end)
    if filters.breach_type:
        records = records.filter(breach_type=filters.breach_type)
    if filters.with_permission is not None:
        records = records.filter(with_permission=filters.with_permission)
    if filters.status:
        records = records.filter(status=filters.status)
    return records


def breach_record_get(*, user: User, pk: int) -> BreachRecord:
    """One entry, or 404 when it does not exist or the person may not see it."""
    record = breach_records_visible_to(user=user).filter(pk=pk).first()
    if record is None:
        raise Http404("No such breach in your register.")
    return record


def breach_record_history(*, record: BreachRecord) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(BreachRecord), object_id=str(record.pk)
    ).order_by("created_at", "pk")


def register_regions_for(*, user: User) -> QuerySet[Region]:
    """Regions whose register the person reads (for the filter)."""
    return Region.objects.filter(breach_records__in=breach_records_visible_to(user=user)).distinct().order_by("name")


def _las_of(*, regions: list[Region], las: list[LocalAuthority]) -> QuerySet[LocalAuthority]:
    """Every LA of ``regions``, and ``las``, by name."""
    return (
        LocalAuthority.objects.filter(Q(region__in=regions) | Q(pk__in=[la.pk for la in las]))
        .select_related("region")
        .order_by("name")
    )


def register_las_for(*, user: User) -> QuerySet[LocalAuthority]:
    """LAs whose register entries the person may read (for the filter)."""
    return _las_of(regions=regions_where(user), las=las_where(user))


def las_recordable_by(*, user: User) -> QuerySet[LocalAuthority]:
    """LAs the person may record breaches for: their own as workforce lead, every LA of a region they
    are programme manager of."""
    return _las_of(regions=regions_where(user, [Role.PROGRAMME_MANAGER]), las=las_where(user, [Role.WORKFORCE_LEAD]))


def approved_requests_for(*, local_authorities: Iterable[LocalAuthority] | QuerySet) -> QuerySet[BreachRequest]:
    """Approved breach requests that a breach may be linked to."""
    return (
        BreachRequest.objects.filter(local_authority__in=local_authorities, status=BreachRequestStatus.APPROVED)
        .select_related("local_authority", "role_grade")
        .order_by("-submitted_at")
    )


CSV_HEADER = [
    "Region",
    "Local authority",
    "LA code",
    "Date",
    "Quarter",
    "Breach",
    "With permission",
    "Breach request",
    "Role",
    "Hourly rate",
    "MSP",
    "Agency",
    "What happened",
    "Reason",
    "Actions taken",
    "Prevents a repeat",
    "Status",
    "Source",
    "Source reference",
]


def _cell(value: object) -> str:
    """Text for a spreadsheet; a leading = + - @ would run as a formula in Excel, so it is quoted."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def breach_register_rows(records: QuerySet[BreachRecord]) -> Iterator[list[str]]:
    yield CSV_HEADER
    for r in records.iterator(chunk_size=500):
        yield [
            _cell(v)
            for v in (
                r.region.name,
                r.local_authority.name,
                r.local_authority.new_code,
                r.occurred_on.isoformat(),
                quarter_of(r.occurred_on),
                r.get_breach_type_display(),
                "Yes" if r.with_permission else "No",
                r.breach_request.reference if r.breach_request else "",
                r.role_grade.name if r.role_grade else "",
                r.hourly_rate,
                r.msp.name if r.msp else "",
                r.agency.name if r.agency else "",
                r.description,
                r.reason,
                r.actions_taken,
                r.get_prevents_repeat_display(),
                r.get_status_display(),
                r.get_source_display(),
                r.source_reference,
            )
        ]
