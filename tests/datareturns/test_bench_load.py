"""The mixed load of ``manage.py bench`` (``datareturns/bench_load.py``): its tables, and a short run of
the real thing (gunicorn, a Celery worker, PostgreSQL, Redis) on a small database, so it cannot rot."""

import re

import pytest
from django.conf import settings
from django.db import connection

from datareturns.bench_http import LoadResult
from datareturns.bench_load import (
    MIX,
    Endpoint,
    LoadReport,
    _failure,
    load_comparison_table,
    load_data_create,
    load_failures,
    load_run,
    load_table,
)
from datareturns.models import BenchmarkSnapshot, Placement


def _report(rows: int, scale: float, failures: int = 0) -> LoadReport:
    results = [
        LoadResult(
            f"Endpoint {key}",
            key,
            10.0,
            [scale * (i + 1) / 1000 for i in range(100)],
            planned=10.0,
            failures=["HTTP/1.1 500 Internal Server Error: <h1>Server Error (500)</h1>"] * failures,
        )
        for key, _weight in MIX
    ]
    return LoadReport(
        rows=rows,
        planned=10.0,
        elapsed=10.0,
        clients=8,
        web_workers=5,
        results=results,
        web_master_mb=30,
        web_workers_mb=[90, 80],
        worker_mb=120,
        uploaded_rows=4000,
        stale_at_end=3,
        drained_seconds=1.5,
        alone_ms={"region_dashboard": 12.4},
        alone_cpu_ms={"region_dashboard": 10.0 * scale},
        load_cpu={"web": 30.0, "web_db": 6.0, "worker": 20.0},
    )


def test_the_table_gives_each_endpoint_its_rate_percentiles_and_errors_and_the_peak_memory():
    lines = load_table(_report(20_000, 1.0)).splitlines()

    assert lines[0].startswith("Mixed load on 20,000 placements: 8 clients for 10 s")
    assert "4,000 rows uploaded during the run" in lines[0]
    assert lines[4] == "| Endpoint region_dashboard | 3 | 100 | 10.0 | 12 | 10 | 50 | 95 | 99 | 0 |"
    assert lines[5] == "| Endpoint la_dashboard | 3 | 100 | 10.0 | – | – | 50 | 95 | 99 | 0 |"
    assert lines[4 + len(MIX)] == "| **all** | | 600 | 60.0 | | | 50 | 95 | 99 | 0 |"
    assert "gunicorn master 30 MB, workers 90, 80 MB (together 170 MB); Celery worker 120 MB" in lines[-3]
    assert "waiting for a recompute when the load stopped: 3 (all fresh 1.5 s later)" in lines[-3]
    assert lines[-1] == (
        "CPU during the load: gunicorn 30.0 s and its PostgreSQL sessions 6.0 s (60 ms per answer); "
        "the Celery worker 20.0 s (its own process)."
    )


def test_the_comparison_gives_the_ratio_of_each_endpoint_on_twice_the_data():
    lines = load_comparison_table(_report(20_000, 1.0), _report(40_000, 1.5)).splitlines()

    assert lines[0] == "The same load on 20,000 → 40,000 placements:"
    assert lines[4] == "| Endpoint region_dashboard | 10.0 → 10.0 | 50 → 75 | 95 → 142 | 12 → 12 | 10 → 15 | 1.50× |"
    assert lines[5].endswith("| – → – | – → – | – |")
    assert lines[-1].startswith("CPU per answer under load (gunicorn + PostgreSQL): 60 → 60 ms.")


def test_failures_say_which_endpoint_failed_how_often_and_with_what_answer():
    assert load_failures([_report(20_000, 1.0)]) == ""

    said = load_failures([_report(20_000, 1.0, failures=2)])

    assert said.splitlines()[0] == (
        "20,000 placements, Endpoint region_dashboard: 2 errors "
        "(HTTP/1.1 500 Internal Server Error: <h1>Server Error (500)</h1>)"
    )


@pytest.mark.services
@pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn and the worker need a database they can share")
@pytest.mark.django_db(transaction=True)
def test_a_short_mixed_load_answers_every_endpoint_without_an_error(tmp_path):
    said = []
    data = load_data_create(rows=300, seed=3, say=said.append)
    assert len(data.msps) == 3 and all(msp.placements for msp in data.msps)
    assert sum(msp.placements for msp in data.msps) == Placement.objects.count() == 300
    assert BenchmarkSnapshot.objects.filter(computed_at__isnull=False).exists()

    report = load_run(
        data,
        seconds=2,
        redis_url=settings.REDIS_URL,
        directory=tmp_path,
        say=said.append,
        web_workers=2,
        collect_static=False,
    )

    table = load_table(report)
    print(table)
    assert report.errors == 0, load_failures([report])
    for result in report.results:
        assert result.latencies, f"{result.name}: no answer in 2 s"
        row = next(line for line in table.splitlines() if line.startswith(f"| {result.name} |"))
        assert row.endswith("| 0 |")
    uploads = next(r for r in report.results if r.path == "placement_upload")
    assert report.uploaded_rows == 200 * len(uploads.latencies)
    assert re.search(r"gunicorn master \d+ MB, workers \d+, \d+ MB", table)
    assert set(report.alone_ms) == set(report.alone_cpu_ms) == {key for key, _weight in MIX}
    assert all(ms > 0 for ms in report.alone_cpu_ms.values())
    assert report.load_cpu["web"] > 0 and report.load_cpu["web_db"] > 0 and report.load_cpu["worker"] > 0
    assert report.worker_mb > 20 and all(mb > 20 for mb in report.web_workers_mb)


def test_an_answer_counts_only_when_it_is_the_expected_one():
    page = Endpoint("la_dashboard", "LA dashboard", 3, lambda _rng: b"")
    upload = Endpoint("placement_upload", "Upload", 1, lambda _rng: b"", expect=201)
    ok = b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n{"created": 200}'
    short = b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n{"created": 199, "updated": 1}'
    moved = b"HTTP/1.1 302 Found\r\nLocation: /sign-in/\r\n\r\n"

    assert _failure(page, 200, b"HTTP/1.1 200 OK\r\n\r\n<html>") is None
    assert _failure(upload, 201, ok) is None
    assert _failure(upload, 201, short) == 'HTTP/1.1 201 Created: {"created": 199, "updated": 1} (created 199, not 200)'
    assert _failure(page, 302, moved) == "HTTP/1.1 302 Found: "
