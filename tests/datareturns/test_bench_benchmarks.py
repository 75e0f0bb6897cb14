"""The benchmark part of ``manage.py bench``: its table, and (PostgreSQL) that the recompute it times
gives the same LA medians as the hand-written percentile_cont it is compared with."""

import pytest
from django.db import connection

from datareturns.bench_benchmarks import Timing, benchmarks_table, recompute_data_create, recompute_measure
from datareturns.models import BenchmarkSnapshot, Placement
from rates.models import CoreJobType
from tests.rates.factories import core_grade


def test_table_lists_each_timing_with_its_goal_and_marks_the_unmeasured():
    table = benchmarks_table(
        [
            Timing("reference", 2.0, "the reference"),
            Timing("recompute", 2.4, "1.20× the reference (goal ≤ 1.3×): met", note="medians match"),
            Timing("freshness", None, "not measured", note="no Redis"),
        ]
    ).splitlines()
    assert table[2] == "| reference | 2.00 | the reference |  |"
    assert table[3] == "| recompute | 2.40 | 1.20× the reference (goal ≤ 1.3×): met | medians match |"
    assert table[4] == "| freshness | – | not measured | no Redis |"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench's data and reference query are PostgreSQL")
def test_recompute_medians_match_percentile_cont_over_generated_placements(la, second_la, foreign_la, msp, group):
    for core in CoreJobType.values:
        core_grade(core)
    said = []
    recompute_data_create(rows=3000, msp=msp, say=said.append)
    assert Placement.objects.count() == 3000

    timings = recompute_measure(rows=3000, say=said.append, repeats=1)  # raises if any LA median differs

    assert timings[1].seconds > 0 and "match percentile_cont" in timings[1].note
    assert BenchmarkSnapshot.objects.filter(computed_at__isnull=False).count() == BenchmarkSnapshot.objects.count()
