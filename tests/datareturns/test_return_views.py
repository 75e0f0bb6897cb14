"""The quarterly return pages: the lead completes, checks and submits; the DCS signs off on a
confirmation page; the programme manager reopens, reminds, sets the due date and exports. Each page
refuses people without the role."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from breaches.selectors.register import recent_quarters
from datareturns.models import ComplianceRule, QuarterlyReturn, ReturnStatus
from datareturns.selectors_returns import SUMMARY_HEADER
from rates.models import CoreJobType
from riia.models import Notification
from tests.datareturns.conftest import csv_body, row, send
from tests.rates.factories import core_grade

pytestmark = pytest.mark.django_db

QUARTER = "2026-Q2"


def _url(name: str, la, quarter: str = QUARTER) -> str:
    return reverse(f"returns:{name}", args=[la.old_code, quarter])


def _complete_form() -> dict:
    data = {"narrative": "Steady quarter.", "action": "continue"}
    for core in CoreJobType.values:
        data |= {
            f"{core}__employed_fte": "10",
            f"{core}__vacancies_fte": "1",
            f"{core}__conversions": "0",
            f"{core}__leavers": "1",
        }
    for rule in ComplianceRule.values:
        data[f"{rule}__complied"] = "yes"
    return data


@pytest.fixture
def placements(msp_source, la_code):
    core_grade()
    return send(msp_source, csv_body(row("A", la_code, charge="50.00", start="2026-05-01")))


def test_the_lead_starts_completes_checks_and_submits(client_for, la, workforce_lead, dcs, placements):
    client = client_for(workforce_lead)
    page = client.get(_url("detail", la)).content.decode()
    assert "Start the return" in page and "not started" in page.lower()

    assert client.post(_url("start", la))["Location"] == _url("edit", la)
    response = client.post(_url("edit", la), _complete_form())
    assert response.status_code == 302 and response["Location"] == _url("check", la)

    check = client.get(_url("check", la)).content.decode()
    assert "Check your answers before submitting" in check and "Steady quarter." in check
    assert client.post(_url("submit", la)).status_code == 302
    assert QuarterlyReturn.objects.get().status == ReturnStatus.AWAITING_SIGN_OFF


def test_submitting_an_incomplete_return_shows_what_is_missing(client_for, la, workforce_lead):
    client = client_for(workforce_lead)
    client.post(_url("start", la))

    response = client.post(_url("submit", la))

    assert response.status_code == 400
    assert "Enter the employed FTE for social workers" in response.content.decode()
    assert QuarterlyReturn.objects.get().status == ReturnStatus.IN_PROGRESS


def test_a_bad_figure_is_named_on_its_field(client_for, la, workforce_lead):
    client = client_for(workforce_lead)
    client.post(_url("start", la))

    response = client.post(_url("edit", la), _complete_form() | {"social_worker__employed_fte": "lots"})

    assert response.status_code == 400
    assert "Enter an FTE as a number, like 12.5" in response.content.decode()


def _submitted(client_for, la, workforce_lead, quarter=QUARTER):
    client = client_for(workforce_lead)
    client.post(_url("start", la, quarter))
    client.post(_url("edit", la, quarter), _complete_form())
    client.post(_url("submit", la, quarter))
    return QuarterlyReturn.objects.get()


def test_the_dcs_signs_off_on_a_confirmation_page(client_for, la, workforce_lead, dcs):
    _submitted(client_for, la, workforce_lead)
    client = client_for(dcs)

    assert "Sign off and lock the return" in client.get(_url("sign-off", la)).content.decode()
    assert client.post(_url("sign-off", la)).status_code == 302
    page = client.get(_url("detail", la)).content.decode()
    assert "Signed off" in page and "Dana Director" in page


@pytest.mark.parametrize("person", ["workforce_lead", "chief_executive", "la_viewer", "programme_manager"])
def test_only_the_dcs_reaches_sign_off(request, client_for, la, workforce_lead, person):
    _submitted(client_for, la, workforce_lead)
    client = client_for(request.getfixturevalue(person))

    assert client.post(_url("sign-off", la)).status_code == 403
    assert QuarterlyReturn.objects.get().status == ReturnStatus.AWAITING_SIGN_OFF


@pytest.mark.parametrize("person", ["dcs", "chief_executive", "la_viewer", "programme_manager", "second_la_lead"])
def test_only_the_lead_reaches_the_form(request, client_for, la, person):
    client = client_for(request.getfixturevalue(person))

    assert client.post(_url("start", la)).status_code in (403, 404)
    assert not QuarterlyReturn.objects.exists()


@pytest.mark.parametrize("person", ["foreign_lead", "foreign_programme_manager", "riia_member", "msp_uploader"])
def test_people_outside_the_la_and_its_programme_manager_do_not_see_the_return(request, client_for, la, person):
    client = client_for(request.getfixturevalue(person))

    assert client.get(_url("detail", la)).status_code == 404
    assert client.get(_url("export", la)).status_code == 404


def test_the_programme_manager_reopens_with_a_reason(client_for, la, workforce_lead, dcs, programme_manager):
    _submitted(client_for, la, workforce_lead)
    client_for(dcs).post(_url("sign-off", la))
    client = client_for(programme_manager)

    refused = client.post(_url("reopen", la), {"reason": ""})
    assert refused.status_code == 400 and "Enter why the return is reopened" in refused.content.decode()
    assert client.post(_url("reopen", la), {"reason": "Leavers missing"}).status_code == 302
    assert QuarterlyReturn.objects.get().status == ReturnStatus.IN_PROGRESS
    assert Notification.objects.filter(recipient=workforce_lead, body__contains="Leavers missing").exists()


def test_the_region_quarter_page_lists_every_la_and_exports(
    client_for, la, second_la, workforce_lead, dcs, programme_manager, placements
):
    _submitted(client_for, la, workforce_lead)
    client_for(dcs).post(_url("sign-off", la))
    client = client_for(programme_manager)

    page = client.get(reverse("returns:region-quarter", args=[la.region.slug, QUARTER])).content.decode()
    assert "Dudley" in page and "Coventry" in page and "Signed off" in page

    response = client.get(reverse("returns:region-export", args=[la.region.slug, QUARTER]))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        summary = list(csv.reader(io.StringIO(archive.read("summary.csv").decode())))
        placements_csv = list(csv.reader(io.StringIO(archive.read("placements.csv").decode())))
    assert summary[0] == SUMMARY_HEADER
    assert {r[2] for r in summary[1:]} == {"Dudley", "Coventry"}
    assert len(placements_csv) == 2  # the header and placement A


def test_the_reminder_button_and_due_date(client_for, la, workforce_lead, dcs, programme_manager):
    client = client_for(programme_manager)
    base = [la.region.slug, QUARTER]

    assert client.post(reverse("returns:region-remind", args=base), {"local_authority": la.old_code}).status_code == 302
    assert Notification.objects.filter(recipient=dcs, subject__contains="2026-Q2 quarterly return").exists()
    response = client.post(
        reverse("returns:region-due-date", args=base), {"due_on_day": "15", "due_on_month": "9", "due_on_year": "2026"}
    )
    assert response.status_code == 302
    page = client.get(reverse("returns:region-quarter", args=base)).content.decode()
    assert "15 September 2026" in page


@pytest.mark.parametrize("person", ["workforce_lead", "dcs", "riia_member", "foreign_programme_manager"])
def test_only_the_programme_manager_reaches_the_region_quarter(request, client_for, la, person):
    client = client_for(request.getfixturevalue(person))

    assert client.get(reverse("returns:region-quarter", args=[la.region.slug, QUARTER])).status_code == 403
    assert client.get(reverse("returns:region-export", args=[la.region.slug, QUARTER])).status_code == 403


def test_home_tells_the_lead_and_then_the_dcs(client_for, la, workforce_lead, dcs):
    latest = recent_quarters(count=2)[1]  # the latest ended quarter
    page = client_for(workforce_lead).get("/").content.decode()
    assert f"Start the {latest} return of Dudley" in page

    _submitted(client_for, la, workforce_lead, latest)
    page = client_for(dcs).get("/").content.decode()
    assert f"Sign off the {latest} return of Dudley" in page


def test_a_reason_given_for_a_rule_complied_with_is_refused_on_its_field(client_for, la, workforce_lead):
    client = client_for(workforce_lead)
    client.post(_url("start", la))

    response = client.post(_url("edit", la), _complete_form() | {"notice__reason": "We gave 2 weeks"})

    assert response.status_code == 400
    assert response.context["form"].errors["notice__reason"] == ["Only give a reason where you did not comply"]
