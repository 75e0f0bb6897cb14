"""Reads of quarterly returns: what a return will say (figures worked out from the placements plus
what the LA entered), the region's quarter, due dates and the CSV exports. Every read a person sees
starts from a permission check here.

Figures (documented in the README, "Quarterly data returns"):
- agency FTE = Σ hours_per_week / 37 over the placements active in the quarter;
- agency rate = agency FTE / (agency FTE + employed FTE), as DfE's workforce census defines it;
- monthly cost of a month = Σ charge_rate × hours_per_week × (days of the month the placement is
  active) / 7.
"""

from __future__ import annotations

import calendar
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from breaches.models import BreachRecord, BreachRequest, BreachRequestStatus, BreachType
from breaches.selectors.register import QUARTER_PATTERN, quarter_bounds
from breaches.selectors.register import _cell as spreadsheet_cell
from datareturns.models import (
    ComplianceRule,
    Flag,
    Placement,
    QuarterlyReturn,
    ReturnDueDate,
    ReturnStatus,
)
from datareturns.selectors import PLACEMENT_CSV_HEADER, placement_csv_rows, placements_active_between
from rates.models import CoreJobType
from riia.models import LocalAuthority, Region, Role, User
from riia.rules import las_where, regions_where

FTE_HOURS = Decimal("37")
TWO_PLACES = Decimal("0.01")
NOT_STARTED = "not_started"
LATE = "late"


def _q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- Quarters and due dates --------------------------------------------------------------------


def is_quarter(label: str) -> bool:
    return bool(QUARTER_PATTERN.match(label or ""))


def previous_quarter(quarter: str) -> str:
    first, _last = quarter_bounds(quarter)
    day = first - timedelta(days=1)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def default_due_date(quarter: str) -> date:
    """The last day of the second month after the quarter ends (2025-Q1: 31 May 2025)."""
    _first, last = quarter_bounds(quarter)
    month, year = last.month + 2, last.year
    if month > 12:
        month, year = month - 12, year + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def due_dates_for(*, region_ids: Iterable[int], quarters: Iterable[str]) -> dict[tuple[int, str], date]:
    """The due date of each (region, quarter): the region's own setting, else the default."""
    region_ids, quarters = list(region_ids), list(quarters)
    set_dates = {
        (d.region_id, d.quarter): d.due_on
        for d in ReturnDueDate.objects.filter(region_id__in=region_ids, quarter__in=quarters)
    }
    return {(r, q): set_dates.get((r, q), default_due_date(q)) for r in region_ids for q in quarters}


def due_date_for(*, region: Region, quarter: str) -> date:
    return due_dates_for(region_ids=[region.pk], quarters=[quarter])[(region.pk, quarter)]


def status_of(quarterly_return: QuarterlyReturn | None, *, due_on: date, today: date | None = None) -> str:
    """not_started, in_progress, awaiting_sign_off, signed_off, or late (not signed off after the due date)."""
    today = today or timezone.localdate()
    status = quarterly_return.status if quarterly_return is not None else NOT_STARTED
    if status != ReturnStatus.SIGNED_OFF and today > due_on:
        return LATE
    return status


STATUS_LABELS = {
    NOT_STARTED: "Not started",
    ReturnStatus.IN_PROGRESS: "In progress",
    ReturnStatus.AWAITING_SIGN_OFF: "Awaiting sign-off",
    ReturnStatus.SIGNED_OFF: "Signed off",
    LATE: "Late",
}


# --- Getting a return --------------------------------------------------------------------------


def return_la_get(*, user: User, la_code: str, quarter: str, perm: str = "datareturns.view_return") -> LocalAuthority:
    """The LA named in a return's address, or 404 when the quarter is malformed or the person may not
    see (or do ``perm`` with) that LA's return."""
    if not is_quarter(quarter):
        raise Http404("That is not a quarter like 2025-Q1.")
    la = LocalAuthority.objects.select_related("region").filter(old_code=la_code).first()
    if la is None or not user.has_perm("datareturns.view_return", la):
        raise Http404("No such return among those you can see.")
    return la


