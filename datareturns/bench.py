"""``manage.py bench``: placement uploads through the real API against raw PostgreSQL COPY.

Everything runs against a database the bench creates and drops itself. The uploads go to a real
gunicorn process (one sync worker, started fresh for each measured request so its peak memory is
that request's), as an MSP's system would send them; COPY is the same rows, with the flags the
upload computed, written straight into the same table: the physical limit, measured in the same run.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from psycopg2 import sql

from datareturns.bench_http import children, free_port
from datareturns.generate import PlacementGenerator, csv_write, json_write, la_profiles_load
from datareturns.models import Flag, Placement, PlacementVersion
from datareturns.services import UploadSource, leaver_upload_create, upload_body_spool
from datareturns.validation import LEAVER_COLUMNS
from datareturns.writers import PLACEMENT_COLUMNS
from rates.demo import demo_cap_rates, demo_rate_card_publish
from riia.models import MSP, LocalAuthority, Region, Role, User
from riia.services import membership_grant
from riia.services_keys import api_key_create

# Eight quarters of start dates, all under the demo caps published from the first day.
FIRST_START, LAST_START = date(2024, 4, 1), date(2026, 3, 31)
CSV_TYPE, JSON_TYPE = "text/csv", "application/json"
GOAL_RATIO, GOAL_RSS_MB = 2.0, 300
OFFERS = 1000  # proposed placements in one pre-offer check (the most a check may hold)


class BenchError(Exception):
    """The bench cannot run or a measured request did not do what it should."""


@dataclass
class Measurement:
    name: str
    seconds: float
    rows: int
    peak_rss_mb: float | None = None
    goal: bool = False
    worker_cpu_seconds: float | None = None
    note: str = ""  # said instead of the comparison with COPY (the pre-offer check's pair)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# --- The bench's own database ------------------------------------------------------------------


def _maintenance_connection():
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    return conn


@contextmanager
def bench_database(name: str | None = None, *, template: str | None = None) -> Iterator[str]:
    """Create the configured database, or the one named (refusing one that already exists: the bench
    never touches a database it did not make), as a copy of ``template`` if given, yield its name, and
    drop it afterwards whatever happened."""
    if connection.vendor != "postgresql":
        raise BenchError("The bench needs PostgreSQL: run it with make bench (BENCH_DATABASE_URL=postgres://...).")
    name = name or settings.DATABASES["default"]["NAME"]
    admin = _maintenance_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                raise BenchError(
                    f"The database {name} already exists. The bench makes and drops its own: drop it "
                    "(if it is a bench left over) or point BENCH_DATABASE_URL at a new name."
                )
            if template:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
                )
            else:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            connections.close_all()
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        admin.close()


@contextmanager
def database_used(name: str) -> Iterator[None]:
    """This process's queries (and the servers and workers the bench starts from now on, which take
    their URL from the connection) go to the database named, until the block ends."""
    settings_dict = connections["default"].settings_dict
    previous = settings_dict["NAME"]
    connections.close_all()
    settings_dict["NAME"] = name
    try:
        yield
    finally:
        connections.close_all()
        settings_dict["NAME"] = previous


# --- Reference data, caps, an MSP serving every LA, and the rows --------------------------------


@dataclass
class BenchData:
    msp: MSP
    api_key: str
    placements_csv: Path
    placements_json: Path
    updates_csv: Path
    rows: int
    leavers: int
    offers_json: Path | None = None  # proposed placements, for the pre-offer check and their upload
    offers: int = 0


def bench_reference_create() -> None:
    """The reference data, a programme manager per region, and the demo caps published in every region
    from ``FIRST_START`` (shared with the load bench)."""
    call_command("load_reference_data", stdout=io.StringIO())
    caps = demo_cap_rates()
    for region in Region.objects.order_by("name"):
        manager, _ = User.objects.get_or_create(
            email=f"pm.{region.slug}@bench.riia.test", defaults={"full_name": f"Bench programme manager ({region})"}
        )
        membership_grant(user=manager, role=Role.PROGRAMME_MANAGER, organisation=region, actor=None)
        demo_rate_card_publish(
            region=region, actor=manager, rates=caps[region.slug], effective_from=FIRST_START, notes="Bench caps"
        )


def bench_data_create(*, rows: int, seed: int, directory: Path, say: Callable[[str], None]) -> BenchData:
    call_command("migrate", verbosity=0)
    bench_reference_create()
    las = list(LocalAuthority.objects.select_related("region"))
    msp = MSP.objects.create(name="Bench MSP", slug="bench-msp")
    msp.local_authorities.add(*las)
    _key, secret = api_key_create(actor=None, name="Bench", msp=msp)
    say(f"Reference data: {len(las)} LAs in {Region.objects.count()} regions; caps published for every region.")

    generator = PlacementGenerator(
        las=la_profiles_load(local_authorities=las),
        rows=rows,
        first_start=FIRST_START,
        last_start=LAST_START,
        seed=seed,
        assignment_prefix="BENCH-",
    )
    leavers = _leavers_send(generator.leavers())
    paths = {name: directory / name for name in ("placements.csv", "placements.json", "updates.csv")}
    with paths["placements.csv"].open("w", newline="", encoding="utf-8") as out:
        csv_write(generator.placements(), out)
    with paths["placements.json"].open("w", encoding="utf-8") as out:
        json_write(generator.placements(), out)
    with paths["updates.csv"].open("w", newline="", encoding="utf-8") as out:
        csv_write(_one_value_changed(generator.placements()), out)
    offers = PlacementGenerator(
        las=generator.las,
        rows=OFFERS,
        first_start=FIRST_START,
        last_start=LAST_START,
        seed=seed + 1,
        assignment_prefix="OFFER-",
    )
    paths["offers.json"] = directory / "offers.json"
    with paths["offers.json"].open("w", encoding="utf-8") as out:
        json_write(offers.placements(), out)
    sizes = ", ".join(f"{name} {path.stat().st_size / 1e6:.1f} MB" for name, path in paths.items())
    say(f"Generated {rows:,} placements ({sizes}) and {leavers:,} permanent leavers (sent by their LAs).")
    return BenchData(
        msp=msp,
        api_key=secret,
        placements_csv=paths["placements.csv"],
        placements_json=paths["placements.json"],
        updates_csv=paths["updates.csv"],
        rows=rows,
        leavers=leavers,
        offers_json=paths["offers.json"],
        offers=OFFERS,
    )


def _one_value_changed(rows: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    """The same rows with the first one's hours changed: a different body, every row an update."""
    for number, row in enumerate(rows):
        yield {**row, "hours_per_week": "36.5" if row["hours_per_week"] != "36.5" else "36"} if number == 0 else row


