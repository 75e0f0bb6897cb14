from datetime import date
from decimal import Decimal

import pytest

from rates.lookup import cap_lookup
from rates.models import Exemption, PriceCap, RateCard, RoleGrade
from riia.demo import demo_load
from riia.models import Region

pytestmark = pytest.mark.django_db


def test_demo_publishes_every_region_and_is_idempotent():
    first = demo_load()
    counts = (RateCard.objects.count(), PriceCap.objects.count(), Exemption.objects.count())
    demo_load()

    assert (RateCard.objects.count(), PriceCap.objects.count(), Exemption.objects.count()) == counts
    assert any("9 rate cards" in line for line in first.lines)
    social = RoleGrade.objects.get(code="social-worker")
    on = date(2026, 6, 1)
    caps = {r.slug: cap_lookup(region=r, role_grade=social, on=on).cap for r in Region.objects.all()}
    assert len(caps) == 9 and all(Decimal("25") <= c <= Decimal("50") for c in caps.values())
    assert max(caps, key=caps.get) == "london" and min(caps, key=caps.get) == "north-east"
    assert caps["london"] / caps["north-east"] <= Decimal("1.38")
    west_midlands = Region.objects.get(slug="west-midlands")
    assert cap_lookup(region=west_midlands, role_grade=social, on=date(2027, 4, 1)).cap == Decimal("32.96")
