"""The load part of ``manage.py bench`` (issue 14): a bounded mixed workload on loopback against
gunicorn, PostgreSQL and a real Celery worker, run on a populated database and again on one with twice
the data.

The database: the reference data, caps in every region, three MSPs (each serving the LAs of three
regions, each with an API key) that have sent the generated placements through the real upload service,
permanent leavers, breach requests submitted by the workforce leads of the widest region, and computed
benchmark snapshots. Two people sign in through the real sign-in page (the region's programme manager
and one of its LAs' workforce lead).

The load: ``CLIENTS`` asyncio clients in this process, each looping over ``MIX`` for the given seconds
(drawing from a shuffled deck holding each endpoint as many times as its weight, so the mix is kept
exactly; the first clients start on different endpoints, so each is under load from the start), one connection per request; the uploads are 200 fresh rows each (new assignment ids),
sent in turn with the three MSPs' keys, and each triggers the recomputes a real worker takes from Redis.
Every answer must be the expected one (200, or 201 with 200 rows created): anything else is an error,
kept with its status and first line. Latency is from opening the connection to the last byte."""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.utils import timezone

from breaches.models import ReasonCategory
from breaches.selectors.requests import breach_request_cap
from breaches.services.requests import BreachRequestDetails, breach_request_create, breach_request_submit
from datareturns.bench import (
    CSV_TYPE,
    FIRST_START,
    LAST_START,
    _leavers_send,
    bench_reference_create,
)
from datareturns.bench_benchmarks import Worker
from datareturns.bench_http import (
    BenchServerError,
    CpuMeter,
    GunicornServer,
    LoadResult,
    database_sessions,
    database_url,
    first_line,
    peak_memory_mb,
    percentile_ms,
    raw_request,
    request,
    run_async,
    split_answer,
)
from datareturns.bench_pages import bench_region
from datareturns.benchmarks import benchmarks_recompute_run
from datareturns.generate import LaProfile, PlacementGenerator, csv_write, la_profiles_load
from datareturns.models import BenchmarkSnapshot, Placement
from datareturns.services import UploadSource, placement_upload_create, upload_body_spool
from rates.models import CoreJobType, RoleGrade
from riia.models import MSP, LocalAuthority, Region, Role, User
from riia.services import membership_grant
from riia.services_keys import api_key_create

CLIENTS = 8
UPLOAD_ROWS = 200
MSP_COUNT = 3
PAGE_SIZE = 100
# (endpoint, weight): how often a client picks each on its next request.
MIX = [
    ("region_dashboard", 3),
    ("la_dashboard", 3),
    ("breach_request_list", 2),
    ("breach_request_page", 2),
    ("placement_list_api", 3),
    ("placement_upload", 1),
]
# Requests to each endpoint one at a time before the load, after one untimed request per gunicorn
# worker: the median time and the mean CPU are reported (CPU ticks are 10 ms, so a mean of several).
ALONE_TIMES = 8
DRAIN_SECONDS = 60
WEB_APP, WORKER_APP = (
    "riia-bench-web",
    "riia-bench-worker",
)  # their PostgreSQL sessions' application names  # the longest the bench waits after the load for the recomputes to catch up


class LoadBenchError(BenchServerError):
    pass


@dataclass
class MspKey:
    name: str
    secret: str
    las: list[LaProfile]
    placements: int


@dataclass
class LoadData:
    rows: int
    seed: int
    region_slug: str
    region_label: str
    la_slug: str
    la_name: str
    manager_email: str
    lead_email: str
    password: str
    msps: list[MspKey]
    breach_request_ids: list[int]


@dataclass
class LoadReport:
    rows: int
    planned: float
    elapsed: float
    clients: int
    web_workers: int
    results: list[LoadResult]
    web_master_mb: float = 0.0
    web_workers_mb: list[float] = field(default_factory=list)
    worker_mb: float = 0.0
    uploaded_rows: int = 0
    stale_at_end: int = 0
    drained_seconds: float | None = None
    alone_ms: dict[str, float] = field(default_factory=dict)  # median of ALONE_TIMES requests, nothing else in flight
    # CPU ms per request of those requests: gunicorn and its PostgreSQL sessions (uploads' recomputes excluded)
    alone_cpu_ms: dict[str, float] = field(default_factory=dict)
    # CPU seconds during the load: "web", "web_db" (gunicorn's PostgreSQL sessions), "worker" (the Celery
    # worker's own: its sessions' share is not counted, as they were not reliably found by name)
    load_cpu: dict[str, float] = field(default_factory=dict)

    @property
    def answers(self) -> int:
        return sum(len(r.latencies) for r in self.results)

    @property
    def errors(self) -> int:
        return sum(len(r.failures) for r in self.results)


