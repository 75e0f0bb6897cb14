"""The one region getter every page that names a region in its address uses."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from riia.selectors import region_get

pytestmark = pytest.mark.django_db


def test_region_get_returns_the_region_to_someone_who_holds_the_permission(workforce_lead, programme_manager, region):
    assert region_get(user=workforce_lead, slug=region.slug) == region
    assert region_get(user=programme_manager, slug=region.slug, perm="riia.manage_region") == region


@pytest.mark.parametrize(
    ("person", "perm"),
    [
        ("foreign_lead", "riia.view_region"),
        ("agency_contact", "riia.view_region"),
        ("workforce_lead", "riia.manage_region"),
        ("riia_member", "breaches.manage_sanctions"),
    ],
)
def test_region_get_refuses_someone_without_the_permission(request, region, person, perm):
    with pytest.raises(PermissionDenied):
        region_get(user=request.getfixturevalue(person), slug=region.slug, perm=perm)


def test_region_get_answers_not_found_for_an_unknown_region_whoever_asks(programme_manager, region):
    with pytest.raises(Http404):
        region_get(user=programme_manager, slug="atlantis", perm="riia.manage_region")


def test_the_unread_count_is_the_persons_unread_notifications_only(workforce_lead, dcs):
    from riia.selectors import notifications_unread_count, notifications_unread_for
    from riia.services import notification_mark_read, notification_send

    assert notifications_unread_count(user=workforce_lead) == 0
    first, _ = (notification_send(recipients=[workforce_lead, dcs], subject=f"Notice {n}")[0] for n in (1, 2))
    notification_send(recipients=[dcs], subject="Not for the lead")
    notification_mark_read(actor=workforce_lead, notification_id=first.pk)
    assert notifications_unread_count(user=workforce_lead) == 1
    assert notifications_unread_count(user=dcs) == 3
    assert notifications_unread_count(user=workforce_lead) == notifications_unread_for(user=workforce_lead).count()
