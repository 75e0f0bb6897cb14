from decimal import Decimal

import pytest

from breaches.models import BreachRecord, Sanction, SanctionPolicy, TrainingFundEntry
from breaches.selectors.sanctions import training_fund_balance
from riia.demo import demo_load
from riia.models import Region


@pytest.mark.django_db
def test_demo_register_loads_once_and_again_changes_nothing():
    first = demo_load()
    counts = (BreachRecord.objects.count(), Sanction.objects.count(), TrainingFundEntry.objects.count())
    second = demo_load()

    region = Region.objects.get(slug="west-midlands")
    assert counts == (5, 1, 2)
    assert (BreachRecord.objects.count(), Sanction.objects.count(), TrainingFundEntry.objects.count()) == counts
    assert SanctionPolicy.objects.filter(region=region).count() == 3
    assert Sanction.objects.get().status == Sanction.Status.PAID
    assert training_fund_balance(region=region) == Decimal("130.00")
    assert any("4 breaches added" in line for line in first.lines)
    assert any("0 breaches added" in line and "£130.00" in line for line in second.lines)
