"""Measure placement uploads through the real API against raw PostgreSQL COPY (``make bench``).

    make bench                      # 100,000 rows
    make bench BENCH_ROWS=2000      # what CI runs, so the bench never rots
    make bench-pages                # only the page bench, on the populated database DATABASE_URL names
    make bench BENCH_LOAD_SECONDS=60  # the mixed load's length on each of its two databases (0 skips it)
    make bench-load                 # only the mixed load (datareturns/bench_load.py)

It makes its own database (the one DATABASE_URL names, which ``make bench`` sets from
BENCH_DATABASE_URL), refuses one that already exists, and drops it at the end. With ``--pages-only`` it
runs only the page bench, on the database DATABASE_URL names as it is (e.g. with ``manage.py demo``
data), and changes nothing there but a session and, when the data has none, the benchmark snapshots.
The mixed load (last, or alone with ``--load-only``) makes, populates and drops databases of its own,
named after that one's (``<name>_load_reference``, ``<name>_load_<rows>``, ``<name>_load_<2 x rows>``)."""

import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from datareturns.bench import (
    BenchError,
    Server,
    _reset,
    bench_data_create,
    bench_database,
    bench_reference_create,
    bench_run,
    bench_table,
    database_used,
    machine_description,
)
from datareturns.bench_benchmarks import (
    BenchSkipped,
    _redis_reachable,
    benchmarks_table,
    freshness_measure,
    recompute_data_create,
    recompute_measure,
)
from datareturns.bench_http import BenchServerError
from datareturns.bench_load import (
    LoadReport,
    load_comparison_table,
    load_data_create,
    load_failures,
    load_run,
    load_table,
)
from datareturns.bench_pages import page_bench_run, page_bench_table


