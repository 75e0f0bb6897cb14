"""The quarterly MSP meeting pack reads the benchmark snapshots through the dashboards' selector: its
figures are the API's for the same quarter."""

import csv
import io
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from datareturns.benchmarks import benchmarks_recompute
from governance.models import MeetingPack
from governance.services_pack import meeting_pack_notes_save
from riia.errors import DomainError
from riia.models import Notification
from tests.datareturns.benchmark_world import TODAY, world_create

pytestmark = pytest.mark.django_db
QUARTER = "2026-Q2"
API = "/api/v1/benchmarks/"


@pytest.fixture
def world(region, group, la, second_la, foreign_la):
    world_create(region=region, la=la, second_la=second_la, foreign_la=foreign_la)
    benchmarks_recompute(today=TODAY)


def _as_api(value):
    """The pack's figures as the API writes them (decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _pack(client, region, quarter=QUARTER):
    return client.get(reverse("meetings:pack", args=[region.slug, quarter]))


def test_pack_figures_equal_the_api_for_the_same_quarter(client_for, world, programme_manager, region, la):
    client = client_for(programme_manager)
    pack = _pack(client, region).context["pack"]
    api_region = client.get(API, {"scope": f"region:{region.slug}", "quarter": QUARTER}).json()["results"]
    assert pack.cap_position and _as_api(pack.cap_position) == api_region
    api_la = client.get(API, {"scope": f"la:{la.new_code}", "quarter": QUARTER, "role": "all"}).json()["results"]
    (slot,) = [s for s in pack.la_slots if s.la == la]
    assert _as_api(slot.figures) == api_la[0]


def test_the_pack_shows_data_collection_and_each_la(client_for, world, programme_manager, region, la, second_la):
    page = _pack(client_for(programme_manager), region).text
    assert "Data collection status" in page and la.name in page and second_la.name in page
    assert "2. Update from each local authority" in page and "pack-print.css" in page


def test_the_pack_csv_holds_its_tables_with_formulas_neutralised(client_for, world, programme_manager, region, la):
    client = client_for(programme_manager)
    meeting_pack_notes_save(actor=programme_manager, region=region, quarter=QUARTER, notes="", la_notes={la.pk: "=1+1"})
    response = client.get(reverse("meetings:pack-export", args=[region.slug, QUARTER]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["table", "subject", "measure", "value"]
    assert {r[0] for r in rows[1:]} >= {"Data collection", "Over-price-cap position", "LA update"}
    assert ["LA update", la.name, "notes", "'=1+1"] in rows


def test_before_sharing_only_the_programme_manager_sees_the_pack(client_for, world, region, workforce_lead, msp_viewer):
    assert _pack(client_for(workforce_lead), region).status_code == 404
    assert _pack(client_for(msp_viewer), region).status_code == 404


def test_sharing_tells_the_msps_and_las_and_opens_the_pack_to_them(
    client_for, world, programme_manager, region, workforce_lead, msp_viewer, foreign_lead
):
    meeting_pack_notes_save(actor=programme_manager, region=region, quarter=QUARTER, notes="Caps hold.", la_notes={})
    response = client_for(programme_manager).post(reverse("meetings:pack-share", args=[region.slug, QUARTER]))
    assert response.status_code == 302 and MeetingPack.objects.get().shared_at is not None
    told = set(Notification.objects.filter(subject__startswith="MSP meeting pack").values_list("recipient", flat=True))
    assert {workforce_lead.pk, msp_viewer.pk} <= told and foreign_lead.pk not in told
    msp_page = _pack(client_for(msp_viewer), region)
    assert msp_page.status_code == 200 and "Caps hold." in msp_page.text
    assert _pack(client_for(foreign_lead), region).status_code == 403
    with pytest.raises(DomainError, match="cannot be changed"):
        meeting_pack_notes_save(actor=programme_manager, region=region, quarter=QUARTER, notes="x", la_notes={})


@pytest.mark.parametrize("who", ["workforce_lead", "riia_member", "foreign_programme_manager"])
def test_only_the_regions_programme_manager_adds_notes_and_shares(who, request, client_for, region):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("meetings:pack-notes", args=[region.slug, QUARTER])).status_code == 403
    assert client.post(reverse("meetings:pack-share", args=[region.slug, QUARTER])).status_code == 403
    assert not MeetingPack.objects.exists()


def test_a_bad_quarter_is_not_found(client_for, programme_manager, region):
    assert _pack(client_for(programme_manager), region, "2026-Q9").status_code == 404
