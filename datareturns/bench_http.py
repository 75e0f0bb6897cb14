"""The HTTP pieces the page bench (``bench_pages``) and the load bench (``bench_load``) share: raw
HTTP/1.1 requests over asyncio (one connection per request, as gunicorn's sync workers close it),
nearest-rank percentiles, a gunicorn with several sync workers on a free loopback port, and the peak
memory of a process from ``/proc``.

The client is plain asyncio rather than locust or wrk: it needs no dependency, runs in the bench's own
process (so the bench signs people in, makes the upload bodies and checks every answer in Python), and
one event loop keeps dozens of connections busy while taking little of the CPU the server needs."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection


def run_async(coroutine):
    """Run ``coroutine`` to completion on an event loop of its own, in a thread of its own, and return
    its result: the caller's thread may already have a running loop (the browser tests' Playwright
    leaves one in pytest's thread), where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class BenchServerError(Exception):
    """The bench's server (or the load against it) did not do what it should."""


@dataclass
class LoadResult:
    name: str
    path: str
    seconds: float
    latencies: list[float]  # seconds, one per successful request
    planned: float = 0.0  # the seconds new requests were sent for (``seconds`` adds the last answers)
    failures: list[str] = field(default_factory=list)  # "status: first body line", one per failed request

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        return percentile_ms(self.latencies, p)


def percentile_ms(latencies: list[float], p: float) -> float:
    ordered = sorted(latencies)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(ordered)))  # nearest rank
    return ordered[rank - 1] * 1000


async def request(port: int, raw: bytes) -> tuple[int, bytes]:
    """Send one raw request on a new connection and read the answer to the end (the server closes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        body = await reader.read()
    finally:
        writer.close()
    status = int(body.split(b" ", 2)[1]) if body.startswith(b"HTTP/") else 0
    return status, body


def raw_request(
    method: str,
    path: str,
    *,
    cookie: str = "",
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    accept: str = "text/html",
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Accept: {accept}", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def raw_get(path: str, cookie: str) -> bytes:
    return raw_request("GET", path, cookie=cookie)


def split_answer(answer: bytes) -> tuple[list[str], bytes]:
    """The header lines (status line first) and the body of a raw answer."""
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.decode("latin-1").split("\r\n"), body


def first_line(answer: bytes) -> str:
    """The status line and the body's first non-blank line, for saying what failed."""
    head, body = split_answer(answer)
    line = next((text.strip() for text in body.decode("utf-8", "replace").splitlines() if text.strip()), "")
    return f"{head[0] if head else '(no answer)'}: {line[:200]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The URL of the database this process is connected to (the bench's, or pytest's test database),
    for the servers and workers the bench starts."""
    s = connection.settings_dict
    auth = (s["USER"] or "") + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def peak_memory_mb(pid: int) -> float:
    """The process's resident high-water mark (VmHWM) since it started, in MB (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it has gone): robust to other load on the
    machine, unlike wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_sessions(application_name: str) -> list[int]:
    """The server processes of the PostgreSQL sessions a program opened on this database (the bench
    starts its programs with ``PGAPPNAME`` set, which libpq sends as their application name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [application_name],
        )
        return [pid for (pid,) in cursor.fetchall()]


class CpuMeter:
    """CPU seconds used by a set of processes (found again at each reading, so new ones count from
    their start) between readings."""

    def __init__(self, find: Callable[[], list[int]]) -> None:
        self.find = find
        self.last = self._read()

    def _read(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self.find()}

    def lap(self) -> float:
        now = self._read()
        used = sum(seconds - self.last.get(pid, 0.0) for pid, seconds in now.items())
        self.last = now
        return used


class GunicornServer:
    """gunicorn with ``workers`` sync workers serving ``app`` on a free loopback port. It inherits this
    process's environment (``make bench`` sets production-like settings) with ``env`` on top."""

    def __init__(
        self, *, workers: int, app: str = "riia.wsgi:application", env: Mapping[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.workers = workers
        self.app = app
        self.env = dict(env or {})
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> GunicornServer:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": "",
            "RIIA_CELERY_EAGER": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
            **self.env,
        }
        command = [sys.executable, "-m", "gunicorn", self.app]
        command += ["--workers", str(self.workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--backlog", "2048", "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)  # noqa: S603
        try:
            self._wait_until_it_answers()
        except BaseException:
            self.__exit__()  # a ``with`` that failed to enter never exits: stop gunicorn here, not leak it
            raise
        return self

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchServerError(f"gunicorn stopped at start (exit code {self.process.returncode}).")
            try:
                run_async(request(self.port, raw_get("/sign-in/", "")))
                return
            except OSError:
                time.sleep(0.2)
        raise BenchServerError("gunicorn did not answer within 60 seconds.")

    def pids(self) -> list[int]:
        assert self.process is not None
        return [self.process.pid, *children(self.process.pid)]

    def peak_memory_mb(self) -> tuple[float, list[float]]:
        """The master's and each worker's VmHWM."""
        assert self.process is not None
        return peak_memory_mb(self.process.pid), [peak_memory_mb(pid) for pid in children(self.process.pid)]

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
