"""A PostgreSQL cluster of a test's own (initdb in a temporary directory, a free loopback port), for
fault tests that stop or restart the database: the machine's PostgreSQL is everybody's (CI's too) and
is never touched. PostgreSQL refuses to run as root, so as root its programs run as ``postgres``
(``runuser``) in a directory that user owns."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.proof.processes import free_port

BIN_DIRS = [Path(p) for p in ("/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")]


def postgres_bin() -> Path | None:
    """Where initdb and pg_ctl are (PG_BIN wins), or None when this machine has no server programs."""
    candidates = [Path(os.environ["PG_BIN"])] if os.environ.get("PG_BIN") else []
    for directory in candidates + BIN_DIRS:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and (Path(found).parent / "initdb").exists() else None


class PrivatePostgres:
    """``with PrivatePostgres() as pg:`` a running cluster with a ``riia`` database (trust auth on
    loopback); ``pg.url`` is its DATABASE_URL, ``pg.restart()`` a fast restart; removed afterwards."""

    def __init__(self, *, database: str = "riia"):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("no PostgreSQL server programs (initdb, pg_ctl): install postgresql or set PG_BIN")
        self.port = free_port()
        self.database = database
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"
        self.root = Path(tempfile.mkdtemp(prefix="riia-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        program = [str(self.bin / command[0]), *command[1:]]
        if os.geteuid() == 0:
            program = ["runuser", "-u", "postgres", "--", *program]
        return subprocess.run(program, check=check, capture_output=True, text=True, timeout=120)  # noqa: S603

    def __enter__(self) -> PrivatePostgres:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        try:
            self.start()
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _options(self) -> str:
        # Durability is not what these tests are about: no fsync keeps a start and a restart fast.
        return f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w", "start")

    def restart(self) -> None:
        """What an operator's restart does to the clients: every connection is closed under them."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-m", "fast", "-w",
                  "restart")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
