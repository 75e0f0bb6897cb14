from decimal import Decimal

import pytest

from breaches.models import BreachRecord, BreachRequestStatus, Sanction, SanctionPolicy, TrainingFundEntry
from breaches.selectors.sanctions import training_fund_balance
from riia.demo import demo_load
from riia.models import AuditRecord, Region


@pytest.mark.django_db
def test_demo_register_loads_once_and_again_changes_nothing():
    # The register's own entries: the demo placements' suggestions are the placement demo's.
    entries = BreachRecord.objects.exclude(source_reference__startswith="placement:")
    first = demo_load()
    counts = (entries.count(), Sanction.objects.count(), TrainingFundEntry.objects.count())
    second = demo_load()

    region = Region.objects.get(slug="west-midlands")
    assert counts == (6, 1, 2)
    assert (entries.count(), Sanction.objects.count(), TrainingFundEntry.objects.count()) == counts
    assert SanctionPolicy.objects.filter(region=region).count() == 3
    assert Sanction.objects.get().status == Sanction.Status.PAID
    assert training_fund_balance(region=region) == Decimal("130.00")
    assert any("5 breaches added" in line for line in first.lines)
    assert any("0 breaches added" in line and "£130.00" in line for line in second.lines)


@pytest.mark.django_db
def test_demo_register_shows_a_breach_with_permission_linked_to_the_approved_request():
    demo_load()
    demo_load()

    permitted = BreachRecord.objects.get(with_permission=True)
    request = permitted.breach_request
    assert request.status == BreachRequestStatus.APPROVED
    assert request.local_authority == permitted.local_authority
    assert (permitted.role_grade, permitted.hourly_rate) == (request.role_grade, request.proposed_rate)
    assert BreachRecord.objects.filter(with_permission=False, status=BreachRecord.Status.CONFIRMED).exists()
    assert AuditRecord.objects.filter(action="breach_record.created", object_id=str(permitted.pk)).count() == 1
