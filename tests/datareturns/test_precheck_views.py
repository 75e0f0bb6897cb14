"""The pre-offer check page, the pre-filled breach request it links to, and the programme manager's
counts of checks."""

import logging
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from datareturns.models import CheckTally, Placement
from datareturns.prechecks import check_tally_add
from datareturns.services import UploadSource
from riia.services_keys import api_key_create
from tests.datareturns.conftest import send
from tests.rates.factories import core_grade
from tests.riia.factories import MSPFactory, person_with_role

pytestmark = pytest.mark.django_db
CHECK = reverse("datareturns:placement-check")
TALLIES = reverse("datareturns:check-tallies")
NEW_REQUEST = reverse("breaches:request-new")
LEAVERS = "la_code,worker_registration,leave_date,leave_reason"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def form_data(la, **changes):
    data = {
        "local_authority": la.old_code,
        "worker_registration": "SW424242",
        "role": "social-worker",
        "engagement_type": "limited_company",
        "hourly_pay_rate": "38.50",
        "charge_rate": "52.00",
        "start_date_day": "1",
        "start_date_month": "6",
        "start_date_year": "2026",
        "hours_per_week": "37",
        "agency": "Acme Social Care",
        "project_team": "false",
        "pqe_years": "4",
    }
    data.update(changes)
    return data


def test_lead_sees_the_flags_and_a_link_to_a_pre_filled_breach_request(
    client_for, workforce_lead, la, social_worker_cap
):
    response = client_for(workforce_lead).post(CHECK, form_data(la))

    page = response.content.decode()
    assert response.status_code == 200, response.context["form"].errors
    assert "This placement would breach the agreement" in page
    assert "£3.50 an hour (10.0%)" in page
    assert "no approved breach request covers it" in page
    link = response.context["breach_request_link"]
    assert link.startswith(NEW_REQUEST)
    assert f"local_authority={la.pk}" in link and "proposed_rate=38.50" in link
    assert "contract_start=2026-06-01" in link and f"role_grade={core_grade().pk}" in link
    assert "SW424242" not in page and "SW424242" not in link
    assert Placement.objects.count() == 0
    assert CheckTally.objects.get().user == workforce_lead


def test_the_breach_request_form_is_pre_filled_from_the_link(client_for, workforce_lead, la, social_worker_cap):
    client = client_for(workforce_lead)
    link = client.post(CHECK, form_data(la)).context["breach_request_link"]

    form = client.get(link).context["form"]

    assert form.initial["role_grade"] == core_grade().pk
    assert form.initial["proposed_rate"] == Decimal("38.50")
    assert form.initial["engagement_type"] == "limited_company"
    assert form.initial["contract_start"] == date(2026, 6, 1)
    assert form.initial["number_of_roles"] == 1
    assert "contract_end" not in form.initial


def test_pre_fill_ignores_values_the_form_would_not_accept(client_for, workforce_lead, second_la, social_worker_cap):
    query = (
        f"?local_authority={second_la.pk}&role_grade=999999&engagement_type=cash&proposed_rate=12.345"
        "&contract_start=2026-13-01&number_of_roles=0&is_project_team=yes"
    )

    response = client_for(workforce_lead).get(NEW_REQUEST + query)

    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_compliant_placement_says_so_and_offers_no_breach_request(client_for, workforce_lead, la, social_worker_cap):
    response = client_for(workforce_lead).post(CHECK, form_data(la, hourly_pay_rate="34.00"))

    assert "This placement would not breach the agreement" in response.content.decode()
    assert response.context["breach_request_link"] is None


def test_msp_uploader_checks_for_the_las_it_serves_and_is_told_who_requests_breaches(
    client_for, msp_uploader, msp, la, second_la, social_worker_cap
):
    client = client_for(msp_uploader)

    choices = [code for code, _ in client.get(CHECK).context["form"].fields["local_authority"].choices]
    response = client.post(CHECK, form_data(la))

    assert second_la.old_code not in choices
    assert response.context["breach_request_link"] is None
    assert "Only its workforce lead can start one" in response.content.decode()
    assert CheckTally.objects.get().msp == msp


