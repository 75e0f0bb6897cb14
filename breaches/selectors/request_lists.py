"""The breach request list and the region's decisions register: filters (status, LA, role, quarter)
read from the address, sorting, and the rows of their CSV downloads. Scoping stays with
``breaches.selectors.requests``; these only narrow and order what the person may already see."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from breaches.models import BreachRequest, Decision
from breaches.selectors.register import quarter_bounds
from rates.models import RoleGrade
from riia.models import AuditRecord, LocalAuthority


@dataclass(frozen=True)
class RequestFilters:
    status: str = ""
    local_authority: LocalAuthority | None = None
    role_grade: RoleGrade | None = None
    quarter: str = ""
    sort: str = ""


# Sort keys as they appear in the address (?sort=...), with the label the page shows.
REQUEST_SORTS = {
    "newest": ("Newest sent first", (F("submitted_at").desc(nulls_first=True), "-pk")),
    "oldest": ("Oldest sent first", (F("submitted_at").asc(nulls_last=True), "pk")),
    "reference": ("Reference", ("reference",)),
    "local-authority": ("Local authority", ("local_authority__name", "reference")),
    "rate-high": ("Highest proposed rate", ("-proposed_rate", "reference")),
    "rate-low": ("Lowest proposed rate", ("proposed_rate", "reference")),
}
DECISION_SORTS = {
    "newest": ("Newest decision first", ("-decided_at", "-pk")),
    "oldest": ("Oldest decision first", ("decided_at", "pk")),
    "reference": ("Reference", ("breach_request__reference",)),
    "local-authority": ("Local authority", ("breach_request__local_authority__name", "-decided_at")),
    "rate-high": ("Highest proposed rate", ("-breach_request__proposed_rate", "-decided_at")),
}


def with_submitted_by(queryset: QuerySet, *, request_pk: str = "pk") -> QuerySet:
    """``submitted_by``: who last sent the request, from the audit trail (the lead who started it may
    not be the one who sent it). ``request_pk`` names the request's key in ``queryset``'s rows."""
    submitted = AuditRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(BreachRequest),
        object_id=Cast(OuterRef(request_pk), CharField()),
        action="breach_request.submitted",
    ).order_by("-created_at", "-pk")
    return queryset.annotate(submitted_by=Subquery(submitted.values("actor__full_name")[:1]))


def breach_requests_filter(queryset: QuerySet[BreachRequest], filters: RequestFilters) -> QuerySet[BreachRequest]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.local_authority is not None:
        queryset = queryset.filter(local_authority=filters.local_authority)
    if filters.role_grade is not None:
        queryset = queryset.filter(role_grade=filters.role_grade)
    if filters.quarter:
        start, end = quarter_bounds(filters.quarter)
        queryset = queryset.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
    _label, order = REQUEST_SORTS.get(filters.sort) or REQUEST_SORTS["newest"]
    return queryset.order_by(*order)


def decisions_filter(queryset: QuerySet[Decision], filters: RequestFilters) -> QuerySet[Decision]:
    if filters.status:
        queryset = queryset.filter(outcome=filters.status)
    if filters.local_authority is not None:
        queryset = queryset.filter(breach_request__local_authority=filters.local_authority)
    if filters.role_grade is not None:
        queryset = queryset.filter(breach_request__role_grade=filters.role_grade)
    if filters.quarter:
        start, end = quarter_bounds(filters.quarter)
        queryset = queryset.filter(decided_at__date__gte=start, decided_at__date__lte=end)
    _label, order = DECISION_SORTS.get(filters.sort) or DECISION_SORTS["newest"]
    return queryset.order_by(*order)


def _day(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


REQUEST_CSV_COLUMNS = [
    "reference",
    "local_authority",
    "role",
    "engagement_type",
    "proposed_hourly_rate",
    "cap_hourly_rate",
    "over_by",
    "over_by_percent",
    "number_of_roles",
    "contract_start",
    "contract_end",
    "status",
    "submitted_by",
    "submitted_on",
    "decided_on",
    "decision",
    "conditions",
    "approval_expires_on",
    "decision_comment_or_reason",
]


def breach_request_csv_rows(requests: Iterable[BreachRequest]) -> Iterator[list[str]]:
    """The header, then one row per request (the decision columns empty until decided)."""
    yield REQUEST_CSV_COLUMNS
    for br in requests:
        decision = getattr(br, "decision", None)
        yield [
            br.reference,
            br.local_authority.name,
            br.role_grade.name,
            br.get_engagement_type_display(),
            str(br.proposed_rate),
            "" if br.cap_rate is None else str(br.cap_rate),
            "" if br.over_by is None else str(br.over_by),
            "" if br.over_by_percent is None else str(br.over_by_percent),
            str(br.number_of_roles),
            br.contract_start.isoformat(),
            br.contract_end.isoformat(),
            br.get_status_display(),
            getattr(br, "submitted_by", None) or "",
            _day(br.submitted_at),
            _day(decision.decided_at) if decision else "",
            decision.get_outcome_display() if decision else "",
            decision.conditions if decision else "",
            decision.expires_on.isoformat() if decision and decision.expires_on else "",
            decision.comment if decision else "",
        ]
