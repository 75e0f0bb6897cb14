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
from riia.rules import current_memberships, holds_any, is_programme_manager_of, is_region_staff, msps_of

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