# --- The populated database --------------------------------------------------------------------


def _password_set(user: User, password: str) -> None:
    """PBKDF2 whatever this process's hashers are (the tests' are MD5 only), so the server can check it."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt())
    user.save(update_fields=["password"])


def load_data_create(*, rows: int, seed: int, say: Callable[[str], None], reference: bool = True) -> LoadData:
    """Populate the migrated database the default connection names: empty, or (``reference=False``)
    holding ``bench_reference_create``'s reference data and caps already. Set-up, not measured."""
    started = time.perf_counter()
    if reference:
        bench_reference_create()
    regions = list(Region.objects.order_by("name"))
    las = list(LocalAuthority.objects.select_related("region"))
    profiles = {p.id: p for p in la_profiles_load(local_authorities=las)}
    msps, sources = [], []
    for number in range(MSP_COUNT):
        msp = MSP.objects.create(name=f"Load MSP {number + 1}", slug=f"load-msp-{number + 1}")
        served = [la for la in las if regions.index(la.region) % MSP_COUNT == number]
        msp.local_authorities.add(*served)
        key, secret = api_key_create(actor=None, name=f"Load {number + 1}", msp=msp)
        msps.append(MspKey(msp.name, secret, [profiles[la.pk] for la in served], 0))
        sources.append(UploadSource(msp=msp, api_key=key))
    generator = PlacementGenerator(
        las=list(profiles.values()),
        rows=rows,
        first_start=FIRST_START,
        last_start=LAST_START,
        seed=seed,
        assignment_prefix="BASE-",
    )
    leavers = _leavers_send(generator.leavers())
    owner = {p.code: number for number, msp in enumerate(msps) for p in msp.las}
    bodies = [io.StringIO() for _ in msps]
    per_msp = [[] for _ in msps]
    for row in generator.placements():
        per_msp[owner[row["la_code"]]].append(row)
    for number, (source, body) in enumerate(zip(sources, bodies, strict=True)):
        msps[number].placements = csv_write(per_msp[number], body)
        raw = body.getvalue().encode()
        spooled = upload_body_spool(io.BytesIO(raw), declared_length=len(raw))
        with spooled.file:
            answer = placement_upload_create(source=source, body=spooled, content_type=CSV_TYPE)
        if answer.status != 201:
            raise LoadBenchError(f"The set-up upload of {msps[number].name} answered {answer.status}: {answer.body}")
    region, manager = bench_region()
    password = secrets.token_urlsafe(16)
    _password_set(manager, password)
    region_las = list(LocalAuthority.objects.filter(region=region).select_related("region").order_by("name"))
    leads = []
    for la in region_las:
        lead, _ = User.objects.get_or_create(email=f"lead.{la.slug}@bench.riia.test", defaults={"full_name": "Lead"})
        membership_grant(user=lead, role=Role.WORKFORCE_LEAD, organisation=la, actor=None)
        leads.append(lead)
    _password_set(leads[0], password)
    requests = _breach_requests_submit(las=region_las, leads=leads, count=max(6, rows // 400))
    benchmarks_recompute_run()
    say(
        f"Load database: {Placement.objects.count():,} placements from {MSP_COUNT} MSPs, {leavers:,} leavers, "
        f"{len(requests)} breach requests in {region.name}, snapshots computed "
        f"(set-up, {time.perf_counter() - started:.1f} s)."
    )
    return LoadData(
        rows=rows,
        seed=seed,
        region_slug=region.slug,
        region_label=f"{region.name}, {len(region_las)} LAs",
        la_slug=region_las[0].slug,
        la_name=region_las[0].name,
        manager_email=manager.email,
        lead_email=leads[0].email,
        password=password,
        msps=msps,
        breach_request_ids=requests,
    )


def _breach_requests_submit(*, las: list[LocalAuthority], leads: list[User], count: int) -> list[int]:
    """``count`` requests to pay a social worker above the cap, spread over the LAs, each submitted by
    the LA's workforce lead through the real services (so the programme manager sees them)."""
    grade = RoleGrade.objects.get(region__isnull=True, core_type=CoreJobType.SOCIAL_WORKER)
    today = timezone.localdate()
    made = []
    for number in range(count):
        la, lead = las[number % len(las)], leads[number % len(las)]
        answer = breach_request_cap(local_authority=la, role_grade=grade, on=today, engagement_type="limited_company")
        details = BreachRequestDetails(
            role_grade=grade,
            proposed_rate=answer.allowed_rate + Decimal("3.50") + number % 5,
            number_of_roles=1 + number % 3,
            contract_start=today,
            contract_end=today + timedelta(weeks=26, days=-1),
            reason_category=ReasonCategory.HARD_TO_FILL,
            reason="Fourth advert for the team has had no applicants.",
            confirms_no_other_breach=True,
        )
        breach_request = breach_request_create(actor=lead, local_authority=la, details=details)
        made.append(breach_request_submit(breach_request=breach_request, actor=lead).pk)
    return made


# --- Signing in through the real page ----------------------------------------------------------


def _cookies(head: list[str]) -> dict[str, str]:
    found = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            pair = value.strip().split(";", 1)[0]
            key, _, text = pair.partition("=")
            found[key] = text
    return found


def sign_in(port: int, email: str, password: str) -> str:
    """The Cookie header of a session made by the sign-in page (its form, its CSRF token), as a browser's."""
    answer = run_async(request(port, raw_request("GET", "/sign-in/")))[1]
    head, body = split_answer(answer)
    cookies = _cookies(head)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None:
        raise LoadBenchError(f"The sign-in page had no form: {first_line(answer)}")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": password}
    ).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    raw = raw_request(
        "POST",
        "/sign-in/",
        cookie=cookie,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=form,
    )
    status, answer = run_async(request(port, raw))
    if status != 302:
        raise LoadBenchError(f"Signing in as {email} answered {first_line(answer)}")
    cookies |= _cookies(split_answer(answer)[0])
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# --- The workload ------------------------------------------------------------------------------


@dataclass
class Endpoint:
    key: str
    name: str
    weight: int
    make: Callable[[random.Random], bytes]  # the raw request
    expect: int = 200


class _Uploads:
    """Fresh 200-row CSV bodies, each from the next MSP in turn, with assignment ids never sent before."""

    def __init__(self, msps: list[MspKey], seed: int) -> None:
        self.msps, self.seed, self.sent = msps, seed, 0

    def make(self, _rng: random.Random) -> bytes:
        number, msp = self.sent, self.msps[self.sent % len(self.msps)]
        self.sent += 1
        generator = PlacementGenerator(
            las=msp.las,
            rows=UPLOAD_ROWS,
            first_start=FIRST_START,
            last_start=LAST_START,
            seed=self.seed * 100_000 + number,
            assignment_prefix=f"LOAD-{number:06d}-",
        )
        body = io.StringIO()
        csv_write(generator.placements(), body)
        return raw_request(
            "POST",
            "/api/v1/placements/uploads/",
            headers={"Authorization": f"Api-Key {msp.secret}", "Content-Type": CSV_TYPE},
            body=body.getvalue().encode(),
            accept="application/json",
        )


def _endpoints(data: LoadData, manager: str, lead: str, uploads: _Uploads) -> list[Endpoint]:
    def get(path: str, cookie: str) -> Callable[[random.Random], bytes]:
        return lambda _rng: raw_request("GET", path, cookie=cookie)

    def placements(rng: random.Random) -> bytes:
        msp = rng.choice(data.msps)
        offset = rng.randrange(0, max(1, msp.placements), PAGE_SIZE)
        return raw_request(
            "GET",
            f"/api/v1/placements/?limit={PAGE_SIZE}&offset={offset}",
            headers={"Authorization": f"Api-Key {msp.secret}"},
            accept="application/json",
        )

    def breach_request(rng: random.Random) -> bytes:
        return raw_request("GET", f"/breaches/requests/{rng.choice(data.breach_request_ids)}/", cookie=manager)

    weights = dict(MIX)
    return [
        Endpoint(
            "region_dashboard",
            f"Region dashboard ({data.region_label})",
            weights["region_dashboard"],
            get(f"/dashboards/regions/{data.region_slug}/", manager),
        ),
        Endpoint(
            "la_dashboard",
            f"LA dashboard ({data.la_name})",
            weights["la_dashboard"],
            get(f"/dashboards/local-authorities/{data.la_slug}/", lead),
        ),
        Endpoint(
            "breach_request_list",
            "Breach request list",
            weights["breach_request_list"],
            get("/breaches/requests/", manager),
        ),
        Endpoint("breach_request_page", "Breach request page", weights["breach_request_page"], breach_request),
        Endpoint(
            "placement_list_api",
            f"GET /api/v1/placements/ ({PAGE_SIZE} a page, any offset)",
            weights["placement_list_api"],
            placements,
        ),
        Endpoint(
            "placement_upload",
            f"POST /api/v1/placements/uploads/ ({UPLOAD_ROWS}-row CSV, {len(data.msps)} MSP keys)",
            weights["placement_upload"],
            uploads.make,
            expect=201,
        ),
    ]


def _failure(endpoint: Endpoint, status: int, answer: bytes) -> str | None:
    if status != endpoint.expect:
        return first_line(answer)
    if endpoint.key == "placement_upload":
        created = json.loads(split_answer(answer)[1] or b"{}").get("created")
        if created != UPLOAD_ROWS:
            return f"{first_line(answer)} (created {created}, not {UPLOAD_ROWS})"
    return None


async def _mixed(
    port: int, endpoints: list[Endpoint], *, clients: int, seconds: float, seed: int
) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    latencies: dict[str, list[float]] = {e.key: [] for e in endpoints}
    failures: dict[str, list[str]] = {e.key: [] for e in endpoints}
    deck = [e for e in endpoints for _ in range(e.weight)]
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        rng = random.Random(f"{seed}:{number}")
        cards = rng.sample(deck, len(deck))
        if number < len(endpoints):  # the clients start on different endpoints
            cards.remove(endpoints[number])
            cards.append(endpoints[number])
        while time.perf_counter() < deadline:
            endpoint = cards.pop()
            if not cards:  # a shuffled deck of the mix: each client keeps to the weights exactly
                cards = rng.sample(deck, len(deck))
            raw = endpoint.make(rng)
            start = time.perf_counter()
            try:
                status, answer = await request(port, raw)
            except OSError as error:
                status, answer = 0, f"(connection failed: {error})".encode()
            took = time.perf_counter() - start
            failed = _failure(endpoint, status, answer)
            if failed:
                failures[endpoint.key].append(failed)
            else:
                latencies[endpoint.key].append(took)

    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, failures


def load_run(
    data: LoadData,
    *,
    seconds: float,
    redis_url: str,
    directory: Path,
    say: Callable[[str], None],
    clients: int = CLIENTS,
    web_workers: int | None = None,
    env: Mapping[str, str] | None = None,
    collect_static: bool = True,
) -> LoadReport:
    """The mixed workload against a fresh gunicorn and Celery worker on the populated database."""
    if collect_static:  # production settings serve hashed static names (WhiteNoise's manifest)
        call_command("collectstatic", "--noinput", verbosity=0)
    web_workers = web_workers or 2 * (os.cpu_count() or 1) + 1
    overrides = {"DATABASE_URL": database_url(), "REDIS_URL": redis_url, **(env or {})}
    # Set-up leaves no recompute waiting: from here, a waiting snapshot is one the load's uploads asked for.
    BenchmarkSnapshot.objects.update(queued_at=None, started_at=None)
    started = time.perf_counter()
    with (
        Worker(redis_url=redis_url, directory=directory, env={**overrides, "PGAPPNAME": WORKER_APP}) as worker,
        GunicornServer(workers=web_workers, env={**overrides, "PGAPPNAME": WEB_APP}) as server,
    ):
        meters = {
            "web": CpuMeter(server.pids),
            "web_db": CpuMeter(lambda: database_sessions(WEB_APP)),
            "worker": CpuMeter(lambda: [worker.process.pid]),
        }
        manager = sign_in(server.port, data.manager_email, data.password)
        lead = sign_in(server.port, data.lead_email, data.password)
        uploads = _Uploads(data.msps, data.seed)
        endpoints = _endpoints(data, manager, lead, uploads)
        rng = random.Random(data.seed)
        alone, alone_cpu = {}, {}
        for endpoint in endpoints:  # alone first: each answers before the load starts, and its time unloaded
            for _ in range(web_workers):  # untimed: most workers have served it once (templates, caches)
                status, answer = run_async(request(server.port, endpoint.make(rng)))
                if failed := _failure(endpoint, status, answer):
                    raise LoadBenchError(f"{endpoint.name}, before the load: {failed}")
            took = []
            meters["web"].lap(), meters["web_db"].lap()
            for _ in range(ALONE_TIMES):
                start = time.perf_counter()
                status, answer = run_async(request(server.port, endpoint.make(rng)))
                took.append(time.perf_counter() - start)
                if failed := _failure(endpoint, status, answer):
                    raise LoadBenchError(f"{endpoint.name}, before the load: {failed}")
            alone[endpoint.key] = percentile_ms(took, 50)
            alone_cpu[endpoint.key] = (meters["web"].lap() + meters["web_db"].lap()) / ALONE_TIMES * 1000
        say(
            f"{web_workers} gunicorn workers and a Celery worker started, two people signed in through the sign-in "
            f"page, each endpoint timed alone (set-up, {time.perf_counter() - started:.1f} s)."
        )
        placements_before = Placement.objects.count()
        say(f"Load on {data.rows:,} placements: {clients} clients for {seconds:g} s ...")
        for meter in meters.values():
            meter.lap()
        started = time.perf_counter()
        latencies, failures = run_async(
            _mixed(server.port, endpoints, clients=clients, seconds=seconds, seed=data.seed)
        )
        elapsed = time.perf_counter() - started
        load_cpu = {name: meter.lap() for name, meter in meters.items()}
        stale = BenchmarkSnapshot.objects.filter(queued_at__isnull=False).count()
        drained = _drain(started_at=time.perf_counter()) if stale else 0.0
        master_mb, workers_mb = server.peak_memory_mb()
        worker_mb = peak_memory_mb(worker.process.pid)
    results = [
        LoadResult(
            name=e.name,
            path=e.key,
            seconds=elapsed,
            latencies=latencies[e.key],
            planned=seconds,
            failures=failures[e.key],
        )
        for e in endpoints
    ]
    report = LoadReport(
        rows=data.rows,
        planned=seconds,
        elapsed=elapsed,
        clients=clients,
        web_workers=web_workers,
        results=results,
        web_master_mb=master_mb,
        web_workers_mb=workers_mb,
        worker_mb=worker_mb,
        uploaded_rows=Placement.objects.count() - placements_before,
        stale_at_end=stale,
        drained_seconds=drained,
        alone_ms=alone,
        alone_cpu_ms=alone_cpu,
        load_cpu=load_cpu,
    )
    total = sum(len(r.latencies) for r in results)
    say(f"Load on {data.rows:,} placements: {total:,} answers in {elapsed:.1f} s, {report.errors} errors.")
    return report


def _drain(*, started_at: float) -> float | None:
    """Seconds until no snapshot waits for a recompute (the worker caught up), or None if it did not in time."""
    while time.perf_counter() - started_at < DRAIN_SECONDS:
        if not BenchmarkSnapshot.objects.filter(queued_at__isnull=False).exists():
            return time.perf_counter() - started_at
        time.sleep(0.2)
    return None


# --- The tables --------------------------------------------------------------------------------


def load_table(report: LoadReport) -> str:
    workers = report.web_workers_mb
    lines = [
        f"Mixed load on {report.rows:,} placements: {report.clients} clients for {report.planned:g} s "
        f"(requests/s over {report.elapsed:.1f} s, until the last answer), gunicorn {report.web_workers} sync "
        f"workers, one Celery worker; {report.uploaded_rows:,} rows uploaded during the run. Alone: the median of "
        f"{ALONE_TIMES} requests one at a time before the load (after one untimed per worker), and the mean CPU "
        "each took in gunicorn and its PostgreSQL session.",
        "",
        "| endpoint | weight | requests | requests/s | alone ms | alone CPU ms | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    weights = dict(MIX)
    for r in report.results:
        lines.append(
            f"| {r.name} | {weights.get(r.path, '')} | {len(r.latencies):,} | {r.requests_per_second:,.1f} | "
            f"{_ms(report.alone_ms.get(r.path))} | {_ms(report.alone_cpu_ms.get(r.path))} | "
            f"{r.percentile_ms(50):.0f} | {r.percentile_ms(95):.0f} | {r.percentile_ms(99):.0f} | {len(r.failures)} |"
        )
    every = LoadResult("all", "", report.elapsed, [t for r in report.results for t in r.latencies])
    lines.append(
        f"| **all** | | {len(every.latencies):,} | {every.requests_per_second:,.1f} | | | "
        f"{every.percentile_ms(50):.0f} | {every.percentile_ms(95):.0f} | {every.percentile_ms(99):.0f} | "
        f"{report.errors} |"
    )
    drained = (
        "none were waiting"
        if not report.stale_at_end
        else f"all fresh {report.drained_seconds:.1f} s later"
        if report.drained_seconds is not None
        else f"still waiting {DRAIN_SECONDS} s later"
    )
    cpu = report.load_cpu
    lines += [
        "",
        f"Peak memory (VmHWM): gunicorn master {report.web_master_mb:.0f} MB, workers "
        f"{', '.join(f'{mb:.0f}' for mb in sorted(workers, reverse=True))} MB (together {sum(workers):.0f} MB); "
        f"Celery worker {report.worker_mb:.0f} MB. Snapshots waiting for a recompute when the load stopped: "
        f"{report.stale_at_end} ({drained}).",
    ]
    if cpu:
        lines += [
            "",
            f"CPU during the load: gunicorn {cpu['web']:.1f} s and its PostgreSQL sessions {cpu['web_db']:.1f} s "
            f"({_per_answer(report)} ms per answer); the Celery worker {cpu['worker']:.1f} s (its own process).",
        ]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _per_answer(report: LoadReport) -> str:
    cpu = report.load_cpu
    if not cpu or not report.answers:
        return "–"
    return f"{(cpu['web'] + cpu['web_db']) / report.answers * 1000:.0f}"


def load_comparison_table(first: LoadReport, second: LoadReport) -> str:
    """The same workload on twice the data: how each endpoint's cost grows. The CPU an endpoint takes
    alone is the figure least moved by other work on the machine; the times under load move with it."""

    def ratio(a: float | None, b: float | None) -> str:
        return f"{b / a:.2f}×" if a and b is not None else "–"

    lines = [
        f"The same load on {first.rows:,} → {second.rows:,} placements:",
        "",
        "| endpoint | requests/s | p50 ms | p95 ms | alone ms | alone CPU ms | alone CPU × |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for x, y in zip(first.results, second.results, strict=True):
        cpu_x, cpu_y = first.alone_cpu_ms.get(x.path), second.alone_cpu_ms.get(y.path)
        lines.append(
            f"| {x.name} | {x.requests_per_second:,.1f} → {y.requests_per_second:,.1f} | "
            f"{x.percentile_ms(50):.0f} → {y.percentile_ms(50):.0f} | "
            f"{x.percentile_ms(95):.0f} → {y.percentile_ms(95):.0f} | "
            f"{_ms(first.alone_ms.get(x.path))} → {_ms(second.alone_ms.get(y.path))} | "
            f"{_ms(cpu_x)} → {_ms(cpu_y)} | {ratio(cpu_x, cpu_y)} |"
        )
    lines += [
        "",
        f"CPU per answer under load (gunicorn + PostgreSQL): {_per_answer(first)} → {_per_answer(second)} ms. "
        f"Peak memory: gunicorn workers together {sum(first.web_workers_mb):.0f} → {sum(second.web_workers_mb):.0f} "
        f"MB; Celery worker {first.worker_mb:.0f} → {second.worker_mb:.0f} MB.",
    ]
    return "\n".join(lines)


def load_failures(reports: list[LoadReport]) -> str:
    """What failed, for the bench's exit: per endpoint, how many and the first few answers."""
    lines = []
    for report in reports:
        for r in report.results:
            if r.failures:
                shown = "; ".join(dict.fromkeys(r.failures[:20]))
                lines.append(f"{report.rows:,} placements, {r.name}: {len(r.failures)} errors ({shown[:600]})")
    return "\n".join(lines)
