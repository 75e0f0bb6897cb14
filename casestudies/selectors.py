"""Scoped reads of case studies and resources: each returns only what the person may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from casestudies.models import CaseStudy, CaseStudyRevision, Resource, ResourceVersion, Tag
from casestudies.rules import has_any_region_role, la_memberships, programme_manager_regions
from riia.models import Region, User
from riia.selectors import regions_visible_to

Status = CaseStudy.Status


def _list_related(qs: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return qs.select_related("region", "author_la").prefetch_related("tags")


def _visibility(user: User) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    region_ids = list(regions_visible_to(user=user).values_list("pk", flat=True))
    published = Q(status=Status.PUBLISHED) & (
        Q(region_id__in=region_ids) | (Q(share_nationally=True) if has_any_region_role(user) else Q(pk__in=[]))
    )
    la_ids = [la.pk for la in la_memberships(user)]
    pm_region_ids = [r.pk for r in programme_manager_regions(user)]
    own = Q(author_la_id__in=la_ids) | Q(region_id__in=pm_region_ids)
    return published | own


def case_studies_visible_to(*, user: User) -> QuerySet[CaseStudy]:
    return _list_related(CaseStudy.objects.filter(_visibility(user)))


def case_studies_published_for(*, user: User) -> QuerySet[CaseStudy]:
    return case_studies_visible_to(user=user).filter(status=Status.PUBLISHED)


def case_studies_unpublished_for(*, user: User) -> QuerySet[CaseStudy]:
    """The person's LA drafts, and (for a programme manager) everything in their region not yet published."""
    return case_studies_visible_to(user=user).exclude(status=Status.PUBLISHED).order_by("-updated_at")


def case_studies_awaiting_review(*, user: User) -> QuerySet[CaseStudy]:
    regions = programme_manager_regions(user)
    return _list_related(CaseStudy.objects.filter(status=Status.SUBMITTED, region__in=regions)).order_by("submitted_at")


def case_studies_returned_to(*, user: User) -> QuerySet[CaseStudy]:
    las = la_memberships(user)
    return _list_related(CaseStudy.objects.filter(status=Status.RETURNED, author_la__in=las)).order_by("-updated_at")


def case_study_get(*, user: User, pk: int) -> CaseStudy:
    case_study = get_object_or_404(
        CaseStudy.objects.select_related("region", "author", "author_la", "published_by").prefetch_related(
            "tags",
            "local_authorities",
            "msps",
            "agencies",
            Prefetch("resources", queryset=Resource.objects.prefetch_related("versions")),
            Prefetch("revisions", queryset=CaseStudyRevision.objects.select_related("edited_by")),
        ),
        pk=pk,
    )
    if not user.has_perm("casestudies.view_casestudy", case_study):
        raise PermissionDenied("You cannot see this case study.")
    return case_study


@dataclass(frozen=True)
class SearchFilters:
    case_type: str = ""
    tag: str = ""
    region: str = ""  # region slug
    outcome: str = ""


def _filtered(qs: QuerySet[CaseStudy], filters: SearchFilters) -> QuerySet[CaseStudy]:
    if filters.case_type:
        qs = qs.filter(case_type=filters.case_type)
    if filters.tag:
        qs = qs.filter(pk__in=CaseStudy.tags.through.objects.filter(tag__slug=filters.tag).values("casestudy_id"))
    if filters.region:
        qs = qs.filter(region__slug=filters.region)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    return qs


SEARCH_FIELDS = ("title", "issue", "decision", "outcome_assessment", "learning", "involved_description")


def case_study_search(*, user: User, query: str = "", filters: SearchFilters | None = None) -> QuerySet[CaseStudy]:
    """Published case studies the person may see, filtered, and ranked by the query when there is one:
    a title match ranks above a match in the body."""
    qs = _filtered(case_studies_published_for(user=user), filters or SearchFilters())
    query = query.strip()
    if not query:
        return qs.order_by("-published_at", "-pk")
    if connection.vendor == "postgresql":
        return _search_postgres(qs, query)
    return _search_simple(qs, query)


