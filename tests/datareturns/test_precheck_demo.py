"""The demo's pre-offer checks: made through the real check service by each demo MSP, counted once."""

import pytest

from datareturns.models import CheckTally, Placement
from riia.demo import demo_load


@pytest.mark.django_db
def test_demo_msps_check_before_offering_and_the_counts_are_loaded_once():
    first = demo_load()
    placements = Placement.objects.count()
    second = demo_load()

    tallies = list(CheckTally.objects.order_by("msp__slug").values_list("msp__slug", "api_key__name", "checks", "rows"))
    assert tallies == [
        ("demo-msp-london", None, 4, 30),
        ("demo-msp-midlands", "Demo MSP system", 4, 30),
        ("demo-msp-national", None, 4, 30),
    ]
    assert any(line.startswith("Pre-offer checks: 12 checks of 90 proposed placements") for line in first.lines)
    assert "already counted" in " ".join(second.lines)
    assert Placement.objects.count() == placements  # the checks stored no placement
