import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from breaches.models import BreachRecord, Sanction, TrainingFundEntry
from riia.models import AuditRecord
from tests.breaches.factories_register import (
    BreachRecordFactory,
    SanctionFactory,
    SanctionPolicyFactory,
    approved_breach_request,
)
from tests.govuk import date_boxes

pytestmark = pytest.mark.django_db

REGISTER = reverse("breaches:register")
EXPORT = reverse("breaches:register-export")


@pytest.fixture
def records(la, second_la, foreign_la):
    return {
        "dudley_q3": BreachRecordFactory(local_authority=la, occurred_on=date(2026, 8, 14), description="Dudley Q3"),
        "dudley_q1": BreachRecordFactory(
            local_authority=la, occurred_on=date(2026, 2, 3), breach_type="cool_off", description="Dudley Q1"
        ),
        "coventry": BreachRecordFactory(local_authority=second_la, description="Coventry Q3"),
        "camden": BreachRecordFactory(local_authority=foreign_la, description="Camden Q3"),
        "suggested": BreachRecordFactory(
            local_authority=la,
            source="suggested",
            status="suggested",
            source_reference="row-9",
            occurred_on=date(2026, 10, 2),
            description="Dudley suggested",
        ),
    }


def _descriptions(response):
    return {r.description for r in response.context["page"].object_list}


# --- Who sees what ---


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("workforce_lead", {"Dudley Q3", "Dudley Q1"}),
        ("la_viewer", {"Dudley Q3", "Dudley Q1"}),
        ("dcs", {"Dudley Q3", "Dudley Q1"}),
        ("second_la_lead", {"Coventry Q3"}),
        ("programme_manager", {"Dudley Q3", "Dudley Q1", "Coventry Q3", "Dudley suggested"}),
        ("riia_member", {"Dudley Q3", "Dudley Q1", "Coventry Q3", "Dudley suggested"}),
        ("sub_regional_lead", {"Dudley Q3", "Dudley Q1", "Coventry Q3", "Dudley suggested"}),
        ("foreign_programme_manager", {"Camden Q3"}),
    ],
)
def test_each_role_sees_only_its_part_of_the_register(request, client_for, records, person, expected):
    response = client_for(request.getfixturevalue(person)).get(REGISTER)

    assert response.status_code == 200
    assert _descriptions(response) == expected


@pytest.mark.parametrize("person", ["msp_viewer", "msp_uploader", "agency_contact", "nobody"])
def test_msps_agencies_and_people_without_a_role_have_no_register(request, client_for, records, person):
    client = client_for(request.getfixturevalue(person))
    assert client.get(REGISTER).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.get(reverse("breaches:register-detail", args=[records["dudley_q3"].pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(REGISTER).status_code == 302


@pytest.mark.parametrize(
    ("person", "record", "status"),
    [
        ("workforce_lead", "dudley_q3", 200),
        ("workforce_lead", "coventry", 404),
        ("workforce_lead", "suggested", 404),
        ("programme_manager", "suggested", 200),
        ("programme_manager", "camden", 404),
        ("foreign_programme_manager", "camden", 200),
    ],
)
def test_detail_page_is_scoped(request, client_for, records, person, record, status):
    url = reverse("breaches:register-detail", args=[records[record].pk])
    assert client_for(request.getfixturevalue(person)).get(url).status_code == status


def test_navigation_shows_the_register_to_la_and_region_staff_only(client_for, workforce_lead, msp_viewer):
    assert "Breach register" in client_for(workforce_lead).get(reverse("home")).text
    assert "Breach register" not in client_for(msp_viewer).get(reverse("home")).text


# --- Filters and CSV ---


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"quarter": "2026-Q3"}, {"Dudley Q3", "Coventry Q3"}),
        ({"quarter": "2026-Q1"}, {"Dudley Q1"}),
        ({"local_authority": "dudley"}, {"Dudley Q3", "Dudley Q1", "Dudley suggested"}),
        ({"breach_type": "cool_off"}, {"Dudley Q1"}),
        ({"permission": "without", "status": "confirmed"}, {"Dudley Q3", "Dudley Q1", "Coventry Q3"}),
        ({"permission": "with"}, set()),
        ({"status": "suggested"}, {"Dudley suggested"}),
        ({"region": "west-midlands"}, {"Dudley Q3", "Dudley Q1", "Coventry Q3", "Dudley suggested"}),
    ],
)
def test_register_filters(client_for, programme_manager, records, query, expected):
    response = client_for(programme_manager).get(REGISTER, query)

    assert _descriptions(response) == expected