def _search_postgres(qs: QuerySet[CaseStudy], query: str) -> QuerySet[CaseStudy]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("issue", "learning", weight="B", config="english")
        + SearchVector("decision", "outcome_assessment", "involved_description", weight="C", config="english")
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
    return (
        qs.annotate(search=vector, rank=SearchRank(vector, search_query))
        .filter(search=search_query)
        .order_by("-rank", "-published_at", "-pk")
    )


def _search_simple(qs: QuerySet[CaseStudy], query: str) -> QuerySet[CaseStudy]:
    """Without PostgreSQL: every word must appear in some part (case-insensitive); case studies whose
    title holds the whole phrase come first, then those whose title holds every word."""
    words = [w for w in query.replace('"', " ").split() if w]
    for word in words:
        qs = qs.filter(Q.create([(f"{field}__icontains", word) for field in SEARCH_FIELDS], connector=Q.OR))
    title_all_words = Q.create([("title__icontains", w) for w in words]) if words else Q(pk__in=[])
    return qs.annotate(
        rank=Case(
            When(title__icontains=query, then=Value(2)),
            When(title_all_words, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-rank", "-published_at", "-pk")


def related_case_studies(
    *,
    user: User,
    tags: list[str] | None = None,
    case_type: str | None = None,
    role_grade_code: str | None = None,
    exclude: CaseStudy | int | None = None,
    limit: int = 5,
) -> list[CaseStudy]:
    """Published case studies the person may see that share a tag, the role (as a role tag, e.g.
    "social-worker") or the type; most shared tags first, a type match breaking ties."""
    wanted = [t for t in (tags or []) if t]
    if role_grade_code:
        wanted.append(slugify(role_grade_code.replace("_", "-")))
    if not wanted and not case_type:
        return []
    tagged = CaseStudy.tags.through.objects.filter(tag__slug__in=wanted).values("casestudy_id")
    match = Q(pk__in=tagged)
    if case_type:
        match |= Q(case_type=case_type)
    qs = case_studies_published_for(user=user).filter(match)
    if exclude is not None:
        qs = qs.exclude(pk=getattr(exclude, "pk", exclude))
    qs = qs.annotate(
        tag_hits=Count("tags", filter=Q(tags__slug__in=wanted), distinct=True),
        type_hit=Case(When(case_type=case_type or "", then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).order_by("-tag_hits", "-type_hit", "-published_at", "-pk")
    return list(qs[:limit])


def tags_all() -> QuerySet[Tag]:
    return Tag.objects.all()


def regions_for_filter(*, user: User) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=case_studies_published_for(user=user).values("region")).order_by("name")


# --- Resources ------------------------------------------------------------------------------


def resources_visible_to(*, user: User) -> QuerySet[Resource]:
    """Standalone resources of the person's regions (or shared nationally), and resources attached to
    case studies the person may see."""
    if not user.is_authenticated:
        return Resource.objects.none()
    region_ids = list(regions_visible_to(user=user).values_list("pk", flat=True))
    standalone = Q(case_study__isnull=True) & (
        Q(region_id__in=region_ids) | (Q(share_nationally=True) if has_any_region_role(user) else Q(pk__in=[]))
    )
    attached = Q(case_study__in=CaseStudy.objects.filter(_visibility(user)).values("pk"))
    return (
        Resource.objects.filter(standalone | attached)
        .select_related("region", "case_study")
        .prefetch_related(Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number")))
    )


def resource_get(*, user: User, pk: int) -> Resource:
    resource = get_object_or_404(
        Resource.objects.select_related("region", "case_study__region", "case_study__author_la").prefetch_related(
            Prefetch("versions", queryset=ResourceVersion.objects.select_related("created_by").order_by("-number"))
        ),
        pk=pk,
    )
    if not user.has_perm("casestudies.view_resource", resource):
        raise PermissionDenied("You cannot see this resource.")
    return resource


def resource_version_get(*, user: User, resource_pk: int, number: int) -> ResourceVersion:
    resource = resource_get(user=user, pk=resource_pk)
    return get_object_or_404(ResourceVersion.objects.select_related("resource"), resource=resource, number=number)
