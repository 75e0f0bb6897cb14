"""Who may do what with escalations.

=======================  =====================================================================
role                     escalations
=======================  =====================================================================
anyone with a role       raise one (an agency contact may do nothing else); see the status and
(LA, RIIA, MSP, agency)  outcome of what they raised, and add information when asked for it
programme manager        triage, record actions and contacts, close with an outcome, share with
                         another region's programme manager, share the outcome with the MSPs
                         serving the region, turn it into a draft case study
sub-regional lead, RIIA  see the region's escalations (the region's staff)
member
another region's PM      sees an escalation shared with their region, and nothing else
MSP users                see outcomes shared with their MSP ("outcomes shared with MSPs")
=======================  =====================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from governance.models import EscalationStatus
from riia.models import Role
from riia.rules import (
    current_memberships,
    groups_led_by,
    holds_any,
    is_programme_manager_of,
    is_region_member,
    is_region_staff,
    las_where,
    msps_of,
)

if TYPE_CHECKING:
    from governance.models import Escalation
    from riia.models import User


@rules.predicate
def can_raise_escalation(user: User) -> bool:
    return bool(current_memberships(user))


@rules.predicate
def is_escalation_raiser(user: User, escalation: Escalation | None) -> bool:
    return escalation is not None and escalation.raised_by_id == getattr(user, "pk", None)


@rules.predicate
def is_escalation_handler(user: User, escalation: Escalation | None) -> bool:
    """The region's programme manager, its single point of contact."""
    return escalation is not None and is_programme_manager_of(user, escalation.region)


@rules.predicate
def is_shared_region_manager(user: User, escalation: Escalation | None) -> bool:
    if escalation is None:
        return False
    return any(is_programme_manager_of(user, region) for region in escalation.shared_with_regions.all())


@rules.predicate
def can_view_escalation(user: User, escalation: Escalation | None) -> bool:
    if escalation is None:
        return False
    return (
        is_escalation_raiser(user, escalation)
        or is_region_staff(user, escalation.region)
        or is_shared_region_manager(user, escalation)
    )


@rules.predicate
def can_respond_to_escalation(user: User, escalation: Escalation | None) -> bool:
    return is_escalation_raiser(user, escalation) and escalation.status == EscalationStatus.NEEDS_INFORMATION


@rules.predicate
def can_see_shared_outcomes(user: User) -> bool:
    return bool(msps_of(user)) or holds_any(user, Role.region_roles())


rules.add_perm("governance.add_escalation", can_raise_escalation)
rules.add_perm("governance.view_escalation", can_view_escalation)
rules.add_perm("governance.handle_escalation", is_escalation_handler)
rules.add_perm("governance.respond_escalation", can_respond_to_escalation)
rules.add_perm("governance.view_shared_outcomes", can_see_shared_outcomes)


# --- Governance groups and meetings -----------------------------------------------------------
# The programme manager runs the region's meetings; a sub-regional lead runs their group's. The
# chair approves the minutes. Everyone in the region's LAs and staff reads the meetings; MSP people
# read the meetings of the region with its MSPs. Actions are completed by their owner (a person, or
# anyone of the owning LA who writes), or by the chair.

if TYPE_CHECKING:
    from governance.models import Meeting, MeetingAction
    from riia.models import Region


def _leads_group_in(user: User, region: Region) -> bool:
    return any(g.region_id == region.pk for g in groups_led_by(user))


@rules.predicate
def can_create_meeting(user: User, region: Region | None) -> bool:
    return region is not None and (is_programme_manager_of(user, region) or _leads_group_in(user, region))


@rules.predicate
def can_run_meeting(user: User, meeting: Meeting | None) -> bool:
    """Record attendees, minutes and actions: the chair, or the region's programme manager."""
    if meeting is None:
        return False
    return meeting.chair_id == getattr(user, "pk", None) or is_programme_manager_of(user, meeting.region)


@rules.predicate
def is_meeting_chair(user: User, meeting: Meeting | None) -> bool:
    return meeting is not None and meeting.chair_id == getattr(user, "pk", None)


@rules.predicate
def can_view_region_governance(user: User, region: Region | None) -> bool:
    return region is not None and (
        is_region_staff(user, region) or any(la.region_id == region.pk for la in las_where(user))
    )


@rules.predicate
def can_view_meeting(user: User, meeting: Meeting | None) -> bool:
    if meeting is None:
        return False
    if can_view_region_governance(user, meeting.region):
        return True
    return meeting.scope == "with_msps" and is_region_member(user, meeting.region)


@rules.predicate
def can_complete_action(user: User, action: MeetingAction | None) -> bool:
    if action is None:
        return False
    if action.owner_id is not None and action.owner_id == getattr(user, "pk", None):
        return True
    if action.owner_la_id is not None and any(
        la.pk == action.owner_la_id for la in las_where(user, [Role.WORKFORCE_LEAD, Role.DCS, Role.CHIEF_EXECUTIVE])
    ):
        return True
    return can_run_meeting(user, action.meeting)


rules.add_perm("governance.add_meeting", can_create_meeting)
rules.add_perm("governance.run_meeting", can_run_meeting)
rules.add_perm("governance.approve_minutes", is_meeting_chair)
rules.add_perm("governance.view_region_governance", can_view_region_governance)
rules.add_perm("governance.view_meeting", can_view_meeting)
rules.add_perm("governance.complete_action", can_complete_action)
