"""Quarterly returns: each transition allowed and refused, lock and reopen, figures against a small
hand-computed set, late status, reminders (once each) and the export's columns."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from datareturns import signals
from datareturns.models import ComplianceRule, QuarterlyReturn, ReturnReminder, ReturnStatus
from datareturns.selectors_returns import (
    RETURN_PLACEMENT_HEADER,
    SUMMARY_HEADER,
    default_due_date,
    figures_for,
    region_quarter,
    return_export_zip,
    status_of,
)
from datareturns.services_returns import (
    ComplianceEntry,
    ReturnDetails,
    RoleEntry,
    return_due_date_set,
    return_remind,
    return_reminders_send,
    return_reopen,
    return_sign_off,
    return_start,
    return_submit,
    return_update,
)
from rates.models import CoreJobType
from riia.errors import DomainError
from riia.models import AuditRecord, Notification
from tests.datareturns.conftest import csv_body, row, send
from tests.rates.factories import core_grade

pytestmark = pytest.mark.django_db

QUARTER = "2026-Q2"  # 1 April to 30 June 2026


@pytest.fixture(autouse=True)
def _social_worker_grade(db):
    core_grade()


def complete_details(**overrides) -> ReturnDetails:
    roles = {core: RoleEntry(Decimal("10"), Decimal("1"), 0, 0) for core in CoreJobType.values}
    roles[CoreJobType.SOCIAL_WORKER] = RoleEntry(Decimal("7.5"), Decimal("2"), 1, 3)
    compliance = {rule: ComplianceEntry(True) for rule in ComplianceRule.values}
    compliance[ComplianceRule.COOL_OFF] = ComplianceEntry(False, "One worker came back within 12 months.")
    values = {"roles": roles, "compliance": compliance, "narrative": "Agency use fell after two conversions."}
    values.update(overrides)
    return ReturnDetails(**values)


@pytest.fixture
def in_progress(la, workforce_lead):
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)
    return return_update(actor=workforce_lead, quarterly_return=quarterly_return, details=complete_details())


@pytest.fixture
def awaiting(in_progress, workforce_lead):
    return return_submit(actor=workforce_lead, quarterly_return=in_progress)


@pytest.fixture
def signed_off(awaiting, dcs, programme_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return return_sign_off(actor=dcs, quarterly_return=awaiting)


# --- Transitions: allowed and refused --------------------------------------------------------------

OTHERS = ["dcs", "chief_executive", "la_viewer", "programme_manager", "second_la_lead", "foreign_lead", "riia_member"]


def test_the_workforce_lead_starts_the_return_with_a_row_per_role_and_rule(la, workforce_lead):
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)

    assert quarterly_return.status == ReturnStatus.IN_PROGRESS
    assert quarterly_return.role_figures.count() == len(CoreJobType.values)
    assert quarterly_return.compliance.count() == len(ComplianceRule.values)
    assert AuditRecord.objects.filter(action="quarterly_return.started").exists()


@pytest.mark.parametrize("person", OTHERS)
def test_only_the_workforce_lead_starts_the_return(request, la, person):
    with pytest.raises(DomainError):
        return_start(actor=request.getfixturevalue(person), local_authority=la, quarter=QUARTER)
    assert not QuarterlyReturn.objects.exists()


def test_a_quarter_that_has_not_begun_cannot_be_started(la, workforce_lead):
    later = timezone.localdate().year + 1
    with pytest.raises(DomainError, match="before the quarter begins"):
        return_start(actor=workforce_lead, local_authority=la, quarter=f"{later}-Q4")


@pytest.mark.parametrize("person", OTHERS)
def test_only_the_workforce_lead_changes_the_return(request, in_progress, person):
    with pytest.raises(DomainError):
        return_update(
            actor=request.getfixturevalue(person),
            quarterly_return=in_progress,
            details=complete_details(narrative="Changed"),
        )
    in_progress.refresh_from_db()
    assert in_progress.narrative == "Agency use fell after two conversions."


def test_submitting_sends_it_to_the_dcs(dcs, workforce_lead, awaiting):
    assert awaiting.status == ReturnStatus.AWAITING_SIGN_OFF
    assert awaiting.submitted_by == workforce_lead
    assert Notification.objects.filter(recipient=dcs, subject__contains="waiting for your sign-off").exists()


@pytest.mark.parametrize("person", OTHERS)
def test_only_the_workforce_lead_submits(request, in_progress, person):
    with pytest.raises(DomainError):
        return_submit(actor=request.getfixturevalue(person), quarterly_return=in_progress)
    in_progress.refresh_from_db()
    assert in_progress.status == ReturnStatus.IN_PROGRESS


def test_a_return_with_missing_answers_is_not_submitted(la, workforce_lead):
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)

    with pytest.raises(DomainError, match="Enter the employed FTE"):
        return_submit(actor=workforce_lead, quarterly_return=quarterly_return)


def test_a_rule_not_complied_with_needs_a_reason(la, workforce_lead):
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)
    compliance = {rule: ComplianceEntry(True) for rule in ComplianceRule.values}
    compliance[ComplianceRule.PQE] = ComplianceEntry(False, "")
    return_update(
        actor=workforce_lead, quarterly_return=quarterly_return, details=complete_details(compliance=compliance)
    )

    with pytest.raises(DomainError, match="why you did not comply"):
        return_submit(actor=workforce_lead, quarterly_return=quarterly_return)


def test_the_dcs_signs_off_and_locks_it(dcs, workforce_lead, programme_manager, signed_off):
    assert signed_off.status == ReturnStatus.SIGNED_OFF
    assert signed_off.signed_off_by == dcs and signed_off.signed_off_at is not None
    assert Notification.objects.filter(recipient=workforce_lead, subject__contains="is signed off").exists()
    assert Notification.objects.filter(recipient=programme_manager, subject__contains="is signed off").exists()
    with pytest.raises(DomainError, match="signed off"):
        return_update(actor=workforce_lead, quarterly_return=signed_off, details=complete_details(narrative="x"))


@pytest.mark.parametrize(
    "person", ["workforce_lead", "chief_executive", "la_viewer", "programme_manager", "foreign_lead"]
)
def test_only_the_dcs_signs_off(request, awaiting, person):
    with pytest.raises(DomainError):
        return_sign_off(actor=request.getfixturevalue(person), quarterly_return=awaiting)
    awaiting.refresh_from_db()
    assert awaiting.status == ReturnStatus.AWAITING_SIGN_OFF


def test_a_return_in_progress_cannot_be_signed_off(in_progress, dcs):
    with pytest.raises(DomainError, match="in progress"):
        return_sign_off(actor=dcs, quarterly_return=in_progress)


def test_sign_off_sends_the_dashboards_signal_on_commit(awaiting, dcs, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, la_id, return_id, **kwargs):
        received.append((la_id, return_id))

    signals.return_signed_off.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            return_sign_off(actor=dcs, quarterly_return=awaiting)
        assert received == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.return_signed_off.disconnect(listener)
    assert received == [(awaiting.local_authority_id, awaiting.pk)]


def test_changing_a_return_awaiting_sign_off_takes_it_back_to_in_progress(awaiting, workforce_lead):
    changed = return_update(actor=workforce_lead, quarterly_return=awaiting, details=complete_details(narrative="New"))

    assert changed.status == ReturnStatus.IN_PROGRESS
    assert changed.submitted_at is None


def test_the_programme_manager_reopens_with_a_reason_and_the_lead_and_dcs_are_told(
    signed_off, programme_manager, workforce_lead, dcs
):
    reopened = return_reopen(actor=programme_manager, quarterly_return=signed_off, reason="The leavers were wrong.")

    assert reopened.status == ReturnStatus.IN_PROGRESS
    assert reopened.signed_off_at is None
    assert reopened.reopenings.get().reason == "The leavers were wrong."
    audit = AuditRecord.objects.get(action="quarterly_return.reopened")
    assert audit.after["reason"] == "The leavers were wrong." and audit.before["status"] == ReturnStatus.SIGNED_OFF
    for person in (workforce_lead, dcs):
        assert Notification.objects.filter(recipient=person, subject__contains="was reopened").exists()
    # Unlocked: the lead changes it again.
    return_update(actor=workforce_lead, quarterly_return=reopened, details=complete_details(narrative="Fixed"))


def test_reopening_needs_a_reason(signed_off, programme_manager):
    with pytest.raises(DomainError, match="Enter why"):
        return_reopen(actor=programme_manager, quarterly_return=signed_off, reason="  ")


@pytest.mark.parametrize(
    "person", ["workforce_lead", "dcs", "chief_executive", "la_viewer", "foreign_programme_manager", "riia_member"]
)
def test_only_the_regions_programme_manager_reopens(request, signed_off, person):
    with pytest.raises(DomainError):
        return_reopen(actor=request.getfixturevalue(person), quarterly_return=signed_off, reason="Because")
    signed_off.refresh_from_db()
    assert signed_off.status == ReturnStatus.SIGNED_OFF


def test_a_return_not_signed_off_cannot_be_reopened(awaiting, programme_manager):
    with pytest.raises(DomainError, match="awaiting sign-off"):
        return_reopen(actor=programme_manager, quarterly_return=awaiting, reason="Because")


# --- Figures against a hand-computed set -----------------------------------------------------------


@pytest.fixture
def placements(msp_source, la_code):
    """Q2 2026 is 1 April to 30 June.
    A starts on the quarter's last day (37 h at £50): 1 day of June.
    B ends on the quarter's first day (18.5 h at £60): 1 day of April.
    C runs 1 March to 31 May (37 h at £40): all of April and May.
    D starts after the quarter; E ends before it (both out)."""
    body = csv_body(
        row("A", la_code, worker="SW1", charge="50.00", start="2026-06-30", hours="37"),
        row("B", la_code, worker="SW2", charge="60.00", start="2026-01-15", end="2026-04-01", hours="18.5"),
        row("C", la_code, worker="SW3", charge="40.00", start="2026-03-01", end="2026-05-31", hours="37"),
        row("D", la_code, worker="SW4", charge="45.00", start="2026-07-01", hours="37"),
        row("E", la_code, worker="SW5", charge="45.00", start="2026-02-01", end="2026-03-31", hours="18.5"),
    )
    return send(msp_source, body)


def test_figures_match_the_hand_computed_set(la, placements, in_progress):
    figures = figures_for(local_authority=la, quarter=QUARTER, quarterly_return=in_progress)

    assert figures.placements == 3  # A, B, C
    assert figures.agency_fte == Decimal("2.50")  # (37 + 18.5 + 37) / 37
    # April: B 60×18.5×1/7 + C 40×37×30/7; May: C 40×37×31/7; June: A 50×37×1/7.
    assert figures.monthly_cost == [
        ("April 2026", Decimal("6501.43")),
        ("May 2026", Decimal("6554.29")),
        ("June 2026", Decimal("264.29")),
    ]
    # Employed: 7.5 social workers + 10 of each of the other four roles.
    assert figures.employed_fte == Decimal("47.5")
    assert figures.agency_rate == Decimal("5.0")  # 2.5 / (2.5 + 47.5)
    social_workers = next(line for line in figures.roles if line.core_type == CoreJobType.SOCIAL_WORKER)
    assert (social_workers.placements, social_workers.agency_fte) == (3, Decimal("2.50"))


def test_the_previous_quarter_is_compared(la, placements, client_for, workforce_lead, in_progress):
    response = client_for(workforce_lead).get(reverse("returns:detail", args=[la.old_code, QUARTER]))

    changes = {r["name"]: r for r in response.context["changes"]}
    # Q1 2026: B (0.5), C (1) and E (0.5) were active.
    assert changes["agency_fte"]["previous"] == Decimal("2.00")
    assert changes["agency_fte"]["change"] == Decimal("0.50")
    assert changes["placements"]["change"] == 0


def test_an_employed_fte_of_zero_with_placements_is_named(la, placements, workforce_lead):
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)
    roles = complete_details().roles | {CoreJobType.SOCIAL_WORKER: RoleEntry(Decimal("0"), Decimal("5"), 0, 0)}
    return_update(actor=workforce_lead, quarterly_return=quarterly_return, details=complete_details(roles=roles))
    from datareturns.selectors_returns import return_problems

    figures = figures_for(local_authority=la, quarter=QUARTER, quarterly_return=quarterly_return)
    messages = [p.message for p in return_problems(quarterly_return=quarterly_return, figures=figures)]

    assert any("employed FTE for social workers is 0 but 3 agency placements" in m for m in messages)
    assert any("vacancies FTE for social workers (5.00) is larger than the employed" in m for m in messages)
    # Implausible is named but does not stop submission (the narrative can explain it).
    return_submit(actor=workforce_lead, quarterly_return=quarterly_return)


def test_figures_take_a_fixed_number_of_queries(la, placements, in_progress):
    with CaptureQueriesContext(connection) as few:
        figures_for(local_authority=la, quarter=QUARTER, quarterly_return=in_progress)
    body = csv_body(*[row(f"M{i}", la.old_code, worker=f"SW9{i}", start=f"2026-04-0{1 + i % 8}") for i in range(30)])
    from datareturns.services import UploadSource

    send(UploadSource(msp=placements.upload.msp), body)
    with CaptureQueriesContext(connection) as many:
        figures_for(local_authority=la, quarter=QUARTER, quarterly_return=in_progress)
    assert len(many) == len(few)


# --- Placements received after sign-off --------------------------------------------------------


def test_a_placement_received_after_sign_off_is_counted_and_told_once_per_return(
    la, msp_source, la_code, signed_off, workforce_lead, programme_manager, client_for
):
    before = Notification.objects.count()
    send(
        msp_source,
        csv_body(
            row("L1", la_code, worker="SW71", start="2026-05-01"),
            row("L2", la_code, worker="SW72", start="2026-06-01"),
        ),
    )

    told = Notification.objects.filter(subject__contains="received after sign-off")
    assert {n.recipient for n in told} == {workforce_lead, programme_manager}
    assert told.count() == 2  # one notification per return per upload, to each of the two people
    assert told.first().subject.startswith("2 placements received after sign-off of the 2026-Q2 return")
    assert Notification.objects.count() >= before + 2
    page = client_for(workforce_lead).get(reverse("returns:detail", args=[la.old_code, QUARTER]))
    assert "2 placements received after sign-off" in page.content.decode()
    signed_off.refresh_from_db()
    assert signed_off.status == ReturnStatus.SIGNED_OFF  # stored, the return stays locked


def test_a_placement_outside_the_locked_quarter_tells_nobody(msp_source, la_code, signed_off):
    send(msp_source, csv_body(row("L3", la_code, worker="SW73", start="2026-08-01")))

    assert not Notification.objects.filter(subject__contains="received after sign-off").exists()


# --- Due dates, late status, reminders ---------------------------------------------------------


def test_the_default_due_date_is_the_last_day_of_the_second_month_after_the_quarter():
    assert default_due_date("2025-Q1") == date(2025, 5, 31)  # as DfE's first collection
    assert default_due_date("2025-Q4") == date(2026, 2, 28)
    assert default_due_date("2026-Q2") == date(2026, 8, 31)


def test_late_is_any_return_not_signed_off_after_the_due_date(in_progress):
    due = date(2026, 8, 31)
    assert status_of(None, due_on=due, today=date(2026, 8, 31)) == "not_started"
    assert status_of(None, due_on=due, today=date(2026, 9, 1)) == "late"
    assert status_of(in_progress, due_on=due, today=date(2026, 9, 1)) == "late"
    in_progress.status = ReturnStatus.SIGNED_OFF
    assert status_of(in_progress, due_on=due, today=date(2026, 9, 1)) == "signed_off"


def test_the_region_quarter_shows_every_la_with_status(
    la, second_la, signed_off, programme_manager, workforce_lead, dcs
):
    rows = {r["la"]: r for r in region_quarter(user=programme_manager, region=la.region, quarter=QUARTER)}

    assert rows[la]["status"] == "signed_off"
    # 2026-Q2 was due on 31 August 2026; Coventry never started.
    expected = "late" if timezone.localdate() > date(2026, 8, 31) else "not_started"
    assert rows[second_la]["status"] == expected


def test_the_programme_manager_sets_the_due_date(region, programme_manager, workforce_lead):
    return_due_date_set(actor=programme_manager, region=region, quarter="2026-Q3", due_on=date(2026, 11, 15))

    from datareturns.selectors_returns import due_date_for

    assert due_date_for(region=region, quarter="2026-Q3") == date(2026, 11, 15)
    with pytest.raises(DomainError):
        return_due_date_set(actor=workforce_lead, region=region, quarter="2026-Q3", due_on=date(2026, 12, 1))
    with pytest.raises(DomainError, match="after the quarter ends"):
        return_due_date_set(actor=programme_manager, region=region, quarter="2026-Q3", due_on=date(2026, 9, 1))


def test_reminders_go_7_days_before_and_the_day_after_once_each(la, second_la, workforce_lead, dcs, signed_off):
    """2026-Q2 is due 31 August 2026. Dudley's is signed off, so only Coventry is reminded."""
    from tests.riia.factories import person_with_role

    coventry_lead = person_with_role("workforce_lead", second_la)

    assert return_reminders_send(today=date(2026, 8, 23)) == 0  # 8 days before: too early
    assert return_reminders_send(today=date(2026, 8, 24)) == 1
    assert return_reminders_send(today=date(2026, 8, 24)) == 0  # the same day again: nothing
    assert return_reminders_send(today=date(2026, 8, 30)) == 0  # still the same reminder window
    assert return_reminders_send(today=date(2026, 9, 1)) == 1  # the day after
    assert return_reminders_send(today=date(2026, 9, 2)) == 0
    assert set(ReturnReminder.objects.values_list("local_authority__name", "kind")) == {
        ("Coventry", "before_due"),
        ("Coventry", "after_due"),
    }
    told = Notification.objects.filter(recipient=coventry_lead, subject__contains="2026-Q2")
    assert told.count() == 2
    assert not Notification.objects.filter(recipient=workforce_lead, subject__contains="Reminder").exists()


