"""The demo's placement data: sent through the real upload services, carrying every flag, loaded once."""

import pytest

from breaches.models import BreachRecord, BreachRequest, BreachRequestStatus
from datareturns.models import Flag, Leaver, Placement, PlacementVersion, Upload
from riia.demo import demo_load
from riia.models import MSP, ApiKey, AuditRecord, Notification


def _counts():
    return {
        "uploads": Upload.objects.count(),
        "placements": Placement.objects.count(),
        "versions": PlacementVersion.objects.count(),
        "leavers": Leaver.objects.count(),
        "breach records": BreachRecord.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditRecord.objects.count(),
    }


@pytest.mark.django_db
def test_demo_sends_eight_quarters_through_the_upload_service_with_every_flag_and_once_only():
    first = demo_load()
    counts = _counts()
    second = demo_load()

    assert _counts() == counts
    assert any(line.startswith("Placement data: ") and "15 uploads from 3 MSPs" in line for line in first.lines)
    assert "already there" in " ".join(second.lines)

    placement_uploads = Upload.objects.filter(kind=Upload.Kind.PLACEMENTS)
    assert placement_uploads.count() == 15 == AuditRecord.objects.filter(action="placements.uploaded").count()
    senders = set(placement_uploads.values_list("msp__slug", "uploaded_by__email", "api_key__name"))
    assert senders == {
        ("demo-msp-midlands", None, "Demo MSP system"),
        ("demo-msp-london", "uploader.demo-msp-london@demo.riia.test", None),
        ("demo-msp-national", "uploader.demo-msp-national@demo.riia.test", None),
    }
    assert first.api_key and second.api_key is None
    assert "Api-Key" in first.summary() and first.api_key in first.summary()
    key = ApiKey.objects.get(msp__slug="demo-msp-midlands")
    assert key.is_valid(first.api_key) and key.created_by.email == "uploader.demo-msp-midlands@demo.riia.test"
    assert Upload.objects.filter(kind=Upload.Kind.LEAVERS, local_authority__isnull=False).count() >= 10
    assert Leaver.objects.count() >= 40
    assert 1400 <= Placement.objects.count() <= 1800
    assert PlacementVersion.objects.count() > 0  # re-sent with their end dates

    national = MSP.objects.get(slug="demo-msp-national")
    regions = set(Placement.objects.filter(msp=national).values_list("local_authority__region__slug", flat=True))
    assert regions == {"west-midlands", "london"}

    flagged = {code: Placement.objects.filter(**{Flag.column(code): True}).count() for code in Flag.values}
    total = Placement.objects.count()
    assert 0.06 <= flagged[Flag.ABOVE_CAP_UNAUTHORISED] / total <= 0.14
    assert flagged[Flag.ABOVE_CAP_AUTHORISED] >= 4
    assert flagged[Flag.PQE_UNDER_3_YEARS] > 0 and flagged[Flag.COOL_OFF] > 0
    assert flagged[Flag.PROJECT_TEAM_REPRICING] > 0
    assert flagged[Flag.NO_CAP_IN_FORCE] == 0  # earlier years' caps cover the first quarters

    approved = BreachRequest.objects.filter(status=BreachRequestStatus.APPROVED)
    for request in approved:
        using = Placement.objects.filter(breach_request=request, flag_above_cap_authorised=True)
        assert using.filter(breach_request_reference=request.reference).exists()  # cited
        assert using.filter(breach_request_reference="").exists()  # found to cover it
    for request in BreachRequest.objects.filter(status=BreachRequestStatus.REJECTED):
        citing = Placement.objects.get(breach_request_reference=request.reference)
        assert citing.flags == [Flag.ABOVE_CAP_UNAUTHORISED]
        assert "rejected, not approved" in citing.explanations[Flag.ABOVE_CAP_UNAUTHORISED]
    assert Placement.objects.get(assignment_id="DEMO-COOL-OFF").flag_cool_off
    assert Placement.objects.get(assignment_id="DEMO-PROJECT-2").flag_project_team_repricing
    assert (
        BreachRecord.objects.filter(source_reference__startswith="placement:").count()
        == (flagged[Flag.ABOVE_CAP_UNAUTHORISED])
    )