def test_row_errors_show_on_the_fields_and_the_registration_is_not_echoed(
    client_for, workforce_lead, la, social_worker_cap, caplog
):
    with caplog.at_level(logging.DEBUG):
        response = client_for(workforce_lead).post(
            CHECK, form_data(la, worker_registration="SW12x45", hourly_pay_rate="45,50")
        )

    page = response.content.decode()
    assert response.status_code == 400, response.context["form"].errors
    assert "The worker registration must be SW followed by 1 to 10 digits" in page
    assert "use a point for pence" in page
    assert "SW12x45" not in page
    assert "SW12x45" not in caplog.text


def test_cool_off_on_the_page_names_neither_the_la_nor_the_reason(
    client_for, workforce_lead, la, second_la, social_worker_cap
):
    send(
        UploadSource(local_authority=second_la),
        f"{LEAVERS}\n{second_la.old_code},SW424242,2026-03-01,dismissed\n".encode(),
        leavers=True,
    )

    page = client_for(workforce_lead).post(CHECK, form_data(la, hourly_pay_rate="34.00")).content.decode()

    assert "they may be engaged as agency from 1 March 2027" in page
    assert second_la.name not in page and "dismiss" not in page.lower()


@pytest.mark.parametrize(
    ("person", "status"),
    [("workforce_lead", 200), ("msp_uploader", 200), ("msp_viewer", 403), ("la_viewer", 403), ("dcs", 403)],
)
def test_who_may_use_the_check_page(request, client_for, person, status):
    response = client_for(request.getfixturevalue(person)).get(CHECK)

    assert response.status_code == status


def test_page_checks_are_rate_limited_per_person(settings, client_for, workforce_lead, la, social_worker_cap):
    settings.DATARETURNS_CHECKS_PER_MINUTE = 1
    client = client_for(workforce_lead)

    first = client.post(CHECK, form_data(la))
    second = client.post(CHECK, form_data(la))

    assert first.status_code == 200
    assert second.status_code == 429 and int(second["Retry-After"]) >= 1
    assert "Too many checks" in second.content.decode()
    assert CheckTally.objects.get().checks == 1


# --- The counts a programme manager sees ---------------------------------------------------------


def test_programme_manager_sees_the_regions_checks_per_key_and_day(
    client_for, programme_manager, foreign_programme_manager, msp, la, foreign_la
):
    _, _key = api_key_create(actor=None, name="Offer desk", msp=msp)
    from riia.models import ApiKey

    api_key = ApiKey.objects.get(name="Offer desk")
    check_tally_add(source=UploadSource(msp=msp, api_key=api_key), rows=250)
    check_tally_add(source=UploadSource(msp=msp, api_key=api_key), rows=1)
    elsewhere = MSPFactory(name="Elsewhere MSP")
    elsewhere.local_authorities.add(foreign_la)
    lead = person_with_role("workforce_lead", foreign_la)
    check_tally_add(source=UploadSource(local_authority=foreign_la, user=lead), rows=1)

    own = client_for(programme_manager).get(TALLIES)
    foreign = client_for(foreign_programme_manager).get(TALLIES)

    [tally] = own.context["page"].object_list
    assert (tally.msp, tally.api_key.name, tally.checks, tally.rows) == (msp, "Offer desk", 2, 251)
    assert "Offer desk" in own.content.decode() and "Elsewhere" not in own.content.decode()
    assert [t.local_authority for t in foreign.context["page"].object_list] == [foreign_la]


@pytest.mark.parametrize("person", ["workforce_lead", "msp_uploader", "riia_member", "la_viewer"])
def test_only_programme_managers_see_the_counts(request, client_for, person):
    assert client_for(request.getfixturevalue(person)).get(TALLIES).status_code == 403