def test_a_filter_outside_your_register_is_an_error_not_a_leak(client_for, programme_manager, records):
    response = client_for(programme_manager).get(REGISTER, {"region": "london"})

    assert "There is a problem" in response.text and _descriptions(response) == set()


def test_csv_export_has_the_filtered_rows(client_for, programme_manager, records):
    response = client_for(programme_manager).get(EXPORT, {"quarter": "2026-Q3", "local_authority": "dudley"})

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Region", "Local authority", "LA code", "Date"]
    assert [(r[1], r[4], r[12]) for r in rows[1:]] == [("Dudley", "2026-Q3", "Dudley Q3")]


def test_csv_export_defuses_spreadsheet_formulas(client_for, workforce_lead, la):
    BreachRecordFactory(local_authority=la, reason='=HYPERLINK("http://evil")')

    body = b"".join(client_for(workforce_lead).get(EXPORT).streaming_content).decode()

    assert "'=HYPERLINK" in body


def test_csv_export_is_scoped_like_the_page(client_for, workforce_lead, records):
    body = b"".join(client_for(workforce_lead).get(EXPORT).streaming_content).decode()

    assert "Dudley Q3" in body and "Coventry" not in body and "Camden" not in body and "suggested" not in body


# --- Recording ---


def _post_record(la, **overrides):
    return {
        "local_authority": la.pk,
        "breach_type": "pay_rate",
        **date_boxes("occurred_on", date(2026, 8, 14)),
        "description": "Social worker at £41 an hour.",
        "reason": "No one else available.",
        "actions_taken": "Rate reduced to the cap.",
        "prevents_repeat": "yes",
        **overrides,
    }


def test_workforce_lead_records_a_breach(client_for, workforce_lead, la):
    response = client_for(workforce_lead).post(reverse("breaches:register-create"), _post_record(la))

    record = BreachRecord.objects.get()
    assert response.status_code == 302 and response.url == reverse("breaches:register-detail", args=[record.pk])
    assert record.occurred_on == date(2026, 8, 14) and not record.with_permission


def test_recording_with_an_approved_request_shows_with_permission(client_for, workforce_lead, la):
    approved = approved_breach_request(la)
    client = client_for(workforce_lead)

    response = client.post(
        reverse("breaches:register-create"), _post_record(la, breach_request=approved.pk), follow=True
    )

    assert "With permission" in response.text and approved.reference in response.text


