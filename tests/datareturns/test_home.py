"""Home page panels of placement data."""

import pytest

from tests.datareturns.conftest import csv_body, row, send

pytestmark = pytest.mark.django_db


def test_lead_sees_placements_above_cap_by_la_and_the_latest_upload(
    client_for, workforce_lead, msp_source, la, la_code, social_worker_cap
):
    send(msp_source, csv_body(row("A-1", la_code, pay="40.00", charge="55")))

    page = client_for(workforce_lead).get("/").content.decode()

    assert "Placements above the cap without permission" in page
    assert f"{la.name}: 1" in page and f"local_authority={la.old_code}" in page
    assert "Latest placement data" in page


def test_msp_viewer_sees_uploads_but_no_pay_panel(client_for, msp_viewer, msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, pay="40.00", charge="55")))

    page = client_for(msp_viewer).get("/").content.decode()

    assert "Midlands MSP: 1 row, 1 above the cap without permission" in page
    assert "Placements above the cap" not in page


def test_sub_regional_lead_sees_neither_panel(client_for, sub_regional_lead, msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, pay="40.00", charge="55")))

    page = client_for(sub_regional_lead).get("/").content.decode()

    assert "Latest placement data" not in page and "Placements above the cap" not in page
