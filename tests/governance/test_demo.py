import pytest

from governance.demo import load, load_meetings
from governance.models import Escalation, Meeting, MouVersion
from riia.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_escalations_are_made_through_the_services_once():
    demo_load()  # people first; it runs the escalations loader too
    assert "already there" in load()[0]

    closed = Escalation.objects.get(status="closed")
    assert closed.outcome_shared_with.exists() and closed.case_study is None
    shared = Escalation.objects.get(status="accepted")
    assert [r.slug for r in shared.shared_with_regions.all()] == ["west-midlands"]

    assert "already there" in load_meetings()[0]
    assert Meeting.objects.filter(minutes_approved_at__isnull=False).exists()
    current = MouVersion.objects.get(number=2)
    assert 0 < current.signatures.count() < current.region.local_authorities.count()