def test_another_las_request_is_not_even_offered(client_for, workforce_lead, la, second_la):
    theirs = approved_breach_request(second_la)

    response = client_for(workforce_lead).post(
        reverse("breaches:register-create"), _post_record(la, breach_request=theirs.pk)
    )

    assert response.status_code == 200 and "There is a problem" in response.text
    assert not BreachRecord.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": ""}, "Enter the reason for the breach"),
        ({"actions_taken": ""}, "Enter the actions taken"),
        ({"occurred_on_day": "31", "occurred_on_month": "2"}, "The date the breach happened must be a real date"),
        (date_boxes("occurred_on", None), "Enter the date the breach happened"),
        ({"breach_type": ""}, "Select what was breached"),
        ({"hourly_rate": "lots"}, "Enter the hourly rate in pounds"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(client_for, workforce_lead, la, overrides, message):
    response = client_for(workforce_lead).post(reverse("breaches:register-create"), _post_record(la, **overrides))

    assert response.status_code == 200 and "There is a problem" in response.text and message in response.text
    assert not BreachRecord.objects.exists() and not AuditRecord.objects.exists()


def test_a_future_date_is_refused_by_the_service_and_shown_on_the_field(client_for, workforce_lead, la):
    tomorrow = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = client_for(workforce_lead).post(
        reverse("breaches:register-create"), _post_record(la, **date_boxes("occurred_on", tomorrow))
    )

    assert 'href="#id_occurred_on_0">The date the breach happened must be today or in the past.' in response.text
    assert not BreachRecord.objects.exists()


@pytest.mark.parametrize("person", ["la_viewer", "dcs", "riia_member", "msp_viewer", "nobody"])
def test_people_who_cannot_record_are_refused(request, client_for, la, person):
    client = client_for(request.getfixturevalue(person))
    assert client.get(reverse("breaches:register-create")).status_code == 403
    assert client.post(reverse("breaches:register-create"), _post_record(la)).status_code == 403
    assert not BreachRecord.objects.exists()


def test_workforce_lead_cannot_record_for_another_la(client_for, workforce_lead, second_la):
    response = client_for(workforce_lead).post(reverse("breaches:register-create"), _post_record(second_la))

    assert "Select a valid choice" in response.text and not BreachRecord.objects.exists()


def test_updating_actions_and_who_may(client_for, workforce_lead, la_viewer, la):
    record = BreachRecordFactory(local_authority=la)
    url = reverse("breaches:register-actions", args=[record.pk])

    assert client_for(la_viewer).post(url, {"actions_taken": "x", "prevents_repeat": "yes"}).status_code == 403
    response = client_for(workforce_lead).post(url, {"actions_taken": "Hired two", "prevents_repeat": "partly"})

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.actions_taken == "Hired two" and record.prevents_repeat == "partly"


def test_get_never_writes(client_for, programme_manager, records):
    client = client_for(programme_manager)
    suggested = records["suggested"]
    for name in ("register-detail", "register-dismiss", "register-actions"):
        client.get(reverse(f"breaches:{name}", args=[suggested.pk]))
    assert client.get(reverse("breaches:register-confirm", args=[suggested.pk])).status_code == 405
    suggested.refresh_from_db()
    assert suggested.status == "suggested" and not AuditRecord.objects.exists()


def test_programme_manager_confirms_and_dismisses_suggestions(client_for, programme_manager, workforce_lead, la):
    first = BreachRecordFactory(local_authority=la, source="suggested", status="suggested", source_reference="r1")
    second = BreachRecordFactory(local_authority=la, source="suggested", status="suggested", source_reference="r2")
    pm = client_for(programme_manager)

    pm.post(reverse("breaches:register-confirm", args=[first.pk]))
    response = pm.post(reverse("breaches:register-dismiss", args=[second.pk]), {"reason": ""})
    assert "Enter why this is not a breach" in response.text
    pm.post(reverse("breaches:register-dismiss", args=[second.pk]), {"reason": "Covered by an exemption"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "dismissed")


def test_workforce_lead_cannot_confirm(client_for, workforce_lead, la):
    record = BreachRecordFactory(local_authority=la, source="suggested", status="suggested", source_reference="r1")
    client_for(workforce_lead).post(reverse("breaches:register-confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "suggested"


# --- Sanctions and the fund pages ---


@pytest.fixture
def fine(region, la, records):
    policy = SanctionPolicyFactory(region=region)
    return SanctionFactory(policy=policy, local_authority=la, breach_records=[records["dudley_q3"]])


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("programme_manager", 200),
        ("riia_member", 200),
        ("workforce_lead", 200),
        ("la_viewer", 200),
        ("second_la_lead", 404),
        ("foreign_programme_manager", 404),
        ("msp_viewer", 404),
        ("agency_contact", 404),
    ],
)
def test_sanction_is_seen_by_region_staff_and_the_sanctioned_la(request, client_for, fine, person, status):
    response = client_for(request.getfixturevalue(person)).get(reverse("breaches:sanction-detail", args=[fine.pk]))
    assert response.status_code == status


def test_an_msp_sees_its_own_sanction(client_for, region, msp, msp_viewer, records):
    policy = SanctionPolicyFactory(region=region, name="Warning", kind="warning", default_amount=None)
    warning = SanctionFactory(policy=policy, msp=msp, amount=None, breach_records=[records["dudley_q3"]])

    response = client_for(msp_viewer).get(reverse("breaches:sanction-list"))

    assert list(response.context["page"].object_list) == [warning]


def test_issuing_goes_through_check_your_answers(client_for, programme_manager, region, la, records):
    policy = SanctionPolicyFactory(region=region)
    url = reverse("breaches:sanction-issue", args=[region.slug])
    data = {
        "policy": policy.pk,
        "local_authority": la.pk,
        "breach_records": [records["dudley_q3"].pk],
        "reason": "Without permission",
    }
    client = client_for(programme_manager)

    check = client.post(url, data)
    assert "Check your answers" in check.text and "£250.00" in check.text and not Sanction.objects.exists()

    response = client.post(url, {**data, "confirm": "1"})
    sanction = Sanction.objects.get()
    assert response.url == reverse("breaches:sanction-detail", args=[sanction.pk])
    assert sanction.amount == Decimal("250.00")


@pytest.mark.parametrize(
    ("targets", "message"),
    [({}, "Choose one local authority, MSP or agency"), ({"msp": "msp"}, None)],
)
def test_issuing_with_no_target_or_two_targets_is_refused(
    request, client_for, programme_manager, region, la, records, targets, message
):
    policy = SanctionPolicyFactory(region=region)
    data = {"policy": policy.pk, "breach_records": [records["dudley_q3"].pk], "reason": "r", "confirm": "1"}
    if targets:
        data.update(local_authority=la.pk, msp=request.getfixturevalue("msp").pk)
    response = client_for(programme_manager).post(reverse("breaches:sanction-issue", args=[region.slug]), data)

    assert "Choose one local authority, MSP or agency to sanction." in response.text
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("person", ["foreign_programme_manager", "riia_member", "workforce_lead"])
def test_only_the_programme_manager_reaches_sanction_forms(request, client_for, region, fine, person):
    client = client_for(request.getfixturevalue(person))
    for url in (
        reverse("breaches:sanction-issue", args=[region.slug]),
        reverse("breaches:sanction-policy-create", args=[region.slug]),
        reverse("breaches:fund-spend", args=[region.slug]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(
        reverse("breaches:sanction-paid", args=[fine.pk]), date_boxes("paid_on", "2026-01-01")
    ).status_code in (
        403,
        404,
    )
    fine.refresh_from_db()
    assert fine.status == "issued"


def test_marking_paid_then_paying_twice_shows_a_message(client_for, programme_manager, region, fine):
    client = client_for(programme_manager)
    url = reverse("breaches:sanction-paid", args=[fine.pk])
    today = date_boxes("paid_on", timezone.localdate())

    assert client.post(url, today).status_code == 302
    response = client.post(url, today)

    assert "This sanction is already paid." in response.text and TrainingFundEntry.objects.count() == 1
    ledger = client.get(reverse("breaches:fund-ledger", args=[region.slug]))
    assert "£250.00" in ledger.text


def test_spending_more_than_the_balance_is_shown_on_the_amount(client_for, programme_manager, region):
    response = client_for(programme_manager).post(
        reverse("breaches:fund-spend", args=[region.slug]),
        {"amount": "50.00", "description": "Training", **date_boxes("occurred_on", timezone.localdate())},
    )

    assert 'href="#id_amount">You cannot spend £50.00: the training fund holds £0.00.' in response.text
    assert not TrainingFundEntry.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("programme_manager", 200),
        ("workforce_lead", 200),
        ("msp_viewer", 200),
        ("foreign_lead", 403),
        ("agency_contact", 403),
        ("nobody", 403),
    ],
)
def test_fund_ledger_is_readable_by_region_members_only(request, client_for, region, person, status):
    response = client_for(request.getfixturevalue(person)).get(reverse("breaches:fund-ledger", args=[region.slug]))
    assert response.status_code == status


def test_fund_ledger_of_an_unknown_region_is_not_found(client_for, programme_manager):
    response = client_for(programme_manager).get(reverse("breaches:fund-ledger", args=["atlantis"]))
    assert response.status_code == 404


def test_a_malformed_quarter_is_reported(client_for, programme_manager, records):
    response = client_for(programme_manager).get(REGISTER, {"quarter": "Q3 2026"})

    assert "Enter a quarter like 2026-Q3" in response.text and _descriptions(response) == set()


def test_an_old_quarter_in_the_address_still_filters(client_for, programme_manager, la):
    BreachRecordFactory(local_authority=la, occurred_on=date(2019, 5, 1), description="Old")

    assert _descriptions(client_for(programme_manager).get(REGISTER, {"quarter": "2019-Q2"})) == {"Old"}


def test_ledger_shows_every_running_balance_in_pounds_and_pence(client_for, programme_manager, region, fine):
    client = client_for(programme_manager)
    client.post(reverse("breaches:sanction-paid", args=[fine.pk]), date_boxes("paid_on", timezone.localdate()))
    client.post(
        reverse("breaches:fund-spend", args=[region.slug]),
        {"amount": "120.00", "description": "Court skills day", **date_boxes("occurred_on", timezone.localdate())},
    )

    ledger = client.get(reverse("breaches:fund-ledger", args=[region.slug])).text

    assert ledger.count("£250.00") == 2  # paid in, and the balance after it
    assert ledger.count("£130.00") == 2  # the balance panel, and the balance after the spend
