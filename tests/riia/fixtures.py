"""Shared fixtures: a small region with two LAs (one in a sub-regional group) and a person per role."""

import pytest

from riia.models import Role
from tests.riia.factories import (
    AgencyFactory,
    LocalAuthorityFactory,
    MSPFactory,
    RegionFactory,
    SubRegionalGroupFactory,
    UserFactory,
    person_with_role,
)


@pytest.fixture
def region(db):
    return RegionFactory(name="West Midlands", slug="west-midlands", cool_off_months=12)


@pytest.fixture
def other_region(db):
    return RegionFactory(name="London", slug="london", cool_off_months=6)


@pytest.fixture
def group(region):
    return SubRegionalGroupFactory(region=region, name="Black Country")


@pytest.fixture
def la(region, group):
    return LocalAuthorityFactory(name="Dudley", region=region, group=group)


@pytest.fixture
def second_la(region):
    return LocalAuthorityFactory(name="Coventry", region=region)


@pytest.fixture
def foreign_la(other_region):
    return LocalAuthorityFactory(name="Camden", region=other_region)


@pytest.fixture
def msp(la):
    msp = MSPFactory(name="Midlands MSP")
    msp.local_authorities.add(la)
    return msp


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Acme Social Care")


@pytest.fixture
def workforce_lead(la):
    return person_with_role(Role.WORKFORCE_LEAD, la, full_name="Wendy Lead")


@pytest.fixture
def dcs(la):
    return person_with_role(Role.DCS, la, full_name="Dana Director")


@pytest.fixture
def chief_executive(la):
    return person_with_role(Role.CHIEF_EXECUTIVE, la, full_name="Chris Chief")


@pytest.fixture
def la_viewer(la):
    return person_with_role(Role.LA_VIEWER, la, full_name="Val Viewer")


@pytest.fixture
def second_la_lead(second_la):
    return person_with_role(Role.WORKFORCE_LEAD, second_la, full_name="Sam Second")


@pytest.fixture
def foreign_lead(foreign_la):
    return person_with_role(Role.WORKFORCE_LEAD, foreign_la, full_name="Fran Foreign")


@pytest.fixture
def programme_manager(region):
    return person_with_role(Role.PROGRAMME_MANAGER, region, full_name="Pat Programme")


@pytest.fixture
def foreign_programme_manager(other_region):
    return person_with_role(Role.PROGRAMME_MANAGER, other_region, full_name="Pip Other")


@pytest.fixture
def sub_regional_lead(group):
    return person_with_role(Role.SUB_REGIONAL_LEAD, group, full_name="Sol Subregion")


@pytest.fixture
def riia_member(region):
    return person_with_role(Role.RIIA_MEMBER, region, full_name="Rita Member")


@pytest.fixture
def msp_uploader(msp):
    return person_with_role(Role.MSP_UPLOADER, msp, full_name="Uma Uploader")


@pytest.fixture
def msp_viewer(msp):
    return person_with_role(Role.MSP_VIEWER, msp, full_name="Max Viewer")


@pytest.fixture
def agency_contact(agency):
    return person_with_role(Role.AGENCY_CONTACT, agency, full_name="Ada Agency")


@pytest.fixture
def nobody(db):
    """A signed-up person with no role anywhere."""
    return UserFactory(full_name="Nora Nobody")


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns the test client signed in as that person."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
