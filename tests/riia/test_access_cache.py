"""A person's memberships are kept between requests under their access version, and every change to
what decides their access (a role granted or ended, an LA moved, the LAs an MSP serves) shows on the
very next request. Django's model permissions are read for staff only."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from riia.models import Role, User
from riia.rules import current_memberships, forget_memberships, member_regions
from riia.services import membership_end, membership_grant, msp_local_authorities_set
from tests.riia.factories import UserFactory


def _membership_reads(queries, user) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if f'"riia_membership"."user_id" = {user.pk}' in q["sql"]]


def _fresh(user) -> User:
    """The person as the next request loads them."""
    return User.objects.get(pk=user.pk)


def test_memberships_are_read_once_and_then_kept_between_requests(client_for, workforce_lead, region):
    client = client_for(workforce_lead)
    url = reverse("region-detail", args=[region.slug])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(_membership_reads(first, workforce_lead)) == 1
    assert _membership_reads(second, workforce_lead) == []


def test_a_role_ended_is_refused_on_the_next_request(client_for, workforce_lead, region, programme_manager):
    client = client_for(workforce_lead)
    url = reverse("region-detail", args=[region.slug])
    assert client.get(url).status_code == 200
    membership_end(membership=workforce_lead.memberships.get(), actor=programme_manager)
    assert client.get(url).status_code == 403


def test_a_role_granted_is_allowed_on_the_next_request(client_for, workforce_lead, other_region):
    client = client_for(workforce_lead)
    url = reverse("region-detail", args=[other_region.slug])
    assert client.get(url).status_code == 403
    membership_grant(user=_fresh(workforce_lead), role=Role.RIIA_MEMBER, organisation=other_region, actor=None)
    assert client.get(url).status_code == 200


def test_the_granting_service_sees_its_own_change_on_the_same_object(workforce_lead, other_region):
    person = _fresh(workforce_lead)
    assert not person.has_perm("riia.view_region", other_region)
    membership_grant(user=person, role=Role.RIIA_MEMBER, organisation=other_region, actor=None)
    assert person.has_perm("riia.view_region", other_region)


def test_an_la_moved_to_another_region_in_the_admin_moves_its_peoples_access(
    client, workforce_lead, la, region, other_region
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    lead = Client()
    lead.force_login(workforce_lead)
    own, other = (reverse("dashboards:region", args=[r.slug]) for r in (region, other_region))
    assert (lead.get(own).status_code, lead.get(other).status_code) == (200, 403)

    client.force_login(staff)
    data = {"name": la.name, "slug": la.slug, "old_code": la.old_code, "new_code": la.new_code}
    response = client.post(
        reverse("admin:riia_localauthority_change", args=[la.pk]), {**data, "region": other_region.pk, "group": ""}
    )
    assert response.status_code == 302, response.content

    assert (lead.get(own).status_code, lead.get(other).status_code) == (403, 200)


def test_the_las_an_msp_serves_decide_its_peoples_regions_at_once(msp_viewer, msp, region, other_region, foreign_la):
    assert member_regions(_fresh(msp_viewer)) == [region]  # read, and kept
    msp_local_authorities_set(msp=msp, local_authorities=[foreign_la], actor=None)
    assert member_regions(_fresh(msp_viewer)) == [other_region]


def test_forgetting_reads_the_roles_held_now_not_the_kept_ones(workforce_lead, la):
    person = _fresh(workforce_lead)
    assert [m.role for m in current_memberships(person)] == [Role.WORKFORCE_LEAD]
    # Written past the services (as a concurrent request's transaction would be, before its commit
    # changes the version): only a read that bypasses the kept copy sees it.
    workforce_lead.memberships.create(role=Role.DCS, local_authority=la)
    assert [m.role for m in current_memberships(_fresh(workforce_lead))] == [Role.WORKFORCE_LEAD]
    forget_memberships(person)
    assert sorted(m.role for m in current_memberships(person)) == sorted([Role.WORKFORCE_LEAD, Role.DCS])


# --- Django's model permissions: the admin's, for staff only --------------------------------------


@pytest.mark.parametrize("is_staff", [False, True])
def test_model_permissions_hold_for_staff_only(db, is_staff):
    person = UserFactory(is_staff=is_staff)
    person.user_permissions.add(Permission.objects.get(codename="view_auditrecord"))
    assert _fresh(person).has_perm("riia.view_auditrecord") is is_staff


def test_a_rule_that_says_no_reads_no_permissions_for_someone_not_staff(workforce_lead):
    person = _fresh(workforce_lead)
    current_memberships(person)
    with CaptureQueriesContext(connection) as queries:
        assert not person.has_perm("riia.manage_api_keys")
    assert queries.captured_queries == []


# --- The navigation, kept with the memberships ------------------------------------------------------


def _links(client) -> list[str]:
    return [item.label for item in client.get(reverse("home")).context["navigation"]]


def test_the_navigation_follows_a_new_role_and_the_account_flags_on_the_next_request(client_for, workforce_lead, msp):
    client = client_for(workforce_lead)
    assert "API keys" not in _links(client) and "Admin" not in _links(client)
    membership_grant(user=_fresh(workforce_lead), role=Role.MSP_UPLOADER, organisation=msp, actor=None)
    assert "API keys" in _links(client)
    User.objects.filter(pk=workforce_lead.pk).update(is_staff=True)
    assert "Admin" in _links(client)


def test_the_unread_count_in_the_navigation_is_read_on_every_request(client_for, workforce_lead):
    from riia.services import notification_send

    client = client_for(workforce_lead)
    assert "Notifications" in _links(client)
    notification_send(recipients=[workforce_lead], subject="A breach request needs your signature")
    assert "Notifications (1)" in _links(client)


def test_a_region_held_comes_from_the_memberships_and_any_other_from_the_database(
    client_for, workforce_lead, region, other_region
):
    client = client_for(workforce_lead)
    own = reverse("region-detail", args=[region.slug])
    assert client.get(own).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(own).status_code == 200
    assert not [q for q in queries.captured_queries if '"riia_region"."slug" =' in q["sql"]]
    assert client.get(reverse("region-detail", args=[other_region.slug])).status_code == 403
    assert client.get(reverse("region-detail", args=["nowhere"])).status_code == 404
