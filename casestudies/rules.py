"""Who may see, write, submit and publish case studies and resources, composed from riia.rules.

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


@rules.predicate
def has_any_region_role(user: User) -> bool:
    """LA, RIIA and MSP staff; agencies are not members of a region."""
    return any(m.role not in Role.agency_roles() for m in current_memberships(user))


def la_memberships(user: User) -> list[LocalAuthority]:
    """The LAs in which the person holds any LA role, each once."""
    seen: dict[int, LocalAuthority] = {}
    for m in current_memberships(user):
        if m.role in Role.la_roles():
            seen.setdefault(m.local_authority_id, m.local_authority)
    return list(seen.values())


def programme_manager_regions(user: User) -> list[Region]:
    return [m.region for m in current_memberships(user) if m.role == Role.PROGRAMME_MANAGER]


@rules.predicate
def can_draft_case_study(user: User) -> bool:
    return bool(la_memberships(user) or programme_manager_regions(user))


@rules.predicate
def is_case_study_author_side(user: User, case_study: CaseStudy) -> bool:
    """A member of the LA that wrote it (or, for one the region wrote, its programme manager)."""
    if case_study.author_la_id is None:
        return is_programme_manager_of(user, case_study.region)
    return is_la_member(user, case_study.author_la)


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
    return case_study.status in EDITABLE_BY_AUTHOR and is_case_study_author_side(user, case_study)


@rules.predicate
def can_submit_case_study(user: User, case_study: CaseStudy) -> bool:
    return case_study.status in SUBMITTABLE and is_case_study_author_side(user, case_study)


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
    if resource.case_study_id is not None:
        return can_change_case_study(user, resource.case_study)
    if is_programme_manager_of(user, resource.region):
        return True
    return resource.owner_la_id is not None and is_la_member(user, resource.owner_la)


@rules.predicate
def can_add_resource_to_region(user: User, region: Region) -> bool:
    return is_programme_manager_of(user, region) or any(la.region_id == region.pk for la in la_memberships(user))


rules.add_perm("casestudies.add_casestudy", can_draft_case_study)
rules.add_perm("casestudies.view_casestudy", can_view_case_study)
rules.add_perm("casestudies.change_casestudy", can_change_case_study)
rules.add_perm("casestudies.submit_casestudy", can_submit_case_study)
rules.add_perm("casestudies.publish_casestudy", can_publish_case_study)
rules.add_perm("casestudies.view_resource", can_view_resource)
rules.add_perm("casestudies.change_resource", can_change_resource)
rules.add_perm("casestudies.add_resource", can_add_resource_to_region)
rules.add_perm("casestudies.use_library", has_any_region_role)
