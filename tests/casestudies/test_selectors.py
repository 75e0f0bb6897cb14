import pytest
from django.core.exceptions import PermissionDenied

from casestudies import selectors
from casestudies.selectors import SearchFilters
from tests.casestudies.factories import CaseStudyFactory, ResourceFactory, ResourceVersionFactory, TagFactory

pytestmark = pytest.mark.django_db

EVERYONE = [
    "workforce_lead",
    "dcs",
    "la_viewer",
    "second_la_lead",
    "foreign_lead",
    "programme_manager",
    "foreign_programme_manager",
    "sub_regional_lead",
    "riia_member",
    "msp_viewer",
    "agency_contact",
    "nobody",
]
AUTHOR_SIDE_AND_REVIEWER = {"workforce_lead", "dcs", "la_viewer", "programme_manager"}
REGION = {"workforce_lead", "dcs", "la_viewer", "second_la_lead", "programme_manager", "sub_regional_lead"}
REGION |= {"riia_member", "msp_viewer"}
ANY_REGION = REGION | {"foreign_lead", "foreign_programme_manager"}


def _sees(request, person, case_study) -> bool:
    user = request.getfixturevalue(person)
    listed = case_study in selectors.case_studies_visible_to(user=user)
    try:
        selectors.case_study_get(user=user, pk=case_study.pk)
        got = True
    except PermissionDenied:
        got = False
    assert listed == got, f"{person}: list and page disagree"
    return got


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
@pytest.mark.parametrize("person", EVERYONE)
def test_unpublished_case_studies_are_seen_only_by_the_authoring_la_and_the_reviewer(
    request, la, workforce_lead, status, person
):
    case_study = CaseStudyFactory(author_la=la, author=workforce_lead, status=status)
    assert _sees(request, person, case_study) == (person in AUTHOR_SIDE_AND_REVIEWER)


@pytest.mark.parametrize("person", EVERYONE)
def test_published_case_studies_are_seen_across_the_region(request, la, workforce_lead, person):
    case_study = CaseStudyFactory(author_la=la, author=workforce_lead, published=True)
    assert _sees(request, person, case_study) == (person in REGION)


@pytest.mark.parametrize("person", EVERYONE)
def test_shared_nationally_case_studies_are_seen_by_every_region_but_not_agencies(request, la, workforce_lead, person):
    case_study = CaseStudyFactory(author_la=la, author=workforce_lead, published=True, share_nationally=True)
    assert _sees(request, person, case_study) == (person in ANY_REGION)


def test_search_ranks_a_title_match_above_a_body_match(la, workforce_lead, second_la_lead):
    body = CaseStudyFactory(
        author_la=la, author=workforce_lead, published=True, title="Working with our MSP", learning="Soliciting stops."
    )
    title = CaseStudyFactory(author_la=la, author=workforce_lead, published=True, title="Soliciting by agencies")
    CaseStudyFactory(author_la=la, author=workforce_lead, published=True, title="Unrelated")

    results = list(selectors.case_study_search(user=second_la_lead, query="soliciting"))

    assert results == [title, body]


def test_search_finds_a_phrase_from_what_was_learned(la, workforce_lead, foreign_lead):
    found = CaseStudyFactory(
        author_la=la,
        author=workforce_lead,
        published=True,
        share_nationally=True,
        learning="Always check the MSP system for candidates presented twice.",
    )
    CaseStudyFactory(author_la=la, author=workforce_lead, published=True, learning="Something else entirely.")

    assert list(selectors.case_study_search(user=foreign_lead, query="candidates presented twice")) == [found]


def test_search_never_shows_drafts_or_another_regions_case_studies(la, foreign_la, workforce_lead, foreign_lead):
    CaseStudyFactory(author_la=la, author=workforce_lead, title="Soliciting draft")
    CaseStudyFactory(author_la=foreign_la, author=foreign_lead, published=True, title="Soliciting in London")

    assert list(selectors.case_study_search(user=workforce_lead, query="soliciting")) == []


def test_search_filters_by_type_tag_region_and_outcome(la, workforce_lead, region):
    tag = TagFactory(slug="price-caps")
    wanted = CaseStudyFactory(
        author_la=la, author=workforce_lead, published=True, case_type="good_news", outcome="partly", tags=[tag]
    )
    CaseStudyFactory(author_la=la, author=workforce_lead, published=True, case_type="good_news", outcome="successful")
    CaseStudyFactory(author_la=la, author=workforce_lead, published=True, case_type="breaches", tags=[tag])

    filters = SearchFilters(case_type="good_news", tag="price-caps", region=region.slug, outcome="partly")
    assert list(selectors.case_study_search(user=workforce_lead, filters=filters)) == [wanted]
    assert list(selectors.case_study_search(user=workforce_lead, filters=SearchFilters(region="london"))) == []


def test_related_case_studies_rank_by_shared_tags_then_type(la, workforce_lead):
    caps, teams, sw = TagFactory(slug="price-caps"), TagFactory(slug="project-teams"), TagFactory(slug="social-worker")
    two_tags = CaseStudyFactory(author_la=la, author=workforce_lead, published=True, tags=[caps, teams])
    one_tag = CaseStudyFactory(author_la=la, author=workforce_lead, published=True, tags=[caps], case_type="breaches")
    type_only = CaseStudyFactory(author_la=la, author=workforce_lead, published=True, case_type="breaches")
    CaseStudyFactory(author_la=la, author=workforce_lead, published=True, case_type="good_news")
    role = CaseStudyFactory(author_la=la, author=workforce_lead, published=True, tags=[sw], case_type="good_news")
    CaseStudyFactory(author_la=la, author=workforce_lead, tags=[caps, teams])  # a draft is never related

    related = selectors.related_case_studies(
        user=workforce_lead, tags=["price-caps", "project-teams"], case_type="breaches", role_grade_code="social_worker"
    )

    assert related == [two_tags, one_tag, role, type_only]
    assert selectors.related_case_studies(user=workforce_lead, tags=["price-caps"], exclude=two_tags) == [one_tag]
    assert selectors.related_case_studies(user=workforce_lead) == []


def test_resources_follow_their_case_study_or_region(la, region, workforce_lead, second_la_lead, foreign_lead):
    draft = CaseStudyFactory(author_la=la, author=workforce_lead)
    on_draft = ResourceVersionFactory(resource=ResourceFactory(region=region, case_study=draft)).resource
    standalone = ResourceVersionFactory(resource=ResourceFactory(region=region)).resource
    national = ResourceVersionFactory(resource=ResourceFactory(region=region, share_nationally=True)).resource

    assert set(selectors.resources_visible_to(user=workforce_lead)) == {on_draft, standalone, national}
    assert set(selectors.resources_visible_to(user=second_la_lead)) == {standalone, national}
    assert set(selectors.resources_visible_to(user=foreign_lead)) == {national}
    with pytest.raises(PermissionDenied):
        selectors.resource_get(user=second_la_lead, pk=on_draft.pk)


def test_the_search_list_does_not_query_per_case_study(la, workforce_lead, django_assert_max_num_queries):
    tag = TagFactory(slug="data")
    for _ in range(10):
        CaseStudyFactory(author_la=la, author=workforce_lead, published=True, tags=[tag])

    with django_assert_max_num_queries(6):
        for case_study in selectors.case_study_search(user=workforce_lead, query="agency"):
            _ = case_study.region.name, [t.name for t in case_study.tags.all()]