def _leavers_send(leavers: list[dict[str, str]]) -> int:
    """Each LA sends its own leavers through the real service (set-up, not measured)."""
    by_la: dict[str, list[dict[str, str]]] = {}
    for row in leavers:
        by_la.setdefault(row["la_code"], []).append(row)
    las = {la.old_code: la for la in LocalAuthority.objects.filter(old_code__in=by_la)}
    for code, rows in by_la.items():
        text = io.StringIO()
        csv_write(rows, text, columns=LEAVER_COLUMNS.all)
        body = text.getvalue().encode()
        spooled = upload_body_spool(io.BytesIO(body), declared_length=len(body))
        with spooled.file:
            leaver_upload_create(source=UploadSource(local_authority=las[code]), body=spooled, content_type=CSV_TYPE)
    return len(leavers)


# --- A real server ------------------------------------------------------------------------------


class Server:
    """gunicorn serving this project, one sync worker, on a free loopback port. It inherits this
    process's environment (``make bench`` sets production-like settings: debug off, generated
    secrets); tasks are queued in memory (no Redis needed) and email is discarded."""

    def __init__(self, *, api_key: str, redis_url: str = "") -> None:
        self.port = free_port()
        self.api_key = api_key
        self.redis_url = redis_url  # set for the benchmarks' freshness run, whose worker reads Redis
        self.process: subprocess.Popen | None = None
        self.worker_pid: int | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "DATABASE_URL": settings.DATABASE_URL,
            "REDIS_URL": self.redis_url,
            "RIIA_CELERY_EAGER": "false",  # emails are queued, as for production's worker, not sent in the request
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            # The API serves no static files; WhiteNoise's warning that none are collected is noise here.
            "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        }
        command = [sys.executable, "-m", "gunicorn", "riia.wsgi:application", "--workers", "1"]
        command += ["--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--timeout", "1800"]
        command += ["--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start (exit code {self.process.returncode}).")
            try:
                status, _ = self.request("GET", "/api/v1/whoami/")  # also warms the worker up
            except OSError:
                time.sleep(0.2)
                continue
            if status != 200:
                raise BenchError(f"GET /api/v1/whoami/ with the bench's API key answered {status}.")
            workers = children(self.process.pid)
            if len(workers) != 1:
                raise BenchError(f"Expected one gunicorn worker, found {len(workers)}.")
            self.worker_pid = workers[0]
            return self
        raise BenchError("gunicorn did not answer within 60 seconds.")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(self, method: str, path: str, *, body: Path | None = None, content_type: str = "") -> tuple[int, bytes]:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600, blocksize=1 << 16)
        headers = {"Authorization": f"Api-Key {self.api_key}"}
        try:
            if body is None:
                client.request(method, path, headers=headers)
            else:
                headers |= {"Content-Type": content_type, "Content-Length": str(body.stat().st_size)}
                with body.open("rb") as stream:
                    client.request(method, path, body=stream, headers=headers)
            response = client.getresponse()
            return response.status, response.read()
        finally:
            client.close()