def return_find(*, local_authority: LocalAuthority, quarter: str) -> QuarterlyReturn | None:
    return (
        QuarterlyReturn.objects.filter(local_authority=local_authority, quarter=quarter)
        .select_related("submitted_by", "signed_off_by", "local_authority__region")
        .first()
    )


def returns_for(*, user: User, quarters: list[str]) -> list[dict]:
    """The person's LAs' returns for ``quarters`` (newest first), with the status of each, for their list."""
    las = sorted(las_where(user), key=lambda la: la.name)
    found = {
        (r.local_authority_id, r.quarter): r
        for r in QuarterlyReturn.objects.filter(local_authority__in=las, quarter__in=quarters)
    }
    due = due_dates_for(region_ids={la.region_id for la in las}, quarters=quarters)
    rows = []
    for quarter in quarters:
        for la in las:
            r = found.get((la.pk, quarter))
            status = status_of(r, due_on=due[(la.region_id, quarter)])
            rows.append(
                {
                    "la": la,
                    "quarter": quarter,
                    "return": r,
                    "status": status,
                    "status_label": STATUS_LABELS[status],
                    "due_on": due[(la.region_id, quarter)],
                }
            )
    return rows


def managed_regions_for(*, user: User) -> list[Region]:
    return sorted(regions_where(user, [Role.PROGRAMME_MANAGER]), key=lambda r: r.name)


# --- What a return says ------------------------------------------------------------------------


@dataclass
class RoleLine:
    core_type: str
    label: str
    agency_fte: Decimal = Decimal("0.00")
    placements: int = 0
    employed_fte: Decimal | None = None
    vacancies_fte: Decimal | None = None
    conversions: int | None = None
    leavers: int | None = None


