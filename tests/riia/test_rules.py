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


# --- The membership helpers every app reads roles through ------------------------------------


def test_las_where_lists_each_la_once_and_only_for_the_roles_asked(workforce_lead, la, second_la):
    from riia.models import Membership, Role

    Membership.objects.create(user=workforce_lead, role=Role.LA_VIEWER, local_authority=la)
    Membership.objects.create(user=workforce_lead, role=Role.LA_VIEWER, local_authority=second_la)
    person = type(workforce_lead).objects.get(pk=workforce_lead.pk)

    las = r.las_where(person)
    assert sorted(las, key=lambda x: x.pk) == sorted([la, second_la], key=lambda x: x.pk)  # Dudley once, not twice
    assert r.las_where(person, [Role.WORKFORCE_LEAD]) == [la]
    assert r.las_where(person, [Role.DCS]) == []


def test_regions_where_reads_riia_roles_only(programme_manager, sub_regional_lead, workforce_lead, region):
    from riia.models import Role

    assert r.regions_where(programme_manager) == [region]
    assert r.regions_where(programme_manager, [Role.RIIA_MEMBER]) == []
    assert r.regions_where(sub_regional_lead) == [region]
    assert r.regions_where(workforce_lead) == []


def test_organisation_helpers_name_the_person_s_own(
    msp_uploader, agency_contact, sub_regional_lead, workforce_lead, msp, agency, group
):
    assert r.msps_of(msp_uploader) == [msp]
    assert r.agencies_of(agency_contact) == [agency]
    assert r.groups_led_by(sub_regional_lead) == [group]
    assert (r.msps_of(workforce_lead), r.agencies_of(workforce_lead), r.groups_led_by(workforce_lead)) == ([], [], [])


def test_member_region_ids_come_through_the_la_the_riia_or_the_msp_but_not_an_agency(
    workforce_lead, riia_member, msp_viewer, agency_contact, foreign_lead, region, other_region
):
    assert r.member_region_ids(workforce_lead) == {region.pk}
    assert r.member_region_ids(riia_member) == {region.pk}
    assert r.member_region_ids(msp_viewer) == {region.pk}
    assert r.member_region_ids(foreign_lead) == {other_region.pk}
    assert r.member_region_ids(agency_contact) == set()


def test_ended_roles_are_left_out_of_every_helper(workforce_lead, la):
    from riia.models import Role
    from riia.services import membership_end

    membership_end(membership=workforce_lead.memberships.get(), actor=None)
    person = type(workforce_lead).objects.get(pk=workforce_lead.pk)

    assert r.las_where(person) == []
    assert not r.holds_any(person, [Role.WORKFORCE_LEAD])
    assert r.roles_of(person) == set()