class Command(BaseCommand):
    help = (
        "Time placement uploads (CSV, JSON, all updates) through gunicorn against raw COPY, in a database of its own."
    )
    requires_system_checks = []  # it creates the database the checks would look at

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=100_000, help="Placement rows per upload (default 100000)")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generated data (default 1)")
        parser.add_argument(
            "--page-seconds",
            type=float,
            default=20.0,
            help="Seconds of load on each page in the page bench (default 20; 0 skips it)",
        )
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="Only the page bench, on the existing database DATABASE_URL names (no bench database)",
        )
        parser.add_argument(
            "--recompute-rows",
            type=int,
            default=None,
            help="Placements for the benchmark recompute (default 1,000,000; 10 x --rows when --rows is under 100,000)",
        )
        parser.add_argument(
            "--load-seconds",
            type=float,
            default=60.0,
            help="Seconds of the mixed load, on --rows placements and again on twice as many (default 60; 0 skips it)",
        )
        parser.add_argument(
            "--load-only",
            action="store_true",
            help="Only the mixed load, in databases of its own named after DATABASE_URL's (needs --redis-url)",
        )
        parser.add_argument(
            "--redis-url", default="", help="Redis for the freshness run's real Celery worker (skipped without it)"
        )

    def handle(
        self,
        *args,
        rows: int,
        seed: int,
        recompute_rows: int | None,
        redis_url: str,
        page_seconds: float,
        load_seconds: float = 0.0,
        pages_only: bool = False,
        load_only: bool = False,
        **options,
    ) -> None:
        limit = settings.DATARETURNS_UPLOAD_MAX_ROWS
        if not 1 <= rows <= limit:
            raise CommandError(f"--rows must be from 1 to {limit:,} (the upload's limit).")
        self._started = time.monotonic()
        if settings.DEBUG:
            self.stderr.write("Note: DJANGO_DEBUG is on, so debug overhead is measured too (make bench turns it off).")
        if pages_only:
            try:
                pages = page_bench_run(seconds=page_seconds or 20.0, say=self._say)
            except BenchServerError as error:
                raise CommandError(str(error)) from None
            self.stdout.write("")
            self.stdout.write(f"{machine_description()}.")
            self.stdout.write(page_bench_table(pages))
            return
        if load_only:
            if not (redis_url and _redis_reachable(redis_url)):
                raise CommandError(
                    f"The mixed load needs Redis for its Celery worker: none at {redis_url or '(unset)'}."
                )
            try:
                base = settings.DATABASES["default"]["NAME"]
                loads = self._loads(base=base, rows=rows, seed=seed, seconds=load_seconds or 60.0, redis_url=redis_url)
            except (BenchError, BenchServerError, BenchSkipped) as error:
                raise CommandError(str(error)) from None
            self.stdout.write("")
            self.stdout.write(f"{self._machine}.")
            self._load_tables(loads)
            return
        try:
            with bench_database() as name, tempfile.TemporaryDirectory(prefix="riia-bench-") as directory:
                self._say(f"Bench database {name} created.")
                data = bench_data_create(rows=rows, seed=seed, directory=Path(directory), say=self._say)
                measurements = bench_run(data, directory=Path(directory), say=self._say)
                if recompute_rows is None:
                    recompute_rows = 1_000_000 if rows >= 100_000 else rows * 10
                _reset()
                recompute_data_create(rows=recompute_rows, msp=data.msp, say=self._say)
                timings = recompute_measure(rows=recompute_rows, say=self._say)
                timings += freshness_measure(
                    msp_key=data.api_key,
                    server_factory=Server,
                    redis_url=redis_url,
                    directory=Path(directory),
                    say=self._say,
                )
                pages = page_bench_run(seconds=page_seconds, say=self._say) if page_seconds > 0 else None
                machine = machine_description()
                loads, load_note = [], ""
                if load_seconds > 0 and redis_url and _redis_reachable(redis_url):
                    loads = self._loads(base=name, rows=rows, seed=seed, seconds=load_seconds, redis_url=redis_url)
                elif load_seconds > 0:
                    load_note = f"Mixed load not measured: no Redis at {redis_url or '(BENCH_REDIS_URL unset)'}."
        except (BenchError, BenchServerError, BenchSkipped) as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        self.stdout.write(f"{rows:,} placement rows; {machine}.")
        self.stdout.write(bench_table(measurements))
        self.stdout.write("")
        self.stdout.write(benchmarks_table(timings))
        if pages is not None:
            self.stdout.write("")
            self.stdout.write(page_bench_table(pages))
        if load_note:
            self.stdout.write("")
            self.stdout.write(load_note)
        self.stdout.write(f"Bench database {name} dropped.")
        self._load_tables(loads)

    def _load_tables(self, loads: list[LoadReport]) -> None:
        """Each run's table and their comparison; any error fails the bench (zero is the bar), after the tables."""
        for report in loads:
            self.stdout.write("")
            self.stdout.write(load_table(report))
        if len(loads) == 2:
            self.stdout.write("")
            self.stdout.write(load_comparison_table(*loads))
        if failed := load_failures(loads):
            raise CommandError(f"The mixed load had errors (zero is the bar):\n{failed}")

    def _loads(self, *, base: str, rows: int, seed: int, seconds: float, redis_url: str) -> list[LoadReport]:
        """The mixed load on ``rows`` placements, then on twice as many, each in a database of its own
        copied from one migrated with the reference data and caps (made once), populated and dropped."""
        reports = []
        with bench_database(f"{base}_load_reference") as reference:
            with database_used(reference):
                call_command("migrate", verbosity=0)
                bench_reference_create()
                self._machine = machine_description()
            self._say(f"Load reference database {reference} made (migrated, reference data, caps).")
            for number in (1, 2):
                with (
                    bench_database(f"{base}_load_{rows * number}", template=reference) as name,
                    database_used(name),
                    tempfile.TemporaryDirectory(prefix="riia-bench-load-") as directory,
                ):
                    data = load_data_create(rows=rows * number, seed=seed, say=self._say, reference=False)
                    reports.append(
                        load_run(
                            data,
                            seconds=seconds,
                            redis_url=redis_url,
                            directory=Path(directory),
                            say=self._say,
                            collect_static=number == 1,
                        )
                    )
        return reports

    def _say(self, text: str) -> None:
        self.stderr.write(f"[{time.monotonic() - self._started:5.1f} s] {text}")
