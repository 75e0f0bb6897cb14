"""The pieces of ``manage.py bench`` that can be checked without running it (CI runs it at 2,000 rows)."""

import subprocess
import sys
import time

import pytest
from django.db import connection

from datareturns.bench import BenchError, Measurement, PeakRss, _one_value_changed, bench_database, bench_table


def test_table_compares_each_upload_with_copy_and_says_whether_the_goals_are_met():
    table = bench_table(
        [
            Measurement("COPY", 10.0, 100_000),
            Measurement("CSV", 19.0, 100_000, peak_rss_mb=250, goal=True, worker_cpu_seconds=8.0),
            Measurement("JSON", 21.0, 100_000, peak_rss_mb=250, goal=True, worker_cpu_seconds=9.0),
            Measurement("CSV big", 15.0, 100_000, peak_rss_mb=301, goal=True),
            Measurement("updates", 28.5, 100_000, peak_rss_mb=200),
        ]
    )
    lines = table.splitlines()

    assert lines[2] == "| COPY | 10.00 | 10,000 | 1.0× | – | the physical limit |"
    assert lines[3] == "| CSV | 19.00 | 5,263 | 1.9× | 250 | met |"
    assert lines[4].endswith("| 2.1× | 250 | missed |")  # too slow
    assert lines[5].endswith("| 1.5× | 301 | missed |")  # too much memory
    assert lines[6].endswith("| 2.9× | 200 | 1.50× the new-rows upload |")
    assert "CSV 8.0 s; JSON 9.0 s" in lines[-1]


def test_the_second_body_differs_in_one_value_of_the_first_row_only():
    rows = [{"assignment_id": "A1", "hours_per_week": "37"}, {"assignment_id": "A2", "hours_per_week": "37"}]

    changed = list(_one_value_changed(iter(rows)))

    assert changed[0] == {"assignment_id": "A1", "hours_per_week": "36.5"}
    assert changed[1] == rows[1]


def test_peak_rss_sees_a_process_grow_and_shrink_again():
    grower = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(0.5); b = bytearray(120 * 1024 * 1024); del b; time.sleep(5)"]
    )
    try:
        peak = PeakRss(grower.pid)
        time.sleep(2)
        assert peak.stop() >= 120
    finally:
        grower.kill()
        grower.wait()


@pytest.mark.django_db
def test_the_bench_refuses_a_database_it_did_not_make():
    with pytest.raises(BenchError) as refused, bench_database():
        pass  # pragma: no cover - never reached

    if connection.vendor == "postgresql":
        assert "already exists" in str(refused.value)
        with connection.cursor() as cursor:  # and it is still there
            cursor.execute("SELECT 1")
    else:
        assert "needs PostgreSQL" in str(refused.value)


def test_the_pre_offer_check_is_reported_beside_the_upload_of_the_same_rows():
    table = bench_table(
        [
            Measurement("COPY", 10.0, 100_000),
            Measurement("CSV", 19.0, 100_000, peak_rss_mb=250, goal=True),
            Measurement("1,000 checked", 0.5, 1000, note="0.25× the upload of the same rows"),
            Measurement("Upload of the same 1,000 rows", 2.0, 1000, peak_rss_mb=80, note="beside the check above"),
        ]
    )
    lines = table.splitlines()

    assert lines[4] == "| 1,000 checked | 0.50 | 2,000 | – | – | 0.25× the upload of the same rows |"
    assert lines[5] == "| Upload of the same 1,000 rows | 2.00 | 500 | – | 80 | beside the check above |"
