"""A superuser keeps the Django admin but holds no role in any organisation: the rules about an object
hold for them as for anyone (found by tests/test_role_url_matrix.py: they read every LA's drafts,
reached every programme manager's forms, and the training fund page answered 500)."""

import pytest
from django.urls import reverse

from tests.riia.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_object_rules_hold_for_a_superuser(superuser, region, programme_manager):
    assert not superuser.has_perm("riia.view_region", region)
    assert not superuser.has_perm("rates.manage_ratecard", region)
    assert programme_manager.has_perm("rates.manage_ratecard", region)


def test_a_superuser_keeps_every_model_permission_of_the_admin(superuser):
    assert superuser.has_perm("riia.change_region")
    assert superuser.has_perm("breaches.view_breachrequest")


def test_an_inactive_person_holds_no_object_rule(programme_manager, region):
    programme_manager.is_active = False

    assert not programme_manager.has_perm("rates.manage_ratecard", region)


@pytest.mark.parametrize(
    ("name", "status"),
    [("rates:region", 403), ("rates:draft-new", 403), ("breaches:sanction-issue", 403), ("breaches:fund-ledger", 403)],
)
def test_a_superuser_without_a_role_is_refused_the_regions_pages(client, superuser, region, name, status):
    client.force_login(superuser)

    assert client.get(reverse(name, args=[region.slug])).status_code == status
    assert client.get(reverse("admin:riia_region_changelist")).status_code == 200