class PeakRss:
    """The peak resident memory of a process from now on: the kernel's high-water mark (reset by
    writing 5 to clear_refs) and, in case that is not allowed, VmRSS polled every 5 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._polled = 0
        self._stop = threading.Event()
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            self._reset = True
        except OSError:
            self._reset = False
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _kb(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0

    def _poll(self) -> None:
        while not self._stop.is_set():
            self._polled = max(self._polled, self._kb("VmRSS"))
            self._stop.wait(0.005)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        peak = max(self._polled, self._kb("VmHWM") if self._reset else 0)
        return peak / 1024


# --- The measurements ---------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (robust to other load on the machine, unlike wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _upload(
    data: BenchData,
    name: str,
    body: Path,
    content_type: str,
    *,
    expect: str,
    say: Callable[[str], None],
    rows: int | None = None,
) -> tuple[Measurement, dict]:
    """One upload, to a fresh server, timed from the first byte sent to the last byte of the answer."""
    with Server(api_key=data.api_key) as server:
        peak = PeakRss(server.worker_pid)
        cpu = _cpu_seconds(server.worker_pid)
        start = time.perf_counter()
        status, raw = server.request("POST", "/api/v1/placements/uploads/", body=body, content_type=content_type)
        seconds = time.perf_counter() - start
        cpu = _cpu_seconds(server.worker_pid) - cpu
        rss = peak.stop()
    answer = json.loads(raw or b"{}")
    rows = data.rows if rows is None else rows
    if status != 201 or answer.get(expect) != rows:
        raise BenchError(f"{name}: expected 201 with {expect} = {rows:,}, got {status}: {raw[:600]!r}")
    say(f"{name}: {seconds:.2f} s ({cpu:.2f} s CPU in the worker), peak RSS {rss:.0f} MB.")
    return Measurement(name, seconds, rows, rss, goal=True, worker_cpu_seconds=cpu), answer


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns() -> str:
    return ", ".join(connection.ops.quote_name(c) for c in PLACEMENT_COLUMNS)


def _dump(upload_id: int, path: Path) -> None:
    """The rows an upload wrote, in the columns it wrote them (flags and explanations included)."""
    query = f"SELECT {_columns()} FROM {_table(Placement)} WHERE upload_id = {int(upload_id)} ORDER BY id"
    with connection.cursor() as cursor, path.open("wb") as out:
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", out)


def _reset() -> None:
    """Back to no placements (and none of their breach suggestions), vacuumed, as before the first upload."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {_table(PlacementVersion)}, {_table(Placement)}")
        cursor.execute("DELETE FROM breaches_breachrecord WHERE source_reference LIKE 'placement:%%'")
        cursor.execute(f"VACUUM ANALYZE {_table(Placement)}, {_table(PlacementVersion)}, breaches_breachrecord")


def _copy(path: Path, rows: int) -> Measurement:
    """Raw COPY of the same rows into the same table, in one transaction: the physical limit."""
    with path.open("rb") as stream:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {_table(Placement)} ({_columns()}) FROM STDIN WITH (FORMAT csv)", stream)
        seconds = time.perf_counter() - start
    stored = Placement.objects.count()
    if stored != rows:
        raise BenchError(f"COPY stored {stored:,} rows, not {rows:,}.")
    return Measurement("PostgreSQL COPY of the same rows (physical limit)", seconds, rows)


