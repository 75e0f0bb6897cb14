"""The admin is for reference data; everything written by services is read-only there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from riia.admin import ReadOnlyAdminMixin
from riia.models import AuditRecord
from tests.riia.factories import UserFactory

READ_ONLY = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ReadOnlyAdminMixin)
)


def test_service_written_models_are_read_only_in_the_admin():
    expected = {
        ("riia", "auditrecord"),
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
