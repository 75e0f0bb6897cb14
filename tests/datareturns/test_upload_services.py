"""The placement upload service: all or nothing, exactly once, flags, history, breach suggestions."""

from datetime import date
from decimal import Decimal

import pytest

from breaches.models import BreachRecord
from datareturns.models import Flag, Placement, PlacementVersion, Upload
from datareturns.services import UploadInProgress, UploadKeyReused, UploadRejected, UploadSource, UploadTooLarge
from riia.models import Agency, AuditRecord, Notification
from tests.breaches.factories import decided_request
from tests.datareturns.conftest import HEADER, csv_body, row, send
from tests.rates.factories import ExemptionFactory, core_grade

pytestmark = pytest.mark.django_db


def test_valid_upload_stores_every_row_with_one_audit_record(msp_source, la_code, social_worker_cap):
    answer = send(msp_source, csv_body(row("A-1", la_code), row("A-2", la_code, worker="SW100002")))

    assert answer.status == 201
    assert answer.body["rows"] == 2 and answer.body["created"] == 2 and answer.body["updated"] == 0
    assert Placement.objects.count() == 2
    assert AuditRecord.objects.filter(action="placements.uploaded").count() == 1


def test_registration_number_is_stored_only_as_a_keyed_hash(msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, worker="SW100001")))

    placement = Placement.objects.get()
    assert "100001" not in placement.worker_hash and len(placement.worker_hash) == 64
    assert "SW100001" not in str(AuditRecord.objects.values_list("after", flat=True)[0])


def test_one_bad_row_stores_nothing_and_names_row_field_and_value(msp_source, la_code, social_worker_cap):
    body = csv_body(row("A-1", la_code), row("A-2", la_code, pay='"45,50"'))

    with pytest.raises(UploadRejected) as refused:
        send(msp_source, body)

    assert refused.value.errors == [
        {
            "row": 3,
            "field": "hourly_pay_rate",
            "value": "45,50",
            "message": "The hourly pay rate is not a valid amount: use a point for pence, like 45.50, not a comma.",
        }
    ]
    assert Placement.objects.count() == 0 and Upload.objects.count() == 0 and Agency.objects.count() == 0


@pytest.mark.parametrize(
    ("pay", "flag"),
    [("34.99", None), ("35.00", None), ("35.01", Flag.ABOVE_CAP_UNAUTHORISED)],
)
def test_cap_flag_just_under_at_and_just_over(msp_source, la_code, social_worker_cap, pay, flag):
    send(msp_source, csv_body(row("A-1", la_code, pay=pay, charge="50.00")))

    placement = Placement.objects.get()
    assert placement.flags == ([flag] if flag else [])


def test_above_cap_explanation_names_rate_cap_role_and_date(msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, pay="47.00", charge="60.00", start="2026-06-03")))

    explanation = Placement.objects.get().explanations[Flag.ABOVE_CAP_UNAUTHORISED]
    assert explanation == (
        "Paid £47.00 an hour; the West Midlands cap for a social worker on 3 June 2026 is £35.00; "
        "no approved breach request covers it."
    )


def test_live_exemption_raises_the_allowed_rate(msp_source, la, la_code, social_worker_cap):
    ExemptionFactory(local_authority=la, role_grade=core_grade(), hourly_rate=Decimal("40.00"))

    send(
        msp_source,
        csv_body(
            row("A-1", la_code, pay="39.00", start="2026-06-01"),
            row("A-2", la_code, worker="SW2", pay="41.00", charge="55", start="2026-06-01"),
        ),
    )

    flags = dict(Placement.objects.values_list("assignment_id", "flag_above_cap_unauthorised"))
    assert flags == {"A-1": False, "A-2": True}


def test_covering_approved_request_authorises_and_a_non_covering_one_does_not(
    msp_source, la, la_code, social_worker_cap
):
    approved = decided_request(
        la, proposed_rate=Decimal("40.00"), contract_start=date(2026, 5, 1), contract_end=date(2026, 10, 31)
    )

    send(
        msp_source,
        csv_body(
            row("A-1", la_code, pay="39.00", start="2026-06-01"),
            row("A-2", la_code, worker="SW2", pay="41.00", charge="55", start="2026-06-01"),
        ),
    )

    one, two = Placement.objects.order_by("assignment_id")
    assert one.flags == [Flag.ABOVE_CAP_AUTHORISED] and one.breach_request_id == approved.pk
    assert two.flags == [Flag.ABOVE_CAP_UNAUTHORISED]


def test_citing_a_request_that_does_not_cover_the_rate_says_why(msp_source, la, la_code, social_worker_cap):
    approved = decided_request(la, proposed_rate=Decimal("40.00"))
    header = HEADER + ",breach_request_reference"

    send(msp_source, csv_body(row("A-1", la_code, pay="42.00", charge="55") + f",{approved.reference}", header=header))

    explanation = Placement.objects.get().explanations[Flag.ABOVE_CAP_UNAUTHORISED]
    assert f"{approved.reference} allows up to £40.00 an hour" in explanation


