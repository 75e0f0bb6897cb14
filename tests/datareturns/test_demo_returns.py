"""The demo's quarterly returns: made through the real services, every status shown, loaded once."""

import pytest

from breaches.selectors.register import recent_quarters
from datareturns.models import QuarterlyReturn, ReturnRoleFigures, ReturnStatus
from riia.demo import demo_load


@pytest.mark.django_db
def test_demo_returns_are_signed_off_with_one_awaiting_one_in_progress_and_once_only():
    first = demo_load()
    count = QuarterlyReturn.objects.count()
    second = demo_load()

    assert QuarterlyReturn.objects.count() == count
    assert any(line.startswith("Quarterly returns (") for line in first.lines)
    assert "Quarterly returns: already there" in " ".join(second.lines)
    latest = recent_quarters(count=2)[1]
    statuses = list(QuarterlyReturn.objects.filter(quarter=latest).values_list("status", flat=True))
    assert statuses.count(ReturnStatus.AWAITING_SIGN_OFF) == 1
    assert statuses.count(ReturnStatus.IN_PROGRESS) == 1
    signed = QuarterlyReturn.objects.filter(status=ReturnStatus.SIGNED_OFF)
    assert signed.count() > 40 and not signed.filter(signed_off_at__isnull=True).exists()
    # The dashboards read the employed FTE of signed-off returns.
    assert ReturnRoleFigures.objects.filter(quarterly_return__in=signed, employed_fte__gt=0).exists()
