"""Bench item 3 of issue 11 (``manage.py bench``): the region dashboard page, signed in, under 32
concurrent connections on loopback, against a minimal signed-in Django view served by the same
gunicorn with the same settings, in the same run.

The server is gunicorn with sync workers (2 × cores + 1, gunicorn's own advice) serving
``datareturns.bench_wsgi`` (the project with one extra URL, the minimal view). The load comes from
this process: 32 asyncio connections, each sending one request after another (a new connection per
request, as sync workers close it) for the given number of seconds; every answer must be a 200.
Latency is from opening the connection to the last byte, so it includes waiting for a free worker."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from datareturns.bench_http import BenchServerError, GunicornServer, LoadResult, raw_get, request, run_async
from datareturns.models import BenchmarkSnapshot
from riia.models import Region, Role, User

CONNECTIONS = 32
GOAL_RATIO, GOAL_P99_MS = 0.5, 40.0
MINIMAL_PATH = "/bench/minimal/"
NOTIFICATIONS_PATH = "/notifications/"
_request, _raw_get = request, raw_get  # shared with the load bench (datareturns.bench_http)


class PageBenchError(BenchServerError):
    pass


def signed_in_cookie(user: User) -> str:
    """A real session for the person, stored where the server reads sessions (the database)."""
    client = Client()
    client.force_login(user, backend="riia.auth_backends.AdminModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def _load(port: int, raw: bytes, *, connections: int, seconds: float) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    failures: list[int] = []
    deadline = time.perf_counter() + seconds

    async def one_connection() -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            status, _ = await _request(port, raw)
            if status == 200:
                latencies.append(time.perf_counter() - start)
            else:
                failures.append(status)

    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return latencies, failures


def load(*, port: int, name: str, path: str, cookie: str, seconds: float, connections: int = CONNECTIONS) -> LoadResult:
    raw = _raw_get(path, cookie)
    started = time.perf_counter()
    latencies, failures = run_async(_load(port, raw, connections=connections, seconds=seconds))
    elapsed = time.perf_counter() - started
    if failures:
        raise PageBenchError(f"{name}: {len(failures)} answers were not 200 (first: {failures[0]}).")
    return LoadResult(name=name, path=path, seconds=elapsed, latencies=latencies, planned=seconds)


def _alone_ms(port: int, path: str, cookie: str, times: int = 20) -> float:
    """The median time of a request with nothing else in flight."""
    raw, took = _raw_get(path, cookie), []
    for _ in range(times):
        start = time.perf_counter()
        run_async(_request(port, raw))
        took.append(time.perf_counter() - start)
    return sorted(took)[len(took) // 2] * 1000


def bench_region() -> tuple[Region, User]:
    """The region with the most LAs (the widest dashboard) and its programme manager, who sees every
    figure unsuppressed (the most work for the page)."""
    region = max(Region.objects.prefetch_related("local_authorities"), key=lambda r: len(r.local_authorities.all()))
    manager = User.objects.filter(
        memberships__role=Role.PROGRAMME_MANAGER, memberships__region=region, memberships__ended_at__isnull=True
    ).first()
    if manager is None:
        manager = User.objects.create(email=f"pm.{region.slug}@bench.riia.test", full_name="Bench programme manager")
        from riia.services import membership_grant

        membership_grant(user=manager, role=Role.PROGRAMME_MANAGER, organisation=region, actor=None)
    return region, manager


def page_bench_run(*, seconds: float, say: Callable[[str], None]) -> list[LoadResult]:
    if not BenchmarkSnapshot.objects.filter(computed_at__isnull=False).exists():
        from datareturns.benchmarks import benchmarks_recompute_run

        started = time.perf_counter()
        benchmarks_recompute_run()
        say(f"Benchmarks computed for the page bench (set-up) in {time.perf_counter() - started:.1f} s.")
    # Production settings serve pages with hashed static names (WhiteNoise's manifest), as deployed.
    started = time.perf_counter()
    call_command("collectstatic", "--noinput", verbosity=0)
    say(f"Static files collected for the page bench (set-up) in {time.perf_counter() - started:.1f} s.")
    region, manager = bench_region()
    cookie = signed_in_cookie(manager)
    page = f"/dashboards/regions/{region.slug}/"
    workers = 2 * (os.cpu_count() or 1) + 1
    with GunicornServer(workers=workers, app="datareturns.bench_wsgi:application") as server:
        for path in (MINIMAL_PATH, page):
            status, body = run_async(_request(server.port, _raw_get(path, cookie)))
            if status != 200 or (path == page and region.name.encode() not in body):
                raise PageBenchError(f"GET {path} signed in answered {status}, not the page.")
        for path in (MINIMAL_PATH, NOTIFICATIONS_PATH, page):
            say(f"GET {path} one at a time: median {_alone_ms(server.port, path, cookie):.1f} ms.")
        warm_up = min(2.0, seconds / 4)
        load(port=server.port, name="warm-up", path=page, cookie=cookie, seconds=warm_up)
        load(port=server.port, name="warm-up", path=MINIMAL_PATH, cookie=cookie, seconds=warm_up)
        results = [
            load(port=server.port, name="Minimal signed-in view", path=MINIMAL_PATH, cookie=cookie, seconds=seconds),
            # For scale: an ordinary page of the service (the GOV.UK layout, navigation, a short list).
            load(port=server.port, name="Notifications page", path=NOTIFICATIONS_PATH, cookie=cookie, seconds=seconds),
            load(
                port=server.port,
                name=f"Region dashboard ({region.name}, {region.local_authorities.count()} LAs)",
                path=page,
                cookie=cookie,
                seconds=seconds,
            ),
        ]
    for r in results:
        say(f"{r.name}: {r.requests_per_second:,.0f} requests/s, p99 {r.percentile_ms(99):.1f} ms.")
    return results


def page_bench_table(results: list[LoadResult], *, workers: int | None = None) -> str:
    minimal, page = results[0], results[-1]
    ratio = page.requests_per_second / minimal.requests_per_second if minimal.requests_per_second else 0.0
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    lines = [
        f"Pages under load: {CONNECTIONS} concurrent connections sending for {page.planned:g} s each (requests/s "
        f"over the time until the last answer), gunicorn "
        f"{workers} sync workers, signed in as the region's programme manager.",
        "",
        "| page | requests | requests/s | × minimal view | p50 ms | p99 ms | goal (≥ 0.5× minimal, p99 ≤ 40 ms) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        times = f"{r.requests_per_second / minimal.requests_per_second:.2f}×" if minimal.requests_per_second else "–"
        if r is minimal:
            goal = "the baseline"
        elif r is not page:
            goal = "for scale"
        else:
            met_ratio, met_p99 = ratio >= GOAL_RATIO, r.percentile_ms(99) <= GOAL_P99_MS
            goal = (
                "met"
                if met_ratio and met_p99
                else f"ratio {'met' if met_ratio else 'missed'}, p99 {'met' if met_p99 else 'missed'}"
            )
        lines.append(
            f"| {r.name} | {len(r.latencies):,} | {r.requests_per_second:,.0f} | {times} | "
            f"{r.percentile_ms(50):.1f} | {r.percentile_ms(99):.1f} | {goal} |"
        )
    return "\n".join(lines)
