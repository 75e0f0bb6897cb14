import pytest
from django.utils import timezone

from tests.rates.factories import core_grades


@pytest.fixture
def grades(db):
    return core_grades()


@pytest.fixture
def today():
    return timezone.localdate()
