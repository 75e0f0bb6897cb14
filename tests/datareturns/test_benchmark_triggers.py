"""Uploads, leavers uploads and sign-offs queue a recompute of the scopes they touch, debounced."""

from datetime import timedelta

import pytest
from django.utils import timezone

from datareturns.benchmarks import benchmarks_recompute_queue, benchmarks_recompute_run
from datareturns.models import BenchmarkSnapshot
from datareturns.services import UploadRejected
from datareturns.signals import return_signed_off
from riia.models import OutboxMessage
from riia.outbox import outbox_publish
from tests.datareturns.conftest import csv_body, row, send


def _touched(la):
    labels = {f"la:{la.new_code}", f"region:{la.region.slug}", "england"}
    if la.group_id:
        labels.add(f"group:{la.region.slug}/{la.group.slug}")
    return labels


def test_a_committed_upload_recomputes_its_las_scopes(
    django_capture_on_commit_callbacks, msp_source, la, la_code, social_worker_cap, agency, second_la
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = send(msp_source, csv_body(row(la_code=la_code)))
    assert answer.status == 201
    snapshots = {s.scope: s for s in BenchmarkSnapshot.objects.all()}
    assert set(snapshots) == _touched(la)  # not Coventry's, not the other region's
    for snapshot in snapshots.values():
        assert snapshot.computed_at is not None and snapshot.queued_at is None
        assert snapshot.latest_upload_id == answer.upload.pk
    assert snapshots[f"la:{la.new_code}"].rows.get(quarter="2026-Q2", role="social_worker").placements == 1


def test_an_upload_that_is_refused_queues_nothing(django_capture_on_commit_callbacks, msp_source, la_code):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(UploadRejected):
        send(msp_source, csv_body(row(la_code=la_code, pay="abc")))
    assert not BenchmarkSnapshot.objects.exists()


def test_a_leavers_upload_recomputes_the_las_scopes(django_capture_on_commit_callbacks, la, workforce_lead):
    from datareturns.services import UploadSource

    body = (
        b"worker_registration,la_code,leave_date,leave_reason\nSW100009,"
        + la.old_code.encode()
        + b",2026-01-10,resigned\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = send(UploadSource(local_authority=la, user=workforce_lead), body, leavers=True)
    assert answer.status == 201
    assert set(BenchmarkSnapshot.objects.values_list("scope", flat=True)) == _touched(la)


def test_a_sign_off_signal_recomputes_the_las_scopes(django_capture_on_commit_callbacks, la):
    with django_capture_on_commit_callbacks(execute=True):
        return_signed_off.send(sender=None, la_id=la.pk, return_id=None)
    assert set(BenchmarkSnapshot.objects.exclude(computed_at=None).values_list("scope", flat=True)) == _touched(la)


def _enqueued(callbacks) -> int:
    """How many recompute tasks the captured on-commit callbacks would send (not run here): the
    outbox messages of the recompute task they would publish."""
    from datareturns.tasks import benchmarks_recompute_task

    ids = [pk for c in callbacks if getattr(c, "func", None) is outbox_publish for pk in c.keywords["ids"]]
    return OutboxMessage.objects.filter(pk__in=ids, task=benchmarks_recompute_task.name).count()


def test_a_burst_of_triggers_queues_one_recompute_per_scope(django_capture_on_commit_callbacks, la):
    with django_capture_on_commit_callbacks() as callbacks:
        first = benchmarks_recompute_queue(scope_labels=_touched(la))
        second = benchmarks_recompute_queue(scope_labels=_touched(la))
        third = benchmarks_recompute_queue(scope_labels=["england", f"la:{la.old_code}"])
    assert set(first) == _touched(la) and second == [] and third == []
    assert _enqueued(callbacks) == 1
    assert all(s.queued_at is not None for s in BenchmarkSnapshot.objects.all())

    benchmarks_recompute_run(scope_labels=first)
    assert all(s.queued_at is None and s.started_at is None for s in BenchmarkSnapshot.objects.all())
    with django_capture_on_commit_callbacks() as callbacks:
        assert set(benchmarks_recompute_queue(scope_labels=_touched(la))) == _touched(la)
    assert _enqueued(callbacks) == 1


def test_a_trigger_during_a_running_recompute_queues_another(django_capture_on_commit_callbacks, la):
    with django_capture_on_commit_callbacks():
        benchmarks_recompute_queue(scope_labels=["england"])
    BenchmarkSnapshot.objects.update(started_at=timezone.now())  # the task has read the data
    with django_capture_on_commit_callbacks() as callbacks:
        assert benchmarks_recompute_queue(scope_labels=["england"]) == ["england"]
    assert _enqueued(callbacks) == 1


def test_a_lost_queued_mark_does_not_block_recomputes(django_capture_on_commit_callbacks, la):
    with django_capture_on_commit_callbacks():
        benchmarks_recompute_queue(scope_labels=["england"])
    BenchmarkSnapshot.objects.update(queued_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks():
        assert benchmarks_recompute_queue(scope_labels=["england"]) == ["england"]


def test_a_recompute_never_replaces_newer_figures(la):
    from datareturns.benchmarks import benchmarks_recompute

    benchmarks_recompute(scope_labels=["england"])
    newer = BenchmarkSnapshot.objects.get(scope="england").computed_at
    result = benchmarks_recompute(scope_labels=["england"], started_at=newer - timedelta(seconds=5))
    assert result.skipped == ["england"]
    assert BenchmarkSnapshot.objects.get(scope="england").computed_at == newer


def test_the_demo_computes_every_snapshot(db):
    from riia.demo import demo_load

    result = demo_load()
    assert any(line.startswith("Benchmarks: ") and "snapshots computed" in line for line in result.lines)
    assert not BenchmarkSnapshot.objects.filter(computed_at=None).exists()
    assert BenchmarkSnapshot.objects.filter(scope="england").get().rows.filter(placements__gt=0).exists()


def test_the_nightly_task_recomputes_every_scope(la, second_la, foreign_la):
    from datareturns.tasks import benchmarks_recompute_all_task

    answer = benchmarks_recompute_all_task.delay().get()
    assert answer["scopes"] == BenchmarkSnapshot.objects.count() == 1 + 2 + 1 + 3  # England, regions, group, LAs
    assert not BenchmarkSnapshot.objects.filter(computed_at=None).exists()