def test_no_cap_in_force_is_stored_with_its_flag(msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, start="2026-03-31")))

    assert Placement.objects.get().flags == [Flag.NO_CAP_IN_FORCE]


def test_pqe_under_three_years(msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, pqe="2.9"), row("A-2", la_code, worker="SW2", pqe="3")))

    flags = dict(Placement.objects.values_list("assignment_id", "flag_pqe_under_3_years"))
    assert flags == {"A-1": True, "A-2": False}


def test_same_key_and_body_returns_the_first_answer_and_stores_nothing_more(msp_source, la_code, social_worker_cap):
    body = csv_body(row("A-1", la_code))
    first = send(msp_source, body, key="key-1")

    again = send(msp_source, body, key="key-1")

    assert again.status == 201 and again.body == first.body
    assert Upload.objects.count() == 1 and Placement.objects.count() == 1


def test_same_key_with_a_different_body_is_refused(msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code)), key="key-1")

    with pytest.raises(UploadKeyReused):
        send(msp_source, csv_body(row("A-2", la_code)), key="key-1")


def test_same_key_while_processing_is_409(msp_source, la_code, social_worker_cap):
    body = csv_body(row("A-1", la_code))
    send(msp_source, body, key="key-1")
    Upload.objects.update(status=Upload.Status.PROCESSING)

    with pytest.raises(UploadInProgress):
        send(msp_source, body, key="key-1")


def test_identical_body_without_key_is_stored_once(msp_source, la_code, social_worker_cap):
    body = csv_body(row("A-1", la_code))
    first = send(msp_source, body)

    again = send(msp_source, body)

    assert again.status == 200 and again.body["duplicate_of"] == first.body["id"]
    assert Upload.objects.count() == 1


def test_repeated_assignment_updates_and_keeps_history(msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, hours="37")))

    answer = send(msp_source, csv_body(row("A-1", la_code, hours="30")))

    assert answer.body["created"] == 0 and answer.body["updated"] == 1
    placement = Placement.objects.get()
    assert placement.hours_per_week == Decimal("30")
    assert PlacementVersion.objects.get().hours_per_week == Decimal("37")


def test_breach_suggested_once_however_often_the_placement_is_reuploaded(
    msp_source, la_code, social_worker_cap, workforce_lead, programme_manager
):
    send(msp_source, csv_body(row("A-1", la_code, pay="40.00", charge="55")))
    send(msp_source, csv_body(row("A-1", la_code, pay="40.50", charge="55")))

    record = BreachRecord.objects.get()
    assert record.status == BreachRecord.Status.SUGGESTED and record.source_reference.endswith(":A-1")


def test_lead_and_programme_manager_told_once_per_upload_per_la(
    msp_source, la_code, social_worker_cap, workforce_lead, programme_manager
):
    send(
        msp_source,
        csv_body(
            row("A-1", la_code, pay="40.00", charge="55"), row("A-2", la_code, worker="SW2", pay="41.00", charge="55")
        ),
    )

    assert Notification.objects.filter(recipient=workforce_lead).count() == 1
    assert Notification.objects.filter(recipient=programme_manager).count() == 1


def test_row_for_an_la_the_msp_does_not_serve_is_a_row_error(msp_source, second_la, social_worker_cap):
    with pytest.raises(UploadRejected) as refused:
        send(msp_source, csv_body(row("A-1", second_la.old_code)))

    assert refused.value.errors[0]["field"] == "la_code"
    assert "does not serve" in refused.value.errors[0]["message"]


def test_duplicate_assignment_in_one_upload_is_refused(msp_source, la_code, social_worker_cap):
    with pytest.raises(UploadRejected) as refused:
        send(msp_source, csv_body(row("A-1", la_code), row("A-1", la_code, worker="SW2")))

    assert refused.value.errors[0]["row"] == 3 and "already in row 2" in refused.value.errors[0]["message"]


def test_too_many_rows_is_413_and_stores_nothing(msp_source, la_code, social_worker_cap, settings):
    settings.DATARETURNS_UPLOAD_MAX_ROWS = 2

    with pytest.raises(UploadTooLarge):
        send(msp_source, csv_body(*(row(f"A-{n}", la_code, worker=f"SW{n}") for n in range(3))))

    assert Upload.objects.count() == 0


def test_header_only_is_refused(msp_source, social_worker_cap):
    with pytest.raises(UploadRejected) as refused:
        send(msp_source, csv_body())

    assert refused.value.errors[0]["message"] == "The file has no placements."


