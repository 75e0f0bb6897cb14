"""The real processes the proof suite runs the service as: gunicorn and Celery workers started as
separate programs against the test database pytest-django made, so a test can stop, kill and restart
them (and the services under them) while it watches from outside, as a user or an operator would.

Tests that use these are services-mode tests (PostgreSQL + Redis) with
``@pytest.mark.django_db(transaction=True)``: what the test writes is committed, so the other
processes see it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from datareturns.bench_http import database_url, free_port

ROOT = Path(__file__).resolve().parents[2]


def service_env(**overrides: str) -> dict[str, str]:
    """The environment of a development deployment of this project on the test database and the
    test's Redis (debug on: without it the settings demand production secrets)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "riia.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RIIA_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.update(overrides)
    return env


class Process:
    """A child program with its output kept, stopped (SIGTERM, then SIGKILL) when the block ends.

    The output is read as it comes, by a thread: left in the pipe, a busy program (gunicorn logging a
    warning for each of thousands of 4xx answers) fills the pipe's 64 KB and then blocks on its next
    log line, in the middle of a request."""

    def __init__(self, command: list[str], env: Mapping[str, str]):
        self.command = command
        self.env = dict(env)
        self.popen: subprocess.Popen | None = None
        self.output = ""
        self._lines: list[str] = []
        self._reader: threading.Thread | None = None

    def start(self) -> Process:
        self.popen = subprocess.Popen(  # noqa: S603 - our own programs, no shell
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._lines = []
        self._reader = threading.Thread(target=self._drain, args=(self.popen.stdout, self._lines), daemon=True)
        self._reader.start()
        return self

    @staticmethod
    def _drain(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a signal to the program and every process it started (its process group)."""
        if self.running():
            os.killpg(self.pid, sig)

    def stop(self, timeout: float = 20) -> str:
        if self.popen is None:
            return self.output
        if self.running():
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait()
        if self._reader is not None:
            self._reader.join(timeout=timeout)
        self.output += "".join(self._lines)
        self._lines = []
        self.popen = None
        return self.output

    def __enter__(self) -> Process:
        return self.start()

    def __exit__(self, *exc) -> None:
        tail = self.stop().splitlines()[-300:]  # the end, where a failure shows; all of it stays in .output
        print(f"--- output of {' '.join(self.command[:4])} ... (last {len(tail)} lines)\n" + "\n".join(tail))


class Gunicorn(Process):
    """gunicorn serving the project on a free loopback port; ``url`` is its address."""

    def __init__(self, env: Mapping[str, str] | None = None, *, workers: int = 2, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "riia.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5"]  # fmt: skip
        super().__init__(command, env or service_env())

    def start(self) -> Gunicorn:
        super().start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"gunicorn stopped at start:\n{self.stop()}")
            try:
                with urllib.request.urlopen(f"{self.url}/sign-in/", timeout=5):  # noqa: S310 - loopback
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 seconds:\n{self.stop()}")


class CeleryWorker(Process):
    """A Celery worker (solo pool: the task runs in the process ``pid`` names) on the given queues."""

    def __init__(self, queues: list[str], env: Mapping[str, str] | None = None, *, name: str = "proof"):
        command = [sys.executable, "-m", "celery", "-A", "riia", "worker", "--pool=solo", "-Q", ",".join(queues),
                   "-n", f"{name}-{os.getpid()}-{free_port()}@%h", "--without-gossip", "--without-mingle",
                   "--loglevel=INFO"]  # fmt: skip
        super().__init__(command, env or service_env())


def router_reset() -> None:
    """Make the next message this process sends read ``task_routes`` again (Celery caches its router)."""
    from riia.celery import app

    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


@contextmanager
def tasks_routed(routes: Mapping[str, str]):
    """Send the tasks matching each pattern to a queue of the test's own (a worker started on it by
    the test), and queue for real (not eagerly) meanwhile. Celery reads ``task_routes`` once into a
    cached router, so setting the option alone would not reach a process that has sent a task already."""
    from riia.celery import app

    previous = (app.conf.task_routes, app.conf.task_always_eager)

    def _apply(task_routes, eager):
        app.conf.task_routes = task_routes
        app.conf.task_always_eager = eager
        router_reset()

    _apply({pattern: {"queue": queue} for pattern, queue in routes.items()}, False)
    try:
        yield
    finally:
        _apply(*previous)


def wait_until(check, *, what: str, seconds: float = 45, every: float = 0.05, outputs: Iterable[Process] = ()):
    """Poll ``check`` until it returns something true (returned), or fail the test after ``seconds``
    saying what did not happen, with the end of the given programs' output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    logs = "\n".join(process.stop()[-4000:] for process in outputs)
    pytest.fail(f"waited {seconds} s for {what}\n{logs}")


class PrivateRedis:
    """A redis-server of the test's own on a loopback port, with no persistence, that a test may stop
    and start again on the same port (the machine's Redis is never touched)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="riia-redis-")
        self.server: Process | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", self.dir]  # fmt: skip
        self.server = Process(command, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}).start()
        wait_until(lambda: self.cli("ping") == "PONG", what=f"redis-server on port {self.port} to answer", seconds=20)

    def cli(self, *args: str) -> str:
        command = ["redis-cli", "-p", str(self.port), *args]
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop(timeout=10)
            self.server = None

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
