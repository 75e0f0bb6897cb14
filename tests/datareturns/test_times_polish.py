"""Issue 12: times on the placement data pages read "4:40pm" (GOV.UK style), as elsewhere."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from datareturns.models import Placement, Upload
from datareturns.services import UploadSource
from tests.datareturns.conftest import csv_body, row, send

pytestmark = pytest.mark.django_db

FOUR_FORTY = timezone.make_aware(datetime(2026, 11, 23, 16, 40))


@pytest.fixture
def world(msp, la, social_worker_cap):
    send(UploadSource(msp=msp), csv_body(row("A-1", la.old_code, worker="SW100001")))


def test_upload_history_and_page_read_4_40pm(client_for, world, programme_manager):
    upload = Upload.objects.order_by("pk").first()
    Upload.objects.filter(pk=upload.pk).update(received_at=FOUR_FORTY)
    client = client_for(programme_manager)

    listing = client.get(reverse("datareturns:upload-list")).text
    page = client.get(reverse("datareturns:upload-detail", args=[upload.pk])).text

    assert "23 Nov 2026 at 4:40pm" in listing
    assert "23 November 2026 at 4:40pm" in page
    assert "p.m." not in listing + page


def test_placement_page_reads_4_40pm(client_for, world, programme_manager):
    placement = Placement.objects.order_by("pk").first()
    Placement.objects.filter(pk=placement.pk).update(updated_at=FOUR_FORTY)

    page = client_for(programme_manager).get(reverse("datareturns:placement-detail", args=[placement.pk])).text

    assert "23 November 2026 at 4:40pm" in page and "p.m." not in page
