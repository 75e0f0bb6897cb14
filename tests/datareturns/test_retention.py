"""Retention (UK GDPR data minimisation): placements and leavers past RIIA_RETENTION_YEARS are deleted,
set-based, audited as counts; the benchmark snapshots keep every figure, even after a recompute; and
no page, export, API answer or log line carries a worker hash. Runs on SQLite and on PostgreSQL."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from datareturns.benchmarks import benchmarks_recompute
from datareturns.models import BenchmarkRow, Leaver, Placement, PlacementVersion
from datareturns.selectors_returns import return_export_zip
from datareturns.services import UploadSource
from datareturns.services_retention import placements_retention_apply, retention_closed_through, retention_cutoff
from datareturns.tasks import placements_retention_apply_task
from riia.models import AuditRecord
from tests.datareturns.conftest import csv_body, row, send

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
# Six years before TODAY: rows that ended on 23 November 2020 are out, those that ended on the 24th stay.
JUST_OUTSIDE, JUST_INSIDE = "2020-11-23", "2020-11-24"
LEAVERS = "la_code,worker_registration,leave_date,leave_reason"


@pytest.fixture
def world(msp_source, la, la_code, agency, social_worker_cap):
    """Four placements either side of the cutoff (one with an earlier version) and two leavers."""
    first = [
        row("OLD", la_code, worker="SW100001", start="2019-01-07", end=JUST_OUTSIDE, pay="30.00"),
        row("EDGE", la_code, worker="SW100002", start="2019-01-07", end=JUST_INSIDE, pay="32.00"),
        row("OPEN", la_code, worker="SW100003", start="2019-06-03", end="", pay="33.00"),
        row("NEW", la_code, worker="SW100004", start="2026-05-04", end="", pay="34.00"),
    ]
    send(msp_source, csv_body(*first))
    # OLD re-sent with another pay: its first description becomes an earlier version.
    send(
        msp_source, csv_body(row("OLD", la_code, worker="SW100001", start="2019-01-07", end=JUST_OUTSIDE, pay="31.00"))
    )
    body = f"{LEAVERS}\n{la_code},SW200001,{JUST_OUTSIDE},resigned\n{la_code},SW200002,{JUST_INSIDE},resigned\n"
    send(UploadSource(local_authority=la), body.encode(), leavers=True)
    assert PlacementVersion.objects.filter(placement__assignment_id="OLD").count() == 1


def _snapshot_rows() -> list[dict]:
    return list(
        BenchmarkRow.objects.order_by("snapshot__scope", "quarter", "role").values(
            *(f.attname for f in BenchmarkRow._meta.concrete_fields if f.name != "id"), "snapshot__scope"
        )
    )


def test_the_cutoff_is_the_configured_years_before_today(settings):
    assert settings.RIIA_RETENTION_YEARS == 6
    assert retention_cutoff(today=TODAY) == date(2020, 11, 24)
    assert retention_cutoff(today=date(2028, 2, 29), years=6) == date(2022, 2, 28)
    # The quarter holding the day before the cutoff is the last whose figures are final.
    assert retention_closed_through(today=date(2026, 10, 1)) == "2020-Q3"
    assert retention_closed_through(today=date(2026, 10, 2)) == "2020-Q4"
    settings.RIIA_RETENTION_YEARS = 7
    assert retention_cutoff(today=TODAY) == date(2019, 11, 24)


def test_rows_just_outside_the_period_go_and_just_inside_stay(world):
    result = placements_retention_apply(now=NOW)

    assert (result.placements, result.placement_versions, result.leavers) == (1, 1, 1)
    assert set(Placement.objects.values_list("assignment_id", flat=True)) == {"EDGE", "OPEN", "NEW"}
    assert not PlacementVersion.objects.exists()
    assert list(Leaver.objects.values_list("leave_date", flat=True)) == [date(2020, 11, 24)]
    # Run again: nothing more to delete.
    again = placements_retention_apply(now=NOW)
    assert (again.placements, again.placement_versions, again.leavers) == (0, 0, 0)


def test_the_deletion_is_audited_as_counts_never_rows(world):
    hashes = set(Placement.objects.values_list("worker_hash", flat=True))
    placements_retention_apply(now=NOW)

    record = AuditRecord.objects.get(action="retention.applied")
    assert record.actor is None and record.actor_label == "System"
    assert record.after == {
        "cutoff": "2020-11-24",
        "years": 6,
        "placements": 1,
        "placement_versions": 1,
        "leavers": 1,
    }
    assert not any(h in str(record.after) for h in hashes)


def test_snapshots_keep_every_figure_through_retention_and_a_later_recompute(world, la):
    benchmarks_recompute(today=TODAY)
    before = _snapshot_rows()
    old_quarter = {
        r["role"]: r["placements"]
        for r in before
        if r["snapshot__scope"] == f"la:{la.new_code}" and r["quarter"] == "2019-Q1"
    }
    assert old_quarter["all"] == 2  # OLD and EDGE

    placements_retention_apply(now=NOW)
    assert _snapshot_rows() == before  # no foreign key cascades into the snapshots
    benchmarks_recompute(today=TODAY)  # the nightly recompute, after the placements went

    assert _snapshot_rows() == before
    assert Placement.objects.filter(start_date__lte=date(2019, 3, 31)).count() == 1  # the figure says 2


def test_a_recompute_still_computes_a_closed_quarter_it_has_no_rows_for(world, la):
    """A first recompute on old data (a new deployment) fills the closed quarters from what is there."""
    benchmarks_recompute(today=TODAY)
    rows = BenchmarkRow.objects.filter(snapshot__scope=f"la:{la.new_code}", quarter="2019-Q1", role="all")
    assert rows.get().placements == 2


def test_dry_run_counts_and_writes_nothing(world):
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
        call_command("retention_apply", "--dry-run", stdout=out)

    assert "Would delete 1 placements (1 earlier versions) and 1 leaver records" in out.getvalue()
    assert Placement.objects.count() == 4 and Leaver.objects.count() == 2
    assert not AuditRecord.objects.filter(action="retention.applied").exists()


def test_the_command_refuses_a_period_shorter_than_the_setting(world):
    with pytest.raises(CommandError, match="cannot be shorter"):
        call_command("retention_apply", "--years", "2")
    assert Placement.objects.count() == 4


def test_the_beat_runs_the_task_monthly_and_the_task_deletes(world):
    entry = settings.CELERY_BEAT_SCHEDULE["datareturns-retention-apply"]
    assert entry["task"] == "datareturns.tasks.placements_retention_apply_task"
    assert entry["schedule"].day_of_month == {1}

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
        answer = placements_retention_apply_task.delay().get()

    assert answer == {"placements": 1, "placement_versions": 1, "leavers": 1}


# --- Worker hashes never leave the deployment ------------------------------------------------------


def test_no_page_export_api_answer_or_log_carries_a_worker_hash(world, la, client, workforce_lead, caplog):
    caplog.set_level("DEBUG")
    placement = Placement.objects.get(assignment_id="EDGE")
    hashes = set(Placement.objects.values_list("worker_hash", flat=True)) | set(
        Leaver.objects.values_list("worker_hash", flat=True)
    )
    client.force_login(workforce_lead)
    bodies = {}
    for name, args in [
        ("datareturns:placement-list", []),
        ("datareturns:placement-export", []),
        ("datareturns:placement-detail", [placement.pk]),
        ("datareturns:leaver-list", []),
        ("datareturns:upload-list", []),
        ("api-placement-list", []),
        ("api-placement-upload-list", []),
        ("api-leaver-upload-list", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        bodies[name] = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(return_export_zip(local_authority=la, quarter="2019-Q1"))) as archive:
        bodies["return zip"] = b"".join(archive.read(n) for n in archive.namelist())
    assert b"EDGE" in bodies["datareturns:placement-export"]  # the exports did hold the placements

    for name, body in bodies.items():
        assert b"worker_hash" not in body, name
        for worker_hash in hashes:
            assert worker_hash.encode() not in body, name
    for worker_hash in hashes:
        assert worker_hash not in caplog.text


def test_the_privacy_notice_states_the_period_applied(client, settings):
    assert "kept for 6 years after the placement ends" in client.get("/privacy/").content.decode()
    settings.RIIA_RETENTION_YEARS = 7
    assert "kept for 7 years after the placement ends" in client.get("/privacy/").content.decode()