def test_project_team_above_an_earlier_individual_rate_is_repricing(msp_source, la_code, social_worker_cap):
    send(
        msp_source,
        csv_body(
            row("A-1", la_code, worker="SW7", pay="34.00", start="2026-05-01"),
            row("A-2", la_code, worker="SW7", pay="34.50", start="2026-07-01", project_team="true"),
            row("A-3", la_code, worker="SW8", pay="34.50", start="2026-07-01", project_team="true"),
        ),
    )

    flags = dict(Placement.objects.values_list("assignment_id", "flag_project_team_repricing"))
    assert flags == {"A-1": False, "A-2": True, "A-3": False}


def test_earlier_individual_placement_from_an_earlier_upload_counts(msp_source, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, worker="SW7", pay="34.00", start="2026-05-01")))

    send(msp_source, csv_body(row("A-2", la_code, worker="SW7", pay="34.50", start="2026-07-01", project_team="true")))

    assert Placement.objects.get(assignment_id="A-2").flag_project_team_repricing


def test_later_upload_of_an_earlier_individual_placement_flags_the_stored_project_team(
    msp_source, la_code, social_worker_cap
):
    send(msp_source, csv_body(row("A-2", la_code, worker="SW7", pay="34.50", start="2026-07-01", project_team="true")))

    send(msp_source, csv_body(row("A-1", la_code, worker="SW7", pay="34.00", start="2026-05-01")))

    assert Placement.objects.get(assignment_id="A-2").flag_project_team_repricing


LEAVERS = "la_code,worker_registration,leave_date,leave_reason"


@pytest.mark.parametrize(
    ("start", "reason", "flagged"),
    [
        ("2027-02-28", "resigned", True),  # a day inside 12 months from 28 February 2026... see below
        ("2027-03-01", "resigned", False),  # exactly 12 months later: outside
        ("2027-02-28", "redundancy", False),  # an exception reason
    ],
)
def test_cool_off_inside_outside_and_exception(msp_source, la, la_code, social_worker_cap, start, reason, flagged):
    send(UploadSource(local_authority=la), f"{LEAVERS}\n{la_code},SW9,2026-03-01,{reason}\n".encode(), leavers=True)

    send(msp_source, csv_body(row("A-1", la_code, worker="SW9", start=start)))

    assert Placement.objects.get().flag_cool_off is flagged


def test_leavers_upload_rechecks_stored_placements(msp_source, la, la_code, social_worker_cap):
    send(msp_source, csv_body(row("A-1", la_code, worker="SW9", start="2026-06-01")))

    answer = send(
        UploadSource(local_authority=la), f"{LEAVERS}\n{la_code},SW9,2026-03-01,resigned\n".encode(), leavers=True
    )

    assert answer.body["placements_rechecked"] == 1
    placement = Placement.objects.get()
    assert placement.flag_cool_off
    assert placement.explanations[Flag.COOL_OFF] == (
        "This worker left a permanent post in West Midlands within the cool-off period; they may be engaged as "
        "agency from 1 March 2027."
    )


def test_leaver_at_another_la_of_the_region_counts(msp_source, la_code, second_la, social_worker_cap):
    send(
        UploadSource(local_authority=second_la),
        f"{LEAVERS}\n{second_la.old_code},SW9,2026-03-01,resigned\n".encode(),
        leavers=True,
    )

    send(msp_source, csv_body(row("A-1", la_code, worker="SW9", start="2026-06-01")))

    assert Placement.objects.get().flag_cool_off


def test_an_la_sends_leavers_only_for_itself(la, second_la):
    with pytest.raises(UploadRejected) as refused:
        send(
            UploadSource(local_authority=la),
            f"{LEAVERS}\n{second_la.old_code},SW9,2026-03-01,resigned\n".encode(),
            leavers=True,
        )

    assert "only for" in refused.value.errors[0]["message"]


def test_a_region_can_change_its_cool_off_exceptions(msp_source, region, la, la_code, social_worker_cap):
    region.cool_off_exceptions = []
    region.save(update_fields=["cool_off_exceptions"])
    send(UploadSource(local_authority=la), f"{LEAVERS}\n{la_code},SW9,2026-03-01,redundancy\n".encode(), leavers=True)

    send(msp_source, csv_body(row("A-1", la_code, worker="SW9", start="2026-06-01")))

    assert Placement.objects.get().flag_cool_off


def test_a_local_grade_of_another_region_is_refused_by_name(msp_source, la_code, other_region, social_worker_cap):
    from tests.rates.factories import RoleGradeFactory

    RoleGradeFactory(region=other_region, code="london-practice-lead")

    with pytest.raises(UploadRejected) as refused:
        send(msp_source, csv_body(row("A-1", la_code, role="london-practice-lead")))

    assert (
        refused.value.errors[0]["message"]
        == "london-practice-lead is a local grade of another region, not West Midlands."
    )
