import pytest

from rates.models import EngagementType
from tests.breaches.factories import BreachRequestFactory, cap_in


@pytest.fixture
def cap(region):
    """West Midlands Social worker cap, £35.00/h from 1 April 2026."""
    return cap_in(region)


@pytest.fixture
def draft(la, workforce_lead, cap):
    return BreachRequestFactory(local_authority=la, created_by=workforce_lead, reference="BR-100-00001")


@pytest.fixture
def awaiting_signatures(la, workforce_lead, cap):
    return BreachRequestFactory(
        local_authority=la, created_by=workforce_lead, submitted=True, engagement_type=EngagementType.LIMITED_COMPANY
    )
