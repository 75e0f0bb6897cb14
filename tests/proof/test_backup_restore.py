"""Backup and restore, as an operator runs them (services mode): a world with objects of every app (the
role matrix's, through the services) and a few hundred placements with history, committed, is backed
up with scripts/backup.sh (pg_dump in a snapshot, with its manifest), restored with scripts/restore.sh
into a fresh database, and the restored database has every table's rows (ours, Django's, the
libraries'), the same audit trail checksum, the schema the code expects, the append-only trigger,
and answers a scoped selector as the original does. A second restore over the populated copy
(``--clean`` past the audit table's trigger) comes out the same."""

import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection, transaction

from datareturns.bench_http import database_url
from datareturns.selectors import placements_visible_to
from datareturns.services import UploadSource, placement_upload_create, upload_body_spool
from riia.backup import database_manifest
from riia.models import User
from riia.services import audit_record
from tests.access_world import build_world
from tests.proof.processes import ROOT, service_env

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"),
]

PLACEMENTS = 300
SELECTOR = (
    "from datareturns.selectors import placements_visible_to; from riia.models import User; "
    "print(placements_visible_to(user=User.objects.get(email='{email}')).count())"
)


def _run(command: list[str], database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=ROOT,
        env=service_env(DATABASE_URL=database_url, PYTHON=sys.executable),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _psql(database_url: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", database_url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _populate() -> str:
    """The matrix's world, then PLACEMENTS placements sent twice (the second time with another pay, so
    each has an earlier version). Returns the programme manager's email address."""
    with transaction.atomic():  # as the matrix builds it: its recompute runs once the world is whole
        world = build_world()
    la, msp = world.own.la, world.own.msp
    header = (
        "assignment_id,la_code,worker_registration,role,engagement_type,hourly_pay_rate,charge_rate,"
        "start_date,hours_per_week,agency,project_team,pqe_years"
    )
    for pay in ("33.00", "34.50"):
        lines = [
            f"B-{n},{la.old_code},SW{700000 + n},social-worker,limited_company,{pay},48.00,2026-04-06,37,"
            f"Matrix Agency,false,4"
            for n in range(PLACEMENTS)
        ]
        body = "\n".join([header, *lines]).encode()
        spooled = upload_body_spool(io.BytesIO(body), declared_length=len(body))
        with spooled.file:
            placement_upload_create(source=UploadSource(msp=msp), body=spooled, content_type="text/csv")
    return world.own.programme_manager.email


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restored"
    maintenance = database_url().rsplit("/", 1)[0] + "/postgres"
    _psql(maintenance, f'DROP DATABASE IF EXISTS "{name}"')
    assert _psql(maintenance, f'CREATE DATABASE "{name}"').returncode == 0
    yield database_url().rsplit("/", 1)[0] + f"/{name}"
    _psql(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_the_audit_trail_into_a_fresh_database(fresh_database, tmp_path):
    pm = _populate()
    audit_record(actor=None, action="backup.proof", after={"name": "Zoë ‘quoted’", "rate": "35.00", "n": [1, 2]})
    original = database_manifest()
    assert original["tables"]["datareturns_placement"] > PLACEMENTS
    assert original["tables"]["datareturns_placementversion"] == PLACEMENTS
    assert original["audit_records"] > 10
    assert {"django_migrations", "django_content_type", "auth_permission", "axes_accessattempt"} <= set(
        original["tables"]
    )
    placements_seen = placements_visible_to(user=User.objects.get(email=pm)).count()

    backup = _run(["scripts/backup.sh", str(tmp_path)], database_url())
    assert backup.returncode == 0, backup.stderr
    (dump,) = tmp_path.glob("riia-*.dump")
    (manifest,) = tmp_path.glob("riia-*.manifest.json")
    assert json.loads(manifest.read_text()) == original

    for attempt in ("into the fresh database", "again, over the restored copy"):
        restore = _run(["scripts/restore.sh", str(dump)], fresh_database)
        assert restore.returncode == 0, f"restore {attempt}: {restore.stderr}"
        assert "The database matches" in restore.stdout
        # The comparison itself, independently of the script's own check:
        shown = _run([sys.executable, "manage.py", "backup_verify"], fresh_database)
        assert json.loads(shown.stdout) == original, attempt

    served = _run([sys.executable, "manage.py", "shell", "-c", SELECTOR.format(email=pm)], fresh_database)
    assert served.returncode == 0, served.stderr
    assert int(served.stdout.split()[-1]) == placements_seen > 0
    refused = _psql(fresh_database, "DELETE FROM riia_auditrecord")
    assert refused.returncode != 0 and "append-only" in refused.stderr


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_does_not_match_its_manifest_says_what_differs(fresh_database, tmp_path):
    audit_record(actor=None, action="backup.proof")
    backup = _run(["scripts/backup.sh", str(tmp_path)], database_url())
    assert backup.returncode == 0, backup.stderr
    (manifest,) = tmp_path.glob("riia-*.manifest.json")
    tampered = json.loads(manifest.read_text())
    tampered["tables"]["riia_region"] += 1
    tampered["audit_md5"] = "0" * 32
    manifest.write_text(json.dumps(tampered))

    restore = _run(["scripts/restore.sh", str(next(tmp_path.glob("riia-*.dump")))], fresh_database)

    assert restore.returncode != 0
    assert "Table riia_region has" in restore.stderr and "The audit trail differs" in restore.stderr