@dataclass
class Figures:
    """A return's figures: from the placements, plus what the LA entered (None when not entered)."""

    quarter: str
    placements: int = 0
    agency_fte: Decimal = Decimal("0.00")
    employed_fte: Decimal | None = None
    vacancies_fte: Decimal | None = None
    conversions: int | None = None
    leavers: int | None = None
    above_cap_with_permission: int = 0
    above_cap_without_permission: int = 0
    cool_off: int = 0
    pqe_under_3_years: int = 0
    project_team_repricing: int = 0
    monthly_cost: list[tuple[str, Decimal]] = field(default_factory=list)
    roles: list[RoleLine] = field(default_factory=list)

    @property
    def agency_rate(self) -> Decimal | None:
        """Agency FTE / (agency FTE + employed FTE), as a percentage; None without the employed FTE."""
        if self.employed_fte is None:
            return None
        total = self.agency_fte + self.employed_fte
        if not total:
            return None
        return (self.agency_fte * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def total_cost(self) -> Decimal:
        return sum((cost for _month, cost in self.monthly_cost), Decimal("0.00"))

    # The figures compared with the previous quarter, in the order the page shows them.
    COMPARED = (
        ("placements", "Placements active in the quarter"),
        ("agency_fte", "Agency FTE"),
        ("employed_fte", "Employed (permanent) FTE"),
        ("agency_rate", "Agency rate (%)"),
        ("vacancies_fte", "Vacancies FTE"),
        ("conversions", "Agency-to-permanent conversions"),
        ("leavers", "Permanent leavers"),
        ("above_cap_without_permission", "Placements above the cap without permission"),
        ("above_cap_with_permission", "Placements above the cap with permission"),
        ("cool_off", "Placements inside the cool-off period"),
        ("pqe_under_3_years", "Placements with less than 3 years' PQE"),
        ("total_cost", "Total agency cost in the quarter (£)"),
    )


def _months(first: date, last: date) -> list[tuple[date, date]]:
    months, day = [], first
    while day <= last:
        end = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        months.append((day, end))
        day = end + timedelta(days=1)
    return months


def monthly_costs(placements: QuerySet[Placement], *, first: date, last: date) -> list[tuple[str, Decimal]]:
    """Σ charge_rate × hours_per_week × active days in the month / 7, for each month of the period.
    The database sums the weekly charge of placements sharing a start and end date, so Python works
    on one row per distinct period, not per placement."""
    weekly = ExpressionWrapper(
        F("charge_rate") * F("hours_per_week"), output_field=DecimalField(max_digits=14, decimal_places=4)
    )
    groups = (
        placements_active_between(placements, first=first, last=last)
        .order_by()
        .values("start_date", "end_date")
        .annotate(weekly=Sum(weekly))
    )
    months = _months(first, last)
    totals = [Decimal("0") for _ in months]
    for group in groups:
        start, end, amount = group["start_date"], group["end_date"], Decimal(str(group["weekly"]))
        for i, (month_first, month_last) in enumerate(months):
            days = (min(end or month_last, month_last) - max(start, month_first)).days + 1
            if days > 0:
                totals[i] += amount * days / 7
    return [(f"{m_first:%B %Y}", _q2(total)) for (m_first, _m_last), total in zip(months, totals, strict=True)]


def figures_for(*, local_authority: LocalAuthority, quarter: str, quarterly_return: QuarterlyReturn | None) -> Figures:
    """The figures of one LA's return: a handful of aggregate queries whatever the number of placements."""
    first, last = quarter_bounds(quarter)
    active = placements_active_between(
        Placement.objects.filter(local_authority=local_authority), first=first, last=last
    )
    counts = active.aggregate(
        placements=Count("pk"),
        hours=Sum("hours_per_week"),
        **{code: Count("pk", filter=Q(**{Flag.column(code): True})) for code in Flag.values},
    )
    figures = Figures(
        quarter=quarter,
        placements=counts["placements"],
        agency_fte=_q2((counts["hours"] or Decimal("0")) / FTE_HOURS),
        above_cap_with_permission=counts[Flag.ABOVE_CAP_AUTHORISED],
        above_cap_without_permission=counts[Flag.ABOVE_CAP_UNAUTHORISED],
        cool_off=counts[Flag.COOL_OFF],
        pqe_under_3_years=counts[Flag.PQE_UNDER_3_YEARS],
        project_team_repricing=counts[Flag.PROJECT_TEAM_REPRICING],
        monthly_cost=monthly_costs(Placement.objects.filter(local_authority=local_authority), first=first, last=last),
    )
    lines = {core: RoleLine(core_type=core, label=label) for core, label in CoreJobType.choices}
    for row in active.order_by().values("role_grade__core_type").annotate(n=Count("pk"), hours=Sum("hours_per_week")):
        line = lines[row["role_grade__core_type"]]
        line.placements, line.agency_fte = row["n"], _q2(row["hours"] / FTE_HOURS)
    if quarterly_return is not None:
        for entered in quarterly_return.role_figures.all():
            line = lines[entered.core_type]
            line.employed_fte, line.vacancies_fte = entered.employed_fte, entered.vacancies_fte
            line.conversions, line.leavers = entered.conversions, entered.leavers
    figures.roles = list(lines.values())
    for name in ("employed_fte", "vacancies_fte", "conversions", "leavers"):
        values = [getattr(line, name) for line in figures.roles if getattr(line, name) is not None]
        setattr(figures, name, sum(values) if values else None)
    return figures


def figure_changes(current: Figures, previous: Figures) -> list[dict]:
    """Each compared figure with the previous quarter's and the change (None where either is missing)."""
    rows = []
    for name, label in Figures.COMPARED:
        now, before = getattr(current, name), getattr(previous, name)
        change = now - before if now is not None and before is not None else None
        rows.append({"name": name, "label": label, "value": now, "previous": before, "change": change})
    return rows


@dataclass(frozen=True)
class Problem:
    message: str
    blocking: bool  # missing answers stop submission; implausible ones are named but may stand


def return_problems(*, quarterly_return: QuarterlyReturn | None, figures: Figures) -> list[Problem]:
    """Missing or implausible inputs, named so the lead can fix (or explain) them before submitting."""
    problems: list[Problem] = []
    if quarterly_return is None:
        return [Problem("The return has not been started.", True)]
    for line in figures.roles:
        if line.employed_fte is None:
            problems.append(Problem(f"Enter the employed FTE for {line.label.lower()}s (0 if none).", True))
        elif line.employed_fte == 0 and line.placements:
            problems.append(
                Problem(
                    f"The employed FTE for {line.label.lower()}s is 0 but {line.placements} agency placement"
                    f"{'s are' if line.placements != 1 else ' is'} active in the quarter: check the figure.",
                    False,
                )
            )
        if line.vacancies_fte is None:
            problems.append(Problem(f"Enter the vacancies FTE for {line.label.lower()}s (0 if none).", True))
        elif line.employed_fte is not None and line.vacancies_fte > line.employed_fte:
            # More posts vacant than filled: possible, but more often a typing slip.
            problems.append(
                Problem(
                    f"The vacancies FTE for {line.label.lower()}s ({line.vacancies_fte}) is larger than the "
                    f"employed establishment ({line.employed_fte}): check the figure.",
                    False,
                )
            )
        if line.conversions is None or line.leavers is None:
            problems.append(
                Problem(f"Enter the conversions and permanent leavers for {line.label.lower()}s (0 if none).", True)
            )
    answers = {c.rule: c for c in quarterly_return.compliance.all()}
    for rule, label in ComplianceRule.choices:
        answer = answers.get(rule)
        if answer is None or answer.complied is None:
            problems.append(Problem(f"Say whether you complied with the rule: {label.lower()}.", True))
        elif not answer.complied and not answer.reason.strip():
            problems.append(Problem(f"Say why you did not comply with the rule: {label.lower()}.", True))
    price_cap = answers.get(ComplianceRule.PRICE_CAP)
    if price_cap is not None and price_cap.complied and figures.above_cap_without_permission:
        problems.append(
            Problem(
                f"You say you complied with the price cap, but {figures.above_cap_without_permission} placement"
                f"{'s are' if figures.above_cap_without_permission != 1 else ' is'} paid above it without permission.",
                False,
            )
        )
    if not quarterly_return.narrative.strip():
        problems.append(Problem("Write the narrative that explains the quarter's figures.", True))
    return problems


def price_cap_breaches(*, local_authority: LocalAuthority, quarter: str) -> dict:
    """Price-cap breaches of the quarter, read from the register (confirmed entries that occurred in it:
    suggestions wait for the programme manager's review, and LA people do not see them) and the approved breach requests whose contract overlaps it, with who signed them off."""
    first, last = quarter_bounds(quarter)
    records = (
        BreachRecord.objects.filter(
            local_authority=local_authority,
            breach_type=BreachType.PAY_RATE,
            occurred_on__range=(first, last),
            status=BreachRecord.Status.CONFIRMED,
        )
        .select_related("role_grade", "agency", "breach_request")
        .order_by("occurred_on", "pk")
    )
    requests = (
        BreachRequest.objects.filter(
            local_authority=local_authority,
            status=BreachRequestStatus.APPROVED,
            contract_start__lte=last,
            contract_end__gte=first,
        )
        .select_related("role_grade", "decision__decided_by")
        .prefetch_related("signatures__signatory")
        .order_by("contract_start", "pk")
    )
    return {"records": list(records), "requests": list(requests)}


def signed_by(breach_request: BreachRequest) -> str:
    """Who signed a request off: its last round's signatories, and the regional decider if any."""
    names = [
        f"{s.signatory.full_name} ({s.get_role_display()})"
        for s in breach_request.signatures.all()
        if s.round == breach_request.round
    ]
    decision = getattr(breach_request, "decision", None)
    if decision is not None and decision.decided_by is not None:
        names.append(f"{decision.decided_by.full_name} (decided)")
    return "; ".join(names)


def received_after_sign_off(*, quarterly_return: QuarterlyReturn | None) -> int:
    """Placements active in a signed-off return's quarter whose current version arrived after sign-off."""
    if quarterly_return is None or quarterly_return.status != ReturnStatus.SIGNED_OFF:
        return 0
    first, last = quarter_bounds(quarterly_return.quarter)
    return (
        placements_active_between(
            Placement.objects.filter(local_authority_id=quarterly_return.local_authority_id),
            first=first,
            last=last,
        )
        .filter(upload__received_at__gt=quarterly_return.signed_off_at)
        .count()
    )


def return_overview(*, user: User, local_authority: LocalAuthority, quarter: str) -> dict:
    """Everything the return's page shows. The caller has checked the person may see the LA's return."""
    quarterly_return = return_find(local_authority=local_authority, quarter=quarter)
    if quarterly_return is not None:
        quarterly_return = (
            QuarterlyReturn.objects.prefetch_related(
                "role_figures", "compliance", "agencies__agency", "reopenings__reopened_by"
            )
            .select_related("submitted_by", "signed_off_by", "local_authority__region")
            .get(pk=quarterly_return.pk)
        )
    figures = figures_for(local_authority=local_authority, quarter=quarter, quarterly_return=quarterly_return)
    before = previous_quarter(quarter)
    previous = figures_for(
        local_authority=local_authority,
        quarter=before,
        quarterly_return=QuarterlyReturn.objects.prefetch_related("role_figures")
        .filter(local_authority=local_authority, quarter=before)
        .first(),
    )
    due_on = due_date_for(region=local_authority.region, quarter=quarter)
    status = status_of(quarterly_return, due_on=due_on)
    breaches = price_cap_breaches(local_authority=local_authority, quarter=quarter)
    compliance = {c.rule: c for c in quarterly_return.compliance.all()} if quarterly_return else {}
    return {
        "la": local_authority,
        "quarter": quarter,
        "previous_quarter": before,
        "quarterly_return": quarterly_return,
        "figures": figures,
        "changes": figure_changes(figures, previous),
        "problems": return_problems(quarterly_return=quarterly_return, figures=figures),
        "due_on": due_on,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "stored_status_label": STATUS_LABELS[quarterly_return.status if quarterly_return else NOT_STARTED],
        "breach_records": breaches["records"],
        "breach_requests": [(r, signed_by(r)) for r in breaches["requests"]],
        "compliance": [(rule, label, compliance.get(rule)) for rule, label in ComplianceRule.choices],
        "received_after_sign_off": received_after_sign_off(quarterly_return=quarterly_return),
    }


# --- The region's quarter ----------------------------------------------------------------------


def region_quarter(*, user: User, region: Region, quarter: str) -> list[dict]:
    """Every LA of the region with its return's status (late included), when it was signed and how
    many placements it holds. The caller has checked the person manages the region's returns."""
    if not user.has_perm("datareturns.manage_region_returns", region):
        raise Http404("No such region among those you manage.")
    las = list(LocalAuthority.objects.filter(region=region).order_by("name"))
    found = {
        r.local_authority_id: r
        for r in QuarterlyReturn.objects.filter(local_authority__region=region, quarter=quarter).select_related(
            "signed_off_by"
        )
    }
    due_on = due_date_for(region=region, quarter=quarter)
    first, last = quarter_bounds(quarter)
    placements = dict(
        placements_active_between(Placement.objects.filter(local_authority__region=region), first=first, last=last)
        .order_by()
        .values("local_authority_id")
        .annotate(n=Count("pk"))
        .values_list("local_authority_id", "n")
    )
    rows = []
    for la in las:
        r = found.get(la.pk)
        status = status_of(r, due_on=due_on)
        rows.append(
            {
                "la": la,
                "return": r,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "stored_status_label": STATUS_LABELS[r.status if r else NOT_STARTED],
                "placements": placements.get(la.pk, 0),
            }
        )
    return rows


# --- CSV exports -------------------------------------------------------------------------------

RETURN_PLACEMENT_HEADER = ["quarter", *PLACEMENT_CSV_HEADER]
SUMMARY_HEADER = [
    "quarter",
    "la_code",
    "local_authority",
    "status",
    "signed_off_at",
    "signed_off_by",
    "placements",
    "agency_fte",
    "employed_fte",
    "agency_rate_percent",
    "vacancies_fte",
    "conversions",
    "leavers",
    "above_cap_without_permission",
    "above_cap_with_permission",
    "cool_off",
    "pqe_under_3_years",
    "project_team_repricing",
    "cost_month_1",
    "cost_month_2",
    "cost_month_3",
    "cost_total",
    *[f"complied_{rule}" for rule in ComplianceRule.values],
    *[f"reason_{rule}" for rule in ComplianceRule.values],
    "agencies_affecting_compliance",
    "price_cap_breaches_recorded",
    "narrative",
]


def _placement_rows(placements: QuerySet[Placement], quarter: str) -> Iterator[list[str]]:
    rows = placement_csv_rows(placements)
    next(rows)  # our header has the quarter first
    yield RETURN_PLACEMENT_HEADER
    for row in rows:
        yield [quarter, *row]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _summary_row(
    *, la: LocalAuthority, quarter: str, quarterly_return: QuarterlyReturn | None, status: str
) -> list[str]:
    figures = figures_for(local_authority=la, quarter=quarter, quarterly_return=quarterly_return)
    compliance = {c.rule: c for c in quarterly_return.compliance.all()} if quarterly_return else {}
    breaches = price_cap_breaches(local_authority=la, quarter=quarter)
    costs = [cost for _month, cost in figures.monthly_cost]
    values = [
        quarter,
        la.old_code,
        la.name,
        status,
        quarterly_return.signed_off_at.isoformat() if quarterly_return and quarterly_return.signed_off_at else "",
        quarterly_return.signed_off_by.full_name if quarterly_return and quarterly_return.signed_off_by else "",
        figures.placements,
        figures.agency_fte,
        figures.employed_fte,
        figures.agency_rate,
        figures.vacancies_fte,
        figures.conversions,
        figures.leavers,
        figures.above_cap_without_permission,
        figures.above_cap_with_permission,
        figures.cool_off,
        figures.pqe_under_3_years,
        figures.project_team_repricing,
        *costs,
        figures.total_cost,
        *[_yes_no(compliance[r].complied) if r in compliance else "" for r in ComplianceRule.values],
        *[compliance[r].reason if r in compliance else "" for r in ComplianceRule.values],
        "; ".join(a.agency.name for a in quarterly_return.agencies.all()) if quarterly_return else "",
        len(breaches["records"]),
        quarterly_return.narrative if quarterly_return else "",
    ]
    return [spreadsheet_cell(v) for v in values]


def _zip(files: dict[str, Iterable[list[str]]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            text = io.StringIO()
            writer = csv.writer(text)
            for row in rows:
                writer.writerow(row)
            archive.writestr(name, text.getvalue())
    return out.getvalue()


def _export_returns(*, las: list[LocalAuthority], quarter: str, region_ids: set[int]) -> dict[str, Iterable]:
    found = {
        r.local_authority_id: r
        for r in QuarterlyReturn.objects.filter(local_authority__in=las, quarter=quarter)
        .select_related("signed_off_by")
        .prefetch_related("role_figures", "compliance", "agencies__agency")
    }
    due = due_dates_for(region_ids=region_ids, quarters=[quarter])
    first, last = quarter_bounds(quarter)
    placements = placements_active_between(
        Placement.objects.filter(local_authority__in=las), first=first, last=last
    ).select_related("local_authority", "role_grade", "agency", "msp", "breach_request")
    summary = [SUMMARY_HEADER] + [
        _summary_row(
            la=la,
            quarter=quarter,
            quarterly_return=found.get(la.pk),
            status=status_of(found.get(la.pk), due_on=due[(la.region_id, quarter)]),
        )
        for la in las
    ]
    return {
        "placements.csv": _placement_rows(placements.order_by("local_authority__name", "start_date", "pk"), quarter),
        "summary.csv": summary,
    }


def return_export_zip(*, local_authority: LocalAuthority, quarter: str) -> bytes:
    """One return as a zip of placements.csv (a row per placement) and summary.csv (one row)."""
    return _zip(_export_returns(las=[local_authority], quarter=quarter, region_ids={local_authority.region_id}))


def region_quarter_export_zip(*, region: Region, quarter: str) -> bytes:
    """A region's quarter: placements.csv for every LA, and summary.csv with a row per LA."""
    las = list(LocalAuthority.objects.filter(region=region).select_related("region").order_by("name"))
    return _zip(_export_returns(las=las, quarter=quarter, region_ids={region.pk}))
