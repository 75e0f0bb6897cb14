"""Demo placement data for the West Midlands and London, sent through the real upload services.

Each demo MSP sends eight quarters of placements (the current one included): the first year in
one upload, then one upload a quarter with the placements that started in it, and again those that
ended in it, now with their end date (so placements have history). Each LA's workforce lead first sends the LA's permanent leavers. The
rows come from ``datareturns.generate`` (rates around the caps, ~8 % above), plus a few written out
so every flag shows: placements covered by the demo's approved breach requests (one citing it, one
found to be covered), one citing a rejected request, a worker back inside the cool-off period and
the London case study's project-team re-pricing.

Idempotent: once any demo MSP has sent an upload, the loader leaves the data as it is.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from breaches.models import BreachRequest, BreachRequestStatus
from breaches.selectors.register import quarter_bounds, quarter_of, recent_quarters
from datareturns.generate import PlacementGenerator, csv_write, la_profiles_load
from datareturns.models import Flag, Placement, Upload
from datareturns.services import UploadSource, leaver_upload_create, placement_upload_create, upload_body_spool
from datareturns.services_returns import ReturnDetails
from datareturns.validation import LEAVER_COLUMNS
from riia.demo import DEMO_DOMAIN, DEMO_KEY_NAME, DEMO_MSPS, DEMO_REGIONS
from riia.models import MSP, ApiKey, LocalAuthority, User

SEED = 9
QUARTERS = 8
BACKFILL = 4  # quarters in an MSP's first upload
PLACEMENTS_PER_LA = 34
# Assignment ids are the MSP's own: each demo MSP numbers them its own way.
PREFIXES = {"demo-msp-midlands": "WM-", "demo-msp-london": "LDN-", "demo-msp-national": "NAT-"}


@dataclass
class _Sent:
    uploads: int = 0
    placements: int = 0
    leavers: int = 0
    leaver_las: int = 0


def _person(local_part: str) -> User | None:
    return User.objects.filter(email=f"{local_part}@{DEMO_DOMAIN}").first()


def _body(rows: list[dict[str, str]], columns=None) -> bytes:
    text = io.StringIO()
    csv_write(rows, text, columns=columns)
    return text.getvalue().encode()


def _send(create, source: UploadSource, body: bytes):
    spooled = upload_body_spool(io.BytesIO(body), declared_length=len(body))
    with spooled.file:
        return create(source=source, body=spooled, content_type="text/csv")


def _story_rows(by_code: dict[str, LocalAuthority], today: date) -> tuple[list[dict], list[dict]]:
    """Placements (and a leaver) written out so that each flag appears whatever the random rows do."""
    base = {
        "engagement_type": "limited_company",
        "hours_per_week": "37",
        "agency": "Northside Social Care Recruitment (demo)",
        "project_team": "false",
        "pqe_years": "6",
        "covering_vacancy": "true",
        "end_date": "",
        "agency_margin": "4.00",
        "msp_fee": "1.00",
        "breach_request_reference": "",
    }
    placements, leavers = [], []
    # Above the cap with permission: the demo's approved requests (one cited, one found to cover).
    # One placement cites a rejected request: above the cap without permission, saying why.
    requests = BreachRequest.objects.filter(
        local_authority__region__slug__in=DEMO_REGIONS,
        status__in=[BreachRequestStatus.APPROVED, BreachRequestStatus.REJECTED],
    ).select_related("local_authority", "role_grade")
    for request in requests.order_by("reference"):
        start = min(max(request.contract_start, today - timedelta(days=7)), today)
        if not (request.contract_start <= start <= request.contract_end):
            continue
        la = request.local_authority
        story = {
            **base,
            "la_code": la.old_code,
            "role": request.role_grade.code,
            "engagement_type": request.engagement_type,
            "hourly_pay_rate": f"{request.proposed_rate:.2f}",
            "charge_rate": f"{request.proposed_rate + 6:.2f}",
            "start_date": start.isoformat(),
        }
        ref = request.reference
        if request.status == BreachRequestStatus.APPROVED:
            placements += [
                {
                    **story,
                    "assignment_id": f"DEMO-{ref}-1",
                    "worker_registration": "SW9000001",
                    "breach_request_reference": ref,
                },
                {**story, "assignment_id": f"DEMO-{ref}-2", "worker_registration": "SW9000002"},
            ]
        else:
            placements.append(
                {
                    **story,
                    "assignment_id": f"DEMO-{ref}",
                    "worker_registration": "SW9000003",
                    "breach_request_reference": ref,
                }
            )
    # Back inside the West Midlands' 12-month cool-off: left Birmingham, placed at Coventry.
    if "330" in by_code and "331" in by_code:
        leavers.append(
            {
                "la_code": "330",
                "worker_registration": "SW9000004",
                "leave_date": (today - timedelta(days=200)).isoformat(),
                "leave_reason": "resigned",
            }
        )
        placements.append(
            {
                **base,
                "assignment_id": "DEMO-COOL-OFF",
                "la_code": "331",
                "worker_registration": "SW9000004",
                "role": "social-worker",
                "hourly_pay_rate": "31.50",
                "charge_rate": "37.00",
                "start_date": (today - timedelta(days=90)).isoformat(),
            }
        )
    # The London case study: an individual placement at Camden, then the same worker in a project
    # team at a higher rate.
    if "202" in by_code:
        for suffix, days, rate, project in [("1", 400, "33.00", "false"), ("2", 120, "36.50", "true")]:
            placements.append(
                {
                    **base,
                    "assignment_id": f"DEMO-PROJECT-{suffix}",
                    "la_code": "202",
                    "worker_registration": "SW9000005",
                    "role": "social-worker",
                    "hourly_pay_rate": rate,
                    "charge_rate": f"{Decimal(rate) + 7:.2f}",
                    "start_date": (today - timedelta(days=days)).isoformat(),
                    "project_team": project,
                }
            )
    return placements, leavers


def _uploads(rows: list[dict[str, str]], quarters: list[str], today: date) -> list[list[dict[str, str]]]:
    """What an MSP sends: the first year in one upload (as when an MSP starts sending returns), then
    one upload a quarter. Each holds the placements that started in its period (with the end date
    only if it has passed by the period's end), and those that ended in it, now with their end date."""
    periods = [quarters[:BACKFILL], *([q] for q in quarters[BACKFILL:])]
    period_of = {quarter: index for index, period in enumerate(periods) for quarter in period}
    ends = [min(quarter_bounds(period[-1])[1], today) for period in periods]
    sends: list[list[dict[str, str]]] = [[] for _ in periods]
    first = quarter_bounds(quarters[0])[0]
    for row in rows:
        index = period_of[quarter_of(max(date.fromisoformat(row["start_date"]), first))]
        end = date.fromisoformat(row["end_date"]) if row["end_date"] else None
        if end is None or end <= ends[index]:
            sends[index].append(row)
            continue
        sends[index].append({**row, "end_date": ""})
        if end <= today:
            sends[period_of[quarter_of(end)]].append(row)
    return [rows for rows in sends if rows]


def _leavers_send(leavers: list[dict[str, str]], by_code: dict[str, LocalAuthority], sent: _Sent) -> None:
    by_la: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in leavers:
        by_la[row["la_code"]].append(row)
    for code, rows in sorted(by_la.items()):
        la = by_code[code]
        lead = _person(f"lead.{la.slug}")
        _send(leaver_upload_create, UploadSource(local_authority=la, user=lead), _body(rows, LEAVER_COLUMNS.all))
        sent.leavers += len(rows)
        sent.leaver_las += 1


def load() -> list[str]:
    msps = list(MSP.objects.filter(slug__in=[slug for slug, _name, _serves in DEMO_MSPS]).order_by("slug"))
    if not msps:
        return ["Placement data: skipped, the demo MSPs are missing."]
    if Upload.objects.filter(msp__in=msps).exists():
        return ["Placement data: the demo MSPs' uploads are already there, left as they are."]
    today = timezone.localdate()
    quarters = list(reversed(recent_quarters(count=QUARTERS, today=today)))
    first_start = quarter_bounds(quarters[0])[0]
    by_code = {la.old_code: la for la in LocalAuthority.objects.filter(region__slug__in=DEMO_REGIONS)}
    stories, story_leavers = _story_rows(by_code, today)

    plans = []
    leavers = list(story_leavers)
    for seed, msp in enumerate(msps, start=SEED):
        las = list(msp.local_authorities.select_related("region").filter(region__slug__in=DEMO_REGIONS))
        if not las:
            continue
        generator = PlacementGenerator(
            las=la_profiles_load(local_authorities=las),
            rows=PLACEMENTS_PER_LA * len(las),
            first_start=first_start,
            last_start=today,
            seed=seed,
            assignment_prefix=PREFIXES.get(msp.slug, "A-"),
            horizon=today + timedelta(days=90),
        )
        codes = {la.old_code for la in las}
        rows = list(generator.placements()) + [row for row in stories if row["la_code"] in codes]
        leavers += generator.leavers()
        plans.append((msp, rows))

    sent = _Sent()
    _leavers_send(leavers, by_code, sent)
    for msp, rows in plans:
        # The MSP with the demo API key sends through it, as its system would; the others by their uploader.
        key = ApiKey.objects.filter(msp=msp, name=DEMO_KEY_NAME, revoked=False).first()
        source = (
            UploadSource(msp=msp, api_key=key) if key else UploadSource(msp=msp, user=_person(f"uploader.{msp.slug}"))
        )
        for body in _uploads(rows, quarters, today):
            _send(placement_upload_create, source, _body(body))
            sent.uploads += 1
        sent.placements += len(rows)

    flags = Counter()
    for code in Flag.values:
        flags[code] = Placement.objects.filter(msp__in=msps, **{Flag.column(code): True}).count()
    shown = ", ".join(f"{flags[code]} {Flag(code).label.lower()}" for code in Flag.values if flags[code])
    return [
        f"Placement data: {sent.leavers} permanent leavers from {sent.leaver_las} LAs; {sent.placements} placements "
        f"in {sent.uploads} uploads from {len(plans)} MSPs ({quarters[0]} to {quarters[-1]}).",
        f"Placement data flags: {shown}.",
    ]


# --- Quarterly returns (issue 10) -----------------------------------------------------------------

RETURN_QUARTERS = 3  # the ended quarters that get returns


def _demo_details(la: LocalAuthority, quarter: str, figures) -> ReturnDetails:
    """Plausible entries: employed FTE about five times the agency FTE of the role (an agency rate
    near the national 15 %), a tenth of it vacant, and compliance that matches the flags."""
    from datareturns.models import ComplianceRule
    from datareturns.services_returns import ComplianceEntry, RoleEntry

    roles = {}
    for line in figures.roles:
        employed = max(Decimal("4"), (line.agency_fte * Decimal("5.4")).quantize(Decimal("0.1")))
        roles[line.core_type] = RoleEntry(
            employed_fte=employed,
            vacancies_fte=(employed / 10).quantize(Decimal("0.1")),
            conversions=line.placements // 6,
            leavers=1 + line.placements // 4,
        )
    flagged = {
        ComplianceRule.PRICE_CAP: figures.above_cap_without_permission,
        ComplianceRule.COOL_OFF: figures.cool_off,
        ComplianceRule.PQE: figures.pqe_under_3_years,
        ComplianceRule.PROJECT_TEAM: figures.project_team_repricing,
    }
    compliance = {
        rule: ComplianceEntry(False, f"{flagged[rule]} placement(s) flagged; each is in the breach register.")
        if flagged.get(rule)
        else ComplianceEntry(True)
        for rule in ComplianceRule.values
    }
    return ReturnDetails(
        roles=roles,
        compliance=compliance,
        narrative=(
            f"{la.name}, {quarter}: {figures.placements} agency placements ({figures.agency_fte} FTE). "
            "Agency use is steady; two hard-to-fill team manager posts are covered while we recruit."
        ),
    )


def load_returns() -> list[str]:
    """Returns for the last three ended quarters through the real services: signed off for every demo
    LA, except in the latest quarter where one LA's awaits sign-off, one's is in progress and one has
    not started (so the region's quarter page shows each status)."""
    from datareturns.models import QuarterlyReturn
    from datareturns.selectors_returns import figures_for
    from datareturns.services_returns import (
        return_sign_off,
        return_start,
        return_submit,
        return_update,
    )

    las = list(LocalAuthority.objects.filter(region__slug__in=DEMO_REGIONS).select_related("region").order_by("name"))
    if not las:
        return ["Quarterly returns: skipped, the demo LAs are missing."]
    if QuarterlyReturn.objects.filter(local_authority__in=las).exists():
        return ["Quarterly returns: already there, left as they are."]
    quarters = list(reversed(recent_quarters(count=RETURN_QUARTERS + 1)[1:]))
    latest = quarters[-1]
    west_midlands = [la for la in las if la.region.slug == DEMO_REGIONS[0]] or las
    held_back = {
        la.pk: stage for la, stage in zip(west_midlands, ["not_started", "in_progress", "awaiting"], strict=False)
    }
    counts = Counter()
    for quarter in quarters:
        for la in las:
            stage = held_back.get(la.pk, "signed_off") if quarter == latest else "signed_off"
            lead, dcs = _person(f"lead.{la.slug}"), _person(f"dcs.{la.slug}")
            if stage == "not_started" or lead is None or dcs is None:
                counts["not_started"] += 1
                continue
            quarterly_return = return_start(actor=lead, local_authority=la, quarter=quarter)
            figures = figures_for(local_authority=la, quarter=quarter, quarterly_return=quarterly_return)
            return_update(actor=lead, quarterly_return=quarterly_return, details=_demo_details(la, quarter, figures))
            if stage != "in_progress":
                return_submit(actor=lead, quarterly_return=quarterly_return)
                if stage != "awaiting":
                    return_sign_off(actor=dcs, quarterly_return=quarterly_return)
            counts[stage] += 1
    return [
        f"Quarterly returns ({quarters[0]} to {latest}): {counts['signed_off']} signed off, "
        f"{counts['awaiting']} awaiting sign-off, {counts['in_progress']} in progress, "
        f"{counts['not_started']} not started."
    ]


def benchmarks_load() -> list[str]:
    """Every benchmark snapshot, computed by the recompute task once the demo's data is in (in the
    embedded mode it runs at once; in services mode the worker picks it up)."""
    from datareturns.tasks import benchmarks_recompute_task

    result = benchmarks_recompute_task.delay(None)
    if result.ready():
        return [f"Benchmarks: {result.result['scopes']} snapshots computed ({result.result['rows']} rows)."]
    return ["Benchmarks: a recompute of every snapshot is queued for the worker."]
