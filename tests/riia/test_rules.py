"""Every named rule, allowed and refused, for each role."""

import pytest

from riia import rules as r

pytestmark = pytest.mark.django_db

ALL_PEOPLE = [
    "workforce_lead",
    "dcs",
    "chief_executive",
    "la_viewer",
    "second_la_lead",
    "foreign_lead",
    "programme_manager",
    "foreign_programme_manager",
    "sub_regional_lead",
    "riia_member",
    "msp_uploader",
    "msp_viewer",
    "agency_contact",
    "nobody",
]


def _check(request, predicate, target_fixture, allowed):
    target = request.getfixturevalue(target_fixture)
    for person in ALL_PEOPLE:
        user = request.getfixturevalue(person)
        assert predicate(user, target) is (person in allowed), f"{predicate.name} for {person}"


@pytest.mark.parametrize(
    ("predicate", "target", "allowed"),
    [
        (r.is_la_member, "la", {"workforce_lead", "dcs", "chief_executive", "la_viewer"}),
        (r.is_workforce_lead_of, "la", {"workforce_lead"}),
        (r.is_dcs_of, "la", {"dcs"}),
        (r.is_chief_executive_of, "la", {"chief_executive"}),
        (r.is_programme_manager_of, "region", {"programme_manager"}),
        (r.is_sub_regional_lead_of, "group", {"sub_regional_lead"}),
        (r.is_msp_uploader_for, "la", {"msp_uploader"}),
        (r.is_msp_uploader_for, "second_la", set()),
        (r.is_region_staff, "region", {"programme_manager", "sub_regional_lead", "riia_member"}),
        (r.is_la_overseer, "la", {"programme_manager", "sub_regional_lead"}),
        (r.is_la_overseer, "second_la", {"programme_manager"}),
        (
            r.is_region_member,
            "region",
            {
                "workforce_lead",
                "dcs",
                "chief_executive",
                "la_viewer",
                "second_la_lead",
                "programme_manager",
                "sub_regional_lead",
                "riia_member",
                "msp_uploader",
                "msp_viewer",
            },
        ),
        (r.is_region_member, "other_region", {"foreign_lead", "foreign_programme_manager"}),
        (
            r.can_view_la,
            "la",
            {
                "workforce_lead",
                "dcs",
                "chief_executive",
                "la_viewer",
                "programme_manager",
                "sub_regional_lead",
                "riia_member",
                "msp_uploader",
            },
        ),
    ],
    ids=lambda v: getattr(v, "name", None) if callable(v) else None,
)
def test_rule_allows_exactly(request, predicate, target, allowed):
    _check(request, predicate, target, allowed)


def test_ended_membership_no_longer_counts(dcs, la):
    from riia.services import membership_end

    assert r.is_dcs_of(dcs, la)
    membership_end(membership=dcs.memberships.get(), actor=None)

    next_request_user = type(dcs).objects.get(pk=dcs.pk)  # roles are read once per request
    assert not r.is_dcs_of(next_request_user, la)


def test_anonymous_visitor_has_no_rights(la, region):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not r.is_la_member(anonymous, la)
    assert not r.is_region_member(anonymous, region)
    assert not anonymous.has_perm("riia.view_region", region)


def test_named_permissions_are_registered(programme_manager, workforce_lead, region):
    assert programme_manager.has_perm("riia.manage_region", region)
    assert not workforce_lead.has_perm("riia.manage_region", region)
    assert workforce_lead.has_perm("riia.view_region", region)
