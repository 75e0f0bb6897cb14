import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from riia import services
from riia.errors import DomainError
from riia.models import AuditRecord, Membership, Notification, Role
from riia.services import (
    audit_record,
    membership_grant,
    notification_email_send,
    notification_mark_read,
    notification_send,
    require_programme_manager,
    required_text,
)
from tests.riia.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_who_what_and_before_after(programme_manager, region):
    record = audit_record(
        actor=programme_manager,
        action="region.updated",
        obj=region,
        before={"cool_off_months": 12},
        after={"cool_off_months": 6},
    )

    assert record.actor_label == str(programme_manager)
    assert record.object_repr == "West Midlands"
    assert (record.before, record.after) == ({"cool_off_months": 12}, {"cool_off_months": 6})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_audit_record_cannot_be_changed_or_deleted_on_postgres(programme_manager, region):
    record = audit_record(actor=programme_manager, action="region.updated", obj=region)

    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(action="tampered")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).delete()


def test_notification_is_stored_and_emailed_once_committed(django_capture_on_commit_callbacks, dcs, chief_executive):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[dcs, chief_executive, dcs], subject="A breach request needs your signature")

    assert Notification.objects.filter(subject="A breach request needs your signature").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dcs.email, chief_executive.email])
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_sending_a_notification_email_twice_sends_once(dcs):
    notification = Notification.objects.create(recipient=dcs, subject="Hello")

    assert notification_email_send(notification_id=notification.pk) is True
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_marking_someone_else_s_notification_is_refused(dcs, chief_executive):
    notification = Notification.objects.create(recipient=dcs, subject="For the DCS")

    with pytest.raises(DomainError):
        notification_mark_read(actor=chief_executive, notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.read_at is None


def test_membership_grant_is_idempotent_and_audited(la):
    person = UserFactory()

    first = membership_grant(user=person, role=Role.DCS, organisation=la, actor=None)
    second = membership_grant(user=person, role=Role.DCS, organisation=la, actor=None)

    assert first == second
    assert AuditRecord.objects.filter(action="membership.granted").count() == 1


def test_membership_grant_refuses_role_in_wrong_kind_of_organisation(region):
    with pytest.raises(DomainError, match="belongs to a local authority"):
        membership_grant(user=UserFactory(), role=Role.DCS, organisation=region, actor=None)


def test_database_refuses_membership_without_matching_organisation(region):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Role.DCS, region=region)


def test_database_refuses_a_cool_off_below_the_national_minimum(region):
    region.cool_off_months = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        region.save()


# --- Checks every service makes ------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "   \n", None])
def test_required_text_refuses_nothing_but_spaces_on_its_field(value):
    with pytest.raises(DomainError, match="Enter the reason") as refused:
        required_text(value, message="Enter the reason", field="reason")
    assert refused.value.field == "reason"


def test_required_text_returns_the_text_without_surrounding_spaces():
    assert required_text("  Court skills day \n", message="Enter it", field="x") == "Court skills day"


def test_require_programme_manager_allows_only_the_region_s_programme_manager(
    programme_manager, foreign_programme_manager, workforce_lead, region
):
    require_programme_manager(programme_manager, region, "publish a rate card")
    for person in (foreign_programme_manager, workforce_lead):
        with pytest.raises(DomainError, match="Only the programme manager of West Midlands can publish a rate card."):
            require_programme_manager(person, region, "publish a rate card")


def test_region_settings_update_is_audited_with_before_and_after(region, programme_manager):
    services.region_settings_update(
        region=region,
        actor=programme_manager,
        programme_body="WMC",
        cool_off_months=6,
        breach_decision_level="sub_regional",
        regional_decision_required=False,
    )

    region.refresh_from_db()
    assert (region.cool_off_months, region.breach_decision_level) == (6, "sub_regional")
    record = AuditRecord.objects.get(action="region.settings_changed")
    assert record.before["cool_off_months"] == 12 and record.after["regional_decision_required"] is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"cool_off_months": 2}, "cool_off_months"), ({"breach_decision_level": "x"}, "breach_decision_level")],
)
def test_region_settings_below_the_national_rules_are_refused(region, changes, field):
    settings = {"programme_body": "", "cool_off_months": 12, "breach_decision_level": "regional"}
    with pytest.raises(DomainError) as error:
        services.region_settings_update(
            region=region, actor=None, regional_decision_required=True, **settings | changes
        )

    assert error.value.field == field
    region.refresh_from_db()
    assert region.cool_off_months == 12 and not AuditRecord.objects.exists()


def test_msp_local_authorities_set_audits_a_change_only(msp, la, second_la):
    services.msp_local_authorities_set(msp=msp, local_authorities=[la, second_la], actor=None)
    services.msp_local_authorities_set(msp=msp, local_authorities=[second_la, la], actor=None)

    assert set(msp.local_authorities.all()) == {la, second_la}
    record = AuditRecord.objects.get(action="msp.local_authorities_set")
    assert record.before == {"local_authorities": [la.old_code]}
    assert record.after == {"local_authorities": sorted([la.old_code, second_la.old_code])}


def test_region_cool_off_exceptions_change_through_the_service(region):
    services.region_settings_update(
        region=region,
        actor=None,
        programme_body="",
        cool_off_months=12,
        breach_decision_level="regional",
        regional_decision_required=True,
        cool_off_exceptions=["probation"],
    )

    region.refresh_from_db()
    assert region.cool_off_exceptions == ["probation"]
    with pytest.raises(DomainError, match="holiday is not a leave reason"):
        services.region_settings_update(
            region=region,
            actor=None,
            programme_body="",
            cool_off_months=12,
            breach_decision_level="regional",
            regional_decision_required=True,
            cool_off_exceptions=["holiday"],
        )