def test_the_reminder_button_tells_the_lead_and_dcs(la, programme_manager, workforce_lead, dcs):
    assert return_remind(actor=programme_manager, local_authority=la, quarter=QUARTER) == 2
    with pytest.raises(DomainError):
        return_remind(actor=workforce_lead, local_authority=la, quarter=QUARTER)


# --- Export ------------------------------------------------------------------------------------


def _unzip(content: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: list(csv.reader(io.StringIO(archive.read(name).decode()))) for name in archive.namelist()}


def test_the_return_export_has_the_documented_columns(la, placements, signed_off):
    files = _unzip(return_export_zip(local_authority=la, quarter=QUARTER))

    assert set(files) == {"placements.csv", "summary.csv"}
    assert files["placements.csv"][0] == RETURN_PLACEMENT_HEADER
    assert sorted(r[RETURN_PLACEMENT_HEADER.index("assignment_id")] for r in files["placements.csv"][1:]) == [
        "A",
        "B",
        "C",
    ]
    summary = dict(zip(SUMMARY_HEADER, files["summary.csv"][1], strict=True))
    assert files["summary.csv"][0] == SUMMARY_HEADER
    assert summary["status"] == "signed_off"
    assert summary["agency_fte"] == "2.50"
    assert summary["cost_total"] == "13320.01"
    assert summary["complied_cool_off"] == "no"


