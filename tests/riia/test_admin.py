"""The admin is for reference data; everything written by services is read-only there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from riia.admin import ReadOnlyAdminMixin
from riia.models import AuditRecord, Role
from tests.riia.factories import UserFactory

READ_ONLY = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ReadOnlyAdminMixin)
)


def test_service_written_models_are_read_only_in_the_admin():
    expected = {
        ("riia", "auditrecord"),
        ("riia", "membership"),
        ("rates", "pricecap"),
        ("rates", "ratecard"),
        ("rates", "exemption"),
        ("breaches", "breachrequest"),
        ("breaches", "decision"),
        ("breaches", "breachrecord"),
        ("breaches", "sanction"),
        ("breaches", "trainingfundentry"),
        ("casestudies", "casestudy"),
    }
    assert expected <= set(READ_ONLY)
    assert AuditRecord in admin.site._registry


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), READ_ONLY)
def test_superuser_can_look_but_not_add(client, app_label, model_name):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403


@pytest.mark.django_db
def test_reference_data_is_editable_by_staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(reverse("admin:riia_localauthority_add")).status_code == 200


# --- Who may do what is changed only through the audited services -----------------------------


@pytest.fixture
def staff_client(db, client):
    staff = UserFactory(email="keeper@example.gov.uk", full_name="Kit Keeper", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


def _user_form(person, **memberships) -> dict:
    """The person's admin page as posted, with the memberships inline's rows."""
    rows = memberships.pop("rows", [])
    existing = memberships.pop("existing", [])
    data = {
        "email": person.email,
        "full_name": person.full_name,
        "job_title": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(existing) + len(rows)),
        "memberships-INITIAL_FORMS": str(len(existing)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, membership in enumerate(existing):
        data[f"memberships-{i}-id"] = str(membership.pk)
        data[f"memberships-{i}-user"] = str(person.pk)
    for i, row in enumerate(rows, start=len(existing)):
        data[f"memberships-{i}-user"] = str(person.pk)
        data.update({f"memberships-{i}-{name}": str(value) for name, value in row.items()})
    return data


def test_a_role_granted_in_the_admin_is_audited_with_who_granted_it(staff_client, la):
    person = UserFactory()

    response = staff_client.post(
        reverse("admin:riia_user_change", args=[person.pk]),
        _user_form(person, rows=[{"role": Role.DCS, "local_authority": la.pk}]),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    membership = person.memberships.get()
    assert (membership.role, membership.local_authority) == (Role.DCS, la)
    record = AuditRecord.objects.get(action="membership.granted", object_id=str(membership.pk))
    assert record.actor == staff_client.staff


def test_a_sub_regional_lead_granted_in_the_admin_belongs_to_the_groups_region(staff_client, group):
    person = UserFactory()

    staff_client.post(
        reverse("admin:riia_user_change", args=[person.pk]),
        _user_form(person, rows=[{"role": Role.SUB_REGIONAL_LEAD, "group": group.pk}]),
    )

    membership = person.memberships.get()
    assert (membership.group, membership.region) == (group, group.region)


def test_a_role_without_its_organisation_is_refused_with_a_message(staff_client, region):
    person = UserFactory()

    response = staff_client.post(
        reverse("admin:riia_user_change", args=[person.pk]),
        _user_form(person, rows=[{"role": Role.DCS, "region": region.pk}]),
    )

    assert response.status_code == 200
    assert "Select the local authority in which they are director of children&#x27;s services" in response.text
    assert not person.memberships.exists()


def test_an_existing_role_cannot_be_changed_or_deleted_in_the_admin(staff_client, dcs, second_la):
    membership = dcs.memberships.get()
    data = _user_form(dcs, existing=[membership])
    data |= {"memberships-0-role": Role.WORKFORCE_LEAD, "memberships-0-local_authority": second_la.pk}
    data["memberships-0-DELETE"] = "on"

    staff_client.post(reverse("admin:riia_user_change", args=[dcs.pk]), data)

    membership.refresh_from_db()
    assert membership.role == Role.DCS and membership.local_authority != second_la and membership.ended_at is None
    assert not AuditRecord.objects.filter(action__startswith="membership.").exists()
    assert staff_client.get(reverse("admin:riia_membership_change", args=[membership.pk])).status_code == 200
    assert staff_client.post(reverse("admin:riia_membership_change", args=[membership.pk]), {}).status_code == 403
    assert staff_client.get(reverse("admin:riia_user_delete", args=[dcs.pk])).status_code == 403


def test_ending_roles_in_the_admin_goes_through_the_service(staff_client, dcs, programme_manager):
    memberships = [dcs.memberships.get(), programme_manager.memberships.get()]

    response = staff_client.post(
        reverse("admin:riia_membership_changelist"),
        {"action": "end_roles", "_selected_action": [m.pk for m in memberships], "index": "0"},
        follow=True,
    )

    assert "2 roles ended." in response.text
    for membership in memberships:
        membership.refresh_from_db()
        assert membership.ended_at is not None
    assert AuditRecord.objects.filter(action="membership.ended", actor=staff_client.staff).count() == 2


def test_region_settings_change_in_the_admin_is_audited_and_the_name_is_kept(staff_client, region):
    data = {
        "name": "Renamed",
        "programme_body": "West Midlands Employers",
        "cool_off_months": "6",
        "breach_decision_level": "sub_regional",
        "regional_decision_required": "",
    }

    response = staff_client.post(reverse("admin:riia_region_change", args=[region.pk]), data)

    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.name, region.cool_off_months, region.breach_decision_level) == ("West Midlands", 6, "sub_regional")
    assert region.regional_decision_required is False
    record = AuditRecord.objects.get(action="region.settings_changed")
    assert record.actor == staff_client.staff
    assert (record.before["cool_off_months"], record.after["cool_off_months"]) == (12, 6)
    assert staff_client.get(reverse("admin:riia_region_add")).status_code == 403
    assert staff_client.get(reverse("admin:riia_region_delete", args=[region.pk])).status_code == 403


def test_the_las_an_msp_serves_change_in_the_admin_through_the_service(staff_client, msp, la, second_la):
    response = staff_client.post(
        reverse("admin:riia_msp_change", args=[msp.pk]),
        {"name": msp.name, "slug": msp.slug, "local_authorities": [second_la.pk]},
    )

    assert response.status_code == 302
    assert list(msp.local_authorities.all()) == [second_la]
    record = AuditRecord.objects.get(action="msp.local_authorities_set")
    assert record.actor == staff_client.staff
    assert (record.before, record.after) == (
        {"local_authorities": [la.old_code]},
        {"local_authorities": [second_la.old_code]},
    )
    assert staff_client.get(reverse("admin:riia_msp_delete", args=[msp.pk])).status_code == 403


@pytest.mark.parametrize("person", ["programme_manager", "workforce_lead", "msp_uploader", "nobody"])
def test_people_who_are_not_staff_never_reach_the_admin(request, client, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(reverse("admin:riia_membership_changelist"))

    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
