"""Who may read and write case studies and resources. Every role's rights on them are decided here;
views, services, selectors and templates ask these predicates and nothing else.

=======================  =====================================================================
role                     case studies and resources
=======================  =====================================================================
LA workforce lead,       write case studies for their LA, change and send their LA's drafts for
DCS, chief executive     review, change their LA's published ones; add resources to their LA's
                         case studies and to their region's library, and new versions of their
                         LA's resources
LA viewer                read only: their LA's drafts, and what is published for their region
programme manager        read the region's drafts once they exist; publish or return them; change
                         published ones; add and version any resource of the region's library
sub-regional lead, RIIA  read what is published for their region (or shared nationally)
member, MSP uploader
and viewer
agency contact           nothing (agencies are not members of a region)
=======================  =====================================================================

Drafts (and case studies in review or returned) are seen only by their author's LA and the region's
programme manager, who reviews them. Published ones are seen across the region, or by everyone with
a role in any region when shared nationally."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from riia.models import Role
from riia.rules import current_memberships, is_la_member, is_programme_manager_of, is_region_member

if TYPE_CHECKING:
    from casestudies.models import CaseStudy, Resource
    from riia.models import LocalAuthority, Region, User

EDITABLE_BY_AUTHOR = {"draft", "returned", "published"}
SUBMITTABLE = {"draft", "returned"}
# An LA's viewer only reads (README, "Who uses it"); every other LA role may write.
LA_WRITER_ROLES = (Role.WORKFORCE_LEAD, Role.DCS, Role.CHIEF_EXECUTIVE)


@rules.predicate
def has_any_region_role(user: User) -> bool:
    """LA, RIIA and MSP staff; agencies are not members of a region."""
    return any(m.role not in Role.agency_roles() for m in current_memberships(user))


def _las_where(user: User, roles: tuple[str, ...] | list[str]) -> list[LocalAuthority]:
    seen: dict[int, LocalAuthority] = {}
    for m in current_memberships(user):
        if m.role in roles:
            seen.setdefault(m.local_authority_id, m.local_authority)
    return list(seen.values())


def la_memberships(user: User) -> list[LocalAuthority]:
    """The LAs in which the person holds any LA role (and so reads their drafts), each once."""
    return _las_where(user, Role.la_roles())


def writer_las(user: User) -> list[LocalAuthority]:
    """The LAs for which the person may write case studies and resources, each once."""
    return _las_where(user, LA_WRITER_ROLES)


def programme_manager_regions(user: User) -> list[Region]:
    return [m.region for m in current_memberships(user) if m.role == Role.PROGRAMME_MANAGER]


@rules.predicate
def is_la_writer(user: User, la: LocalAuthority | None) -> bool:
    return la is not None and any(w.pk == la.pk for w in writer_las(user))


@rules.predicate
def can_draft_case_study(user: User) -> bool:
    """The "Write a case study" page is for LA writers (the programme team's own case studies come
    in through the demo loader, ``case_study_create(region=...)``)."""
    return bool(writer_las(user))


@rules.predicate
def is_case_study_author_side(user: User, case_study: CaseStudy) -> bool:
    """Reads it while unpublished: a member of the LA that wrote it (or, for one the region wrote,
    its programme manager)."""
    if case_study.author_la_id is None:
        return is_programme_manager_of(user, case_study.region)
    return is_la_member(user, case_study.author_la)


@rules.predicate
def is_case_study_writer(user: User, case_study: CaseStudy) -> bool:
    """Writes it: a writer of the LA that wrote it (or, for one the region wrote, its programme manager)."""
    if case_study.author_la_id is None:
        return is_programme_manager_of(user, case_study.region)
    return is_la_writer(user, case_study.author_la)


@rules.predicate
def is_case_study_reviewer(user: User, case_study: CaseStudy) -> bool:
    return is_programme_manager_of(user, case_study.region)


@rules.predicate
def is_published_for(user: User, case_study: CaseStudy) -> bool:
    if case_study.status != "published":
        return False
    return is_region_member(user, case_study.region) or (case_study.share_nationally and has_any_region_role(user))


@rules.predicate
def can_view_case_study(user: User, case_study: CaseStudy) -> bool:
    return (
        is_published_for(user, case_study)
        or is_case_study_author_side(user, case_study)
        or is_case_study_reviewer(user, case_study)
    )


@rules.predicate
def can_change_case_study(user: User, case_study: CaseStudy) -> bool:
    if case_study.status == "published" and is_case_study_reviewer(user, case_study):
        return True
    return case_study.status in EDITABLE_BY_AUTHOR and is_case_study_writer(user, case_study)


@rules.predicate
def can_submit_case_study(user: User, case_study: CaseStudy) -> bool:
    return case_study.status in SUBMITTABLE and is_case_study_writer(user, case_study)


@rules.predicate
def can_publish_case_study(user: User, case_study: CaseStudy) -> bool:
    return case_study.status == "submitted" and is_case_study_reviewer(user, case_study)


@rules.predicate
def can_view_resource(user: User, resource: Resource) -> bool:
    if resource.case_study_id is not None:
        return can_view_case_study(user, resource.case_study)
    return is_region_member(user, resource.region) or (resource.share_nationally and has_any_region_role(user))


@rules.predicate
def can_change_resource(user: User, resource: Resource) -> bool:
    """Add a version: as the case study it belongs to, or, in a library, the region's programme
    manager and the writers of the LA that owns it."""
    if resource.case_study_id is not None:
        return can_change_case_study(user, resource.case_study)
    if is_programme_manager_of(user, resource.region):
        return True
    return resource.owner_la_id is not None and is_la_writer(user, resource.owner_la)


def library_regions(user: User) -> list[Region]:
    """The regions to whose library the person may add resources, each once."""
    regions = {la.region_id: la.region for la in writer_las(user)}
    regions.update((r.pk, r) for r in programme_manager_regions(user))
    return list(regions.values())


@rules.predicate
def can_add_resource_to_region(user: User, region: Region | None) -> bool:
    """Without a region: whether the person may add to any region's library (the "Add a resource" page)."""
    regions = library_regions(user)
    return bool(regions) if region is None else any(r.pk == region.pk for r in regions)


rules.add_perm("casestudies.add_casestudy", can_draft_case_study)
rules.add_perm("casestudies.view_casestudy", can_view_case_study)
rules.add_perm("casestudies.change_casestudy", can_change_case_study)
rules.add_perm("casestudies.submit_casestudy", can_submit_case_study)
rules.add_perm("casestudies.publish_casestudy", can_publish_case_study)
rules.add_perm("casestudies.view_resource", can_view_resource)
rules.add_perm("casestudies.change_resource", can_change_resource)
rules.add_perm("casestudies.add_resource", can_add_resource_to_region)
rules.add_perm("casestudies.use_library", has_any_region_role)