def test_formula_cells_are_neutralised(la, workforce_lead):
    quarterly_return = return_start(actor=workforce_lead, local_authority=la, quarter=QUARTER)
    return_update(
        actor=workforce_lead, quarterly_return=quarterly_return, details=complete_details(narrative="=HYPERLINK(1)")
    )
    files = _unzip(return_export_zip(local_authority=la, quarter=QUARTER))

    assert dict(zip(SUMMARY_HEADER, files["summary.csv"][1], strict=True))["narrative"] == "'=HYPERLINK(1)"


# --- Price-cap breaches are read from the register and the requests ------------------------------


def test_breaches_come_from_the_register_and_approved_requests_with_who_signed(region, la, dcs, chief_executive):
    from breaches.models import BreachRecord, Signature
    from datareturns.selectors_returns import price_cap_breaches, signed_by
    from tests.breaches.factories import cap_in, decided_request

    cap_in(region)
    from tests.breaches.factories_register import BreachRecordFactory

    in_quarter = BreachRecordFactory(local_authority=la, occurred_on=date(2026, 5, 14))
    BreachRecordFactory(local_authority=la, occurred_on=date(2026, 8, 14))  # another quarter
    BreachRecordFactory(
        local_authority=la,
        occurred_on=date(2026, 5, 20),
        source=BreachRecord.Source.SUGGESTED,
        status=BreachRecord.Status.SUGGESTED,
        source_reference="p-1",
    )  # not yet reviewed
    approved = decided_request(la, created_by=dcs)  # contract May to October 2026
    for person, role in ((dcs, "dcs"), (chief_executive, "chief_executive")):
        Signature.objects.create(breach_request=approved, round=approved.round, role=role, signatory=person)

    found = price_cap_breaches(local_authority=la, quarter=QUARTER)

    assert found["records"] == [in_quarter]
    assert found["requests"] == [approved]
    who = signed_by(found["requests"][0])
    assert "Dana Director (Director of Children's Services)" in who and chief_executive.full_name in who
    assert who.endswith("(decided)")  # and the regional decider