def bench_run(data: BenchData, *, directory: Path, say: Callable[[str], None]) -> list[Measurement]:
    csv_new, answer = _upload(data, "CSV upload, new rows", data.placements_csv, CSV_TYPE, expect="created", say=say)
    dump = directory / "copy.csv"
    _dump(answer["id"], dump)
    csv_again, _ = _upload(
        data, "CSV upload again, every row an update", data.updates_csv, CSV_TYPE, expect="updated", say=say
    )
    csv_again.goal = False
    _reset()
    copy = _copy(dump, data.rows)
    say(f"COPY: {copy.seconds:.2f} s.")
    _reset()
    json_new, _ = _upload(data, "JSON upload, new rows", data.placements_json, JSON_TYPE, expect="created", say=say)
    return [copy, csv_new, json_new, csv_again, *_check_then_upload(data, say=say)]


def _check_then_upload(data: BenchData, *, say: Callable[[str], None]) -> list[Measurement]:
    """1,000 proposed placements checked in one request, then the same 1,000 uploaded, both against
    the region's stored placements (the JSON upload's); the check must answer each with the flags the
    upload then gives it."""
    with Server(api_key=data.api_key) as server:
        cpu = _cpu_seconds(server.worker_pid)
        start = time.perf_counter()
        status, raw = server.request(
            "POST", "/api/v1/placements/checks/", body=data.offers_json, content_type=JSON_TYPE
        )
        check_seconds = time.perf_counter() - start
        check_cpu = _cpu_seconds(server.worker_pid) - cpu
    answer = json.loads(raw or b"{}")
    if status != 200 or answer.get("checked") != data.offers:
        raise BenchError(f"Pre-offer check: expected 200 with {data.offers:,} checked, got {status}: {raw[:600]!r}")
    would_get = dict.fromkeys(Flag.values, 0)
    for result in answer["results"]:
        for flag in result["flags"]:
            would_get[flag["code"]] += 1
    upload, uploaded = _upload(
        data, "upload", data.offers_json, JSON_TYPE, expect="created", say=lambda _text: None, rows=data.offers
    )
    got = {code: uploaded["flags"].get(code, 0) for code in Flag.values}
    if got != would_get:
        raise BenchError(f"The check said {would_get}, the upload of the same rows gave {got}.")
    say(
        f"Pre-offer check of {data.offers:,} proposed placements: {check_seconds:.2f} s; "
        f"the upload of the same rows: {upload.seconds:.2f} s (flags agree: {would_get})."
    )
    ratio = check_seconds / upload.seconds
    return [
        Measurement(
            f"{data.offers:,} proposed placements checked in one request",
            check_seconds,
            data.offers,
            worker_cpu_seconds=check_cpu,
            note=f"{ratio:.2f}× the upload of the same rows",
        ),
        Measurement(
            f"Upload of the same {data.offers:,} rows",
            upload.seconds,
            data.offers,
            upload.peak_rss_mb,
            worker_cpu_seconds=upload.worker_cpu_seconds,
            note="beside the check above",
        ),
    ]


def bench_table(measurements: list[Measurement]) -> str:
    copy, csv_new = measurements[0], measurements[1]
    lines = [
        "| measurement | seconds | rows/s | × COPY | peak RSS MB | goal (≤ 2.0× COPY, ≤ 300 MB) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for m in measurements:
        ratio = m.seconds / copy.seconds
        rss = f"{m.peak_rss_mb:.0f}" if m.peak_rss_mb is not None else "–"
        if m.note:
            lines.append(f"| {m.name} | {m.seconds:.2f} | {m.rows_per_second:,.0f} | – | {rss} | {m.note} |")
            continue
        if m is copy:
            goal = "the physical limit"
        elif m.goal:
            met = ratio <= GOAL_RATIO and (m.peak_rss_mb or 0) <= GOAL_RSS_MB
            goal = "met" if met else "missed"
        else:
            goal = f"{m.seconds / csv_new.seconds:.2f}× the new-rows upload"
        lines.append(f"| {m.name} | {m.seconds:.2f} | {m.rows_per_second:,.0f} | {ratio:.1f}× | {rss} | {goal} |")
    cpu = "; ".join(f"{m.name} {m.worker_cpu_seconds:.1f} s" for m in measurements if m.worker_cpu_seconds is not None)
    lines += ["", f"CPU time in the gunicorn worker (the Python share of each request): {cpu}."]
    return "\n".join(lines)


def machine_description() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return (
        f"{timezone.localdate():%-d %B %Y}; {os.cpu_count()} cores ({cpu}); PostgreSQL {version}; "
        f"Python {platform.python_version()}; debug {'on' if settings.DEBUG else 'off'}"
    )
