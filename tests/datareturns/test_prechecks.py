"""The pre-offer check: the same flags as an upload of the same row, privacy, who may check, the rate
limit, the daily tally, and that nothing about the placements is stored."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from datareturns.models import CheckTally, Placement, Upload
from datareturns.prechecks import placements_check, placements_check_body
from datareturns.services import UploadSource
from riia.models import Agency
from riia.services_keys import api_key_create
from tests.breaches.factories_register import approved_breach_request
from tests.datareturns.conftest import HEADER, csv_body, row, send
from tests.riia.factories import MSPFactory

pytestmark = pytest.mark.django_db
CHECKS = "/api/v1/placements/checks/"
LEAVERS = "la_code,worker_registration,leave_date,leave_reason"
COLUMNS = HEADER.split(",")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def msp_key(msp):
    _, key = api_key_create(actor=None, name="Offer desk", msp=msp)
    return key


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def as_object(csv_row: str) -> dict[str, str]:
    return dict(zip(COLUMNS, csv_row.split(","), strict=True))


def check_rows(source, *csv_rows):
    return placements_check(source=source, rows=[(n, as_object(r)) for n, r in enumerate(csv_rows, start=1)]).results


# --- Each flag both ways: the check's answer is the upload's --------------------------------------


def _leaver_elsewhere(la, second_la):
    send(
        UploadSource(local_authority=second_la),
        f"{LEAVERS}\n{second_la.old_code},SW9,2026-03-01,resigned\n".encode(),
        leavers=True,
    )


def _earlier_individual(msp, la):
    send(UploadSource(msp=msp), csv_body(row("E-1", la.old_code, worker="SW9", pay="34.00", start="2026-05-01")))


def _approved(la, second_la):
    approved_breach_request(la)


SCENARIOS = {
    # flag: (setup, row keywords that get it, row keywords that do not)
    "above_cap_unauthorised": (None, {"pay": "40.00", "charge": "55"}, {"pay": "35.00"}),
    "above_cap_authorised": (
        _approved,
        {"pay": "40.00", "charge": "55", "start": "2026-08-01"},
        {"pay": "41.50", "charge": "55", "start": "2026-08-01"},
    ),
    "pqe_under_3_years": (None, {"pqe": "2.5"}, {"pqe": "3"}),
    "cool_off": (_leaver_elsewhere, {"start": "2027-02-28"}, {"start": "2027-03-01"}),
    "project_team_repricing": (
        None,
        {"project_team": "true", "pay": "34.50", "start": "2026-07-01"},
        {"project_team": "true", "pay": "33.50", "start": "2026-07-01"},
    ),
    "no_cap_in_force": (None, {"start": "2026-03-31"}, {"start": "2026-04-01"}),
}


@pytest.mark.parametrize("flagged", [True, False], ids=["gets it", "does not"])
@pytest.mark.parametrize("flag", list(SCENARIOS))
def test_each_flag_both_ways_check_then_upload_agree(flag, flagged, msp, la, second_la, social_worker_cap):
    setup, with_flag, without = SCENARIOS[flag]
    if setup is not None:
        setup(la, second_la)
    if flag == "project_team_repricing":
        _earlier_individual(msp, la)
    proposed = row("P-1", la.old_code, worker="SW9", **(with_flag if flagged else without))
    source = UploadSource(msp=msp)

    body = csv_body(proposed)

    [checked] = placements_check_body(source=source, body=body, content_type="text/csv").results
    send(source, body)  # the very same bytes, uploaded

    stored = Placement.objects.get(assignment_id="P-1")
    assert (flag in checked.flags) is flagged
    assert checked.flags == stored.explanations
    assert (checked.cap_rate, checked.allowed_rate) == (stored.cap_rate, stored.allowed_rate)


def test_rows_of_one_check_see_each_other_as_an_upload_does(msp, la, social_worker_cap):
    rows = (
        row("A-1", la.old_code, worker="SW7", pay="34.00", start="2026-05-01"),
        row("A-2", la.old_code, worker="SW7", pay="34.50", start="2026-07-01", project_team="true"),
    )
    source = UploadSource(msp=msp)

    checked = check_rows(source, *rows)
    send(source, csv_body(*rows))

    stored = dict(Placement.objects.values_list("assignment_id", "explanations"))
    assert [c.flags for c in checked] == [stored["A-1"], stored["A-2"]]
    assert "project_team_repricing" in checked[1].flags


def test_a_stored_placement_the_row_would_replace_is_not_its_own_earlier_placement(msp, la, social_worker_cap):
    source = UploadSource(msp=msp)
    send(source, csv_body(row("A-1", la.old_code, worker="SW7", pay="34.00", start="2026-05-01")))

    [checked] = check_rows(
        source, row("A-1", la.old_code, worker="SW7", pay="34.50", start="2026-07-01", project_team="true")
    )

    assert "project_team_repricing" not in checked.flags


# --- Privacy ----------------------------------------------------------------------------------------


def test_cool_off_names_only_the_region_and_the_date(msp, la, second_la, social_worker_cap):
    _leaver_elsewhere(la, second_la)

    [checked] = check_rows(UploadSource(msp=msp), row(la_code=la.old_code, worker="SW9", start="2026-06-01"))

    text = checked.flags["cool_off"]
    assert text == (
        "This worker left a permanent post in West Midlands within the cool-off period; "
        "they may be engaged as agency from 1 March 2027."
    )
    assert second_la.name not in text and "resign" not in text and "2026" not in text


def test_repricing_rate_is_told_to_the_msp_that_sent_the_earlier_placement_and_the_la(msp, la, social_worker_cap):
    _earlier_individual(msp, la)
    proposed = row("P-1", la.old_code, worker="SW9", pay="34.50", start="2026-07-01", project_team="true")

    [own] = check_rows(UploadSource(msp=msp), proposed)
    [by_la] = check_rows(UploadSource(local_authority=la), proposed)

    assert "£34.00" in own.flags["project_team_repricing"] and "E-1" in own.flags["project_team_repricing"]
    assert "£34.00" in by_la.flags["project_team_repricing"]


def test_repricing_to_another_msp_says_only_that_a_lower_rate_exists(msp, la, social_worker_cap):
    _earlier_individual(msp, la)
    other = MSPFactory(name="Other MSP")
    other.local_authorities.add(la)

    [checked] = check_rows(
        UploadSource(msp=other),
        row("P-1", la.old_code, worker="SW9", pay="34.50", start="2026-07-01", project_team="true"),
    )

    text = checked.flags["project_team_repricing"]
    assert "an earlier individual placement of the same worker" in text and "at a lower rate exists" in text
    assert "34.00" not in text and "E-1" not in text


# --- The endpoint -----------------------------------------------------------------------------------


def _proposal(la_code, **changes):
    placement = as_object(row(la_code=la_code, pay="38.50", charge="52.00", start="2026-06-01"))
    del placement["assignment_id"]
    placement.update(changes)
    return placement


def test_one_placement_answers_flags_allowed_rate_and_over_by(msp_key, la, la_code, social_worker_cap):
    response = client_with(msp_key).post(CHECKS, _proposal(la_code), format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "rows": 1,
        "checked": 1,
        "invalid": 0,
        "results": [
            {
                "row": 1,
                "assignment_id": None,
                "la_code": la_code,
                "local_authority": la.name,
                "valid": True,
                "compliant": False,
                "flags": [
                    {
                        "code": "above_cap_unauthorised",
                        "explanation": "Paid £38.50 an hour; the West Midlands cap for a social worker on 1 June 2026 "
                        "is £35.00; no approved breach request covers it.",
                    }
                ],
                "hourly_pay_rate": "38.50",
                "cap_rate": "35.00",
                "allowed_rate": "35.00",
                "over_by": "3.50",
                "over_by_percent": "10.0",
            }
        ],
    }


def test_many_placements_with_invalid_rows_get_the_upload_errors(msp_key, la_code, social_worker_cap):
    placements = [
        _proposal(la_code),
        _proposal(la_code, hourly_pay_rate="35.00"),
        _proposal(la_code, start_date="2026-13-01"),
    ]

    response = client_with(msp_key).post(CHECKS, {"placements": placements}, format="json")

    body = response.json()
    assert response.status_code == 200
    assert (body["rows"], body["checked"], body["invalid"]) == (3, 2, 1)
    assert body["results"][1]["compliant"] is True and body["results"][1]["flags"] == []
    assert body["results"][1]["over_by"] is None
    assert body["results"][2] == {
        "row": 3,
        "assignment_id": None,
        "valid": False,
        "errors": [
            {
                "row": 3,
                "field": "start_date",
                "value": "2026-13-01",
                "message": "The start date must be a real date written YYYY-MM-DD or DD/MM/YYYY.",
            }
        ],
    }


def test_csv_body_is_checked_too(msp_key, la_code, social_worker_cap):
    body = csv_body(row("A-1", la_code, pay="40.00", charge="55"))

    response = client_with(msp_key).generic("POST", CHECKS, body, content_type="text/csv")

    assert response.status_code == 200
    assert response.json()["results"][0]["row"] == 2  # as the spreadsheet numbers it
    assert response.json()["results"][0]["flags"][0]["code"] == "above_cap_unauthorised"


def test_a_registration_number_typed_wrongly_is_not_echoed(msp_key, la_code, social_worker_cap):
    response = client_with(msp_key).post(CHECKS, _proposal(la_code, worker_registration="SW12x45"), format="json")

    assert "SW12x45" not in response.content.decode()
    assert response.json()["results"][0]["errors"][0]["field"] == "worker_registration"


def test_nothing_is_stored_but_the_tally(msp, msp_key, la_code, social_worker_cap):
    agencies = Agency.objects.count()
    client = client_with(msp_key)

    client.post(CHECKS, _proposal(la_code, agency="A Brand New Agency"), format="json")
    client.post(CHECKS, {"placements": [_proposal(la_code), _proposal(la_code)]}, format="json")

    assert Placement.objects.count() == 0 and Upload.objects.count() == 0
    assert Agency.objects.count() == agencies
    tally = CheckTally.objects.get()
    assert (tally.sender, tally.msp, tally.api_key.name, tally.checks, tally.rows) == (
        f"msp:{msp.pk}",
        msp,
        "Offer desk",
        2,
        3,
    )
    assert tally.day == timezone.localdate()


def test_more_than_a_thousand_is_413(msp_key, la_code):
    response = client_with(msp_key).post(CHECKS, {"placements": [_proposal(la_code)] * 1001}, format="json")

    assert response.status_code == 413 and "at most 1,000" in response.json()["errors"][0]["message"]
    assert not CheckTally.objects.exists()


def test_unreadable_and_empty_bodies_are_400(msp_key):
    client = client_with(msp_key)

    broken = client.generic("POST", CHECKS, b"{not json", content_type="application/json")
    empty = client.post(CHECKS, {"placements": []}, format="json")

    assert broken.status_code == 400 and "not valid JSON" in broken.json()["errors"][0]["message"]
    assert empty.status_code == 400 and empty.json()["errors"][0]["message"] == "Send at least one placement to check."


def test_an_msp_key_checks_only_for_las_it_serves(msp_key, second_la, social_worker_cap):
    response = client_with(msp_key).post(CHECKS, _proposal(second_la.old_code), format="json")

    assert response.json()["results"][0]["errors"][0]["field"] == "la_code"


def test_an_la_key_checks_for_its_la(la, la_code, social_worker_cap):
    _, key = api_key_create(actor=None, name="LA system", local_authority=la)

    response = client_with(key).post(CHECKS, _proposal(la_code), format="json")

    assert response.status_code == 200 and response.json()["checked"] == 1
    assert CheckTally.objects.get().local_authority == la


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("msp_uploader", 200),
        ("workforce_lead", 200),
        ("msp_viewer", 403),
        ("la_viewer", 403),
        ("dcs", 403),
        ("programme_manager", 403),
        ("riia_member", 403),
    ],
)
def test_who_may_check_in_a_session(request, person, status, la_code, social_worker_cap):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(person))

    response = client.post(CHECKS, _proposal(la_code), format="json")

    assert response.status_code == status


def test_anonymous_is_refused(db):
    assert APIClient().post(CHECKS, {}, format="json").status_code in (401, 403)


def test_checks_are_rate_limited_per_key_with_retry_after(settings, msp, msp_key, la_code, social_worker_cap):
    settings.DATARETURNS_CHECKS_PER_MINUTE = 2
    _, other_key = api_key_create(actor=None, name="Second desk", msp=msp)
    client = client_with(msp_key)

    answers = [client.post(CHECKS, _proposal(la_code), format="json").status_code for _ in range(3)]
    refused = client.post(CHECKS, _proposal(la_code), format="json")
    other = client_with(other_key).post(CHECKS, _proposal(la_code), format="json")

    assert answers == [200, 200, 429]
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["errors"][0]["field"] is None
    assert other.status_code == 200  # another key has its own count
    assert CheckTally.objects.get(api_key__name="Offer desk").checks == 2


def test_schema_documents_the_check(client_for, workforce_lead):
    import yaml

    schema = yaml.safe_load(client_for(workforce_lead).get("/api/schema/").content)

    check = schema["paths"]["/api/v1/placements/checks/"]["post"]
    assert set(check["requestBody"]["content"]) == {"text/csv", "application/json"}
    assert {"200", "413", "429"} <= set(check["responses"])


def test_json_numbers_and_booleans_are_read_as_the_upload_reads_them(msp_key, la_code, social_worker_cap):
    proposal = _proposal(la_code, hourly_pay_rate=35, charge_rate=50.5, project_team=False, pqe_years=2.5)

    response = client_with(msp_key).post(CHECKS, json.dumps(proposal), content_type="application/json")

    result = response.json()["results"][0]
    assert [f["code"] for f in result["flags"]] == ["pqe_under_3_years"]
    assert Decimal(result["hourly_pay_rate"]) == Decimal("35.00")


def test_a_form_body_in_a_session_is_415_not_an_error(workforce_lead):
    """The CSRF check reads a form body before the view: the view must not ask for the raw body then."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(workforce_lead)
    client.get(reverse("datareturns:placement-check"))
    token = client.cookies["csrftoken"].value

    response = client.post(CHECKS, {"la_code": "330", "csrfmiddlewaretoken": token})

    assert response.status_code == 415
