"""Each role's rights on case studies and resources (casestudies/rules.py), through the services and
the pages, allowed and refused. LA viewers only read."""

import pytest
from django.urls import reverse

from casestudies import services
from casestudies.models import CaseStudy, Resource
from riia.errors import DomainError
from tests.casestudies.factories import ResourceFactory, ResourceVersionFactory

pytestmark = pytest.mark.django_db

LA_WRITERS = ["workforce_lead", "dcs", "chief_executive"]
READ_ONLY = ["la_viewer", "sub_regional_lead", "riia_member", "msp_uploader", "msp_viewer", "agency_contact"]
OUTSIDERS = ["second_la_lead", "foreign_lead", "foreign_programme_manager"]


@pytest.fixture
def library_resource(la, region, workforce_lead):
    """A resource in the region's library, owned by the LA, with its first version."""
    resource = ResourceFactory(region=region, owner_la=la, created_by=workforce_lead, title="Cool-off script")
    ResourceVersionFactory(resource=resource, number=1)
    return resource


def _person(request, name):
    return request.getfixturevalue(name)


# --- A new version of an LA's library resource ----------------------------------------------


@pytest.mark.parametrize("name", [*LA_WRITERS, "programme_manager"])
def test_writers_and_the_programme_manager_add_a_version(request, library_resource, name):
    version = services.resource_version_add(resource=library_resource, actor=_person(request, name), body="v2")

    assert version.number == 2


@pytest.mark.parametrize("name", [*READ_ONLY, *OUTSIDERS])
def test_viewers_and_outsiders_cannot_add_a_version(request, library_resource, name):
    with pytest.raises(DomainError, match="cannot add a version"):
        services.resource_version_add(resource=library_resource, actor=_person(request, name), body="mine now")

    assert library_resource.versions.count() == 1


def test_viewer_is_refused_the_new_version_page_and_nothing_is_written(client_for, la_viewer, library_resource):
    client = client_for(la_viewer)
    url = reverse("casestudies:resource-version-add", args=[library_resource.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "v2", "note": "mine"}).status_code == 403
    assert library_resource.versions.count() == 1
    page = client.get(reverse("casestudies:resource-detail", args=[library_resource.pk])).text
    assert "Cool-off script" in page and "Add a new version" not in page


def test_dcs_adds_a_version_through_the_page(client_for, dcs, library_resource):
    url = reverse("casestudies:resource-version-add", args=[library_resource.pk])

    response = client_for(dcs).post(url, {"body": "v2", "note": "shorter"})

    assert response.status_code == 302
    assert library_resource.versions.count() == 2


# --- Adding a resource to the region's library ----------------------------------------------


@pytest.mark.parametrize("name", [*LA_WRITERS, "programme_manager"])
def test_writers_add_a_library_resource(request, region, name):
    resource = services.resource_create(actor=_person(request, name), region=region, title="T", kind="other", body="x")

    assert resource.region == region


@pytest.mark.parametrize("name", [*READ_ONLY, "foreign_lead"])
def test_read_only_roles_cannot_add_a_library_resource(request, region, name):
    with pytest.raises(DomainError, match="library of a region you work in"):
        services.resource_create(actor=_person(request, name), region=region, title="T", kind="other", body="x")

    assert not Resource.objects.exists()


@pytest.mark.parametrize("name", ["la_viewer", "riia_member", "msp_viewer", "agency_contact"])
def test_read_only_roles_are_refused_the_add_resource_page(request, client_for, name):
    client = client_for(_person(request, name))

    assert client.get(reverse("casestudies:resource-create")).status_code == 403
    assert client.post(reverse("casestudies:resource-create"), {"title": "T", "kind": "other"}).status_code == 403


def test_library_shows_add_a_resource_only_to_writers(client_for, la_viewer, workforce_lead):
    assert "Add a resource" not in client_for(la_viewer).get(reverse("casestudies:resources")).text
    assert "Add a resource" in client_for(workforce_lead).get(reverse("casestudies:resources")).text


def test_a_library_resource_belongs_to_the_writers_la_in_the_chosen_region(client_for, chief_executive, la):
    response = client_for(chief_executive).post(
        reverse("casestudies:resource-create"), {"title": "Agenda", "kind": "agenda", "body": "1. {{ item }}"}
    )

    assert response.status_code == 302
    assert Resource.objects.get().owner_la == la


# --- Case studies ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", LA_WRITERS)
def test_la_writers_draft_a_case_study(request, la, complete_data, name):
    case_study = services.case_study_create(actor=_person(request, name), local_authority=la, data=complete_data)

    assert case_study.author_la == la


def test_viewer_cannot_draft_a_case_study(la_viewer, la, complete_data):
    with pytest.raises(DomainError, match="workforce lead, DCS or chief executive"):
        services.case_study_create(actor=la_viewer, local_authority=la, data=complete_data)

    assert not CaseStudy.objects.exists()


@pytest.mark.parametrize(("name", "status"), [("la_viewer", 403), ("programme_manager", 403), ("dcs", 200)])
def test_the_write_page_is_for_la_writers(request, client_for, name, status):
    assert client_for(_person(request, name)).get(reverse("casestudies:create")).status_code == status


def test_the_search_page_offers_writing_only_to_writers(client_for, la_viewer, chief_executive):
    assert "Write a case study" not in client_for(la_viewer).get(reverse("casestudies:index")).text
    assert "Write a case study" in client_for(chief_executive).get(reverse("casestudies:index")).text


def test_viewer_reads_the_las_draft_but_cannot_change_or_send_it(client_for, la_viewer, draft):
    client = client_for(la_viewer)

    page = client.get(reverse("casestudies:detail", args=[draft.pk])).text
    assert draft.title in page and "Send for review" not in page
    assert client.get(reverse("casestudies:edit", args=[draft.pk])).status_code == 403
    assert client.get(reverse("casestudies:resource-add", args=[draft.pk])).status_code == 403
    with pytest.raises(DomainError, match="local authority that wrote this case study"):
        services.case_study_submit(case_study=draft, actor=la_viewer)
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("name", ["dcs", "chief_executive"])
def test_other_la_writers_change_and_send_the_draft(request, client_for, draft, name):
    client = client_for(_person(request, name))

    assert client.get(reverse("casestudies:edit", args=[draft.pk])).status_code == 200
    client.post(reverse("casestudies:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "submitted"
