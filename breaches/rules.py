"""Who may do what in the breaches app, as named predicates registered as permissions. Views, the API,
services and templates (``{% has_perm "breaches.sign_breachrequest" user breach_request as can_sign %}``)
all use these, so one rule answers the question everywhere.

Sections: breach requests (below); the breach register and sanctions (further down).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from breaches.models import BreachRequestStatus
from riia.models import Region
from riia.rules import (
    is_chief_executive_of,
    is_dcs_of,
    is_la_member,
    is_programme_manager_of,
    is_region_member,
    is_region_staff,
    is_sub_regional_lead_of,
    is_workforce_lead_of,
)

if TYPE_CHECKING:
    from breaches.models import BreachRequest
    from riia.models import LocalAuthority, User


# --- Breach requests ------------------------------------------------------------------------


def decides_sub_regionally(la: LocalAuthority) -> bool:
    """Whether the LA's breach requests are decided by its group's sub-regional lead. An LA outside any
    group in a sub-regional region falls back to the programme manager, so no request is left undecidable."""
    return la.region.breach_decision_level == Region.DecisionLevel.SUB_REGIONAL and la.group_id is not None


@rules.predicate
def is_decider_for(user: User, la: LocalAuthority | None) -> bool:
    """The person the region's MOU names to decide this LA's breach requests."""
    if la is None:
        return False
    if decides_sub_regionally(la):
        return is_sub_regional_lead_of(user, la.group)
    return is_programme_manager_of(user, la.region)


@rules.predicate
def can_view_breach_request(user: User, breach_request: BreachRequest | None) -> bool:
    """LA staff see their LA's requests; region staff see the region's once submitted; everyone in the
    region sees decided ones (transparency: all members are told of each decision)."""
    if breach_request is None:
        return False
    la = breach_request.local_authority
    if is_la_member(user, la):
        return True
    if breach_request.round >= 1 and is_region_staff(user, la.region):
        return True
    return breach_request.status in BreachRequestStatus.decided() and is_region_member(user, la.region)


@rules.predicate
def can_edit_breach_request(user: User, breach_request: BreachRequest | None) -> bool:
    return (
        breach_request is not None
        and breach_request.status in BreachRequestStatus.editable()
        and is_workforce_lead_of(user, breach_request.local_authority)
    )


@rules.predicate
def can_withdraw_breach_request(user: User, breach_request: BreachRequest | None) -> bool:
    return (
        breach_request is not None
        and breach_request.status in BreachRequestStatus.open()
        and is_workforce_lead_of(user, breach_request.local_authority)
    )


@rules.predicate
def can_sign_breach_request(user: User, breach_request: BreachRequest | None) -> bool:
    if breach_request is None or breach_request.status != BreachRequestStatus.AWAITING_SIGNATURES:
        return False
    la = breach_request.local_authority
    return is_dcs_of(user, la) or is_chief_executive_of(user, la)


@rules.predicate
def can_decide_breach_request(user: User, breach_request: BreachRequest | None) -> bool:
    return (
        breach_request is not None
        and breach_request.status == BreachRequestStatus.AWAITING_DECISION
        and is_decider_for(user, breach_request.local_authority)
    )


rules.add_perm("breaches.add_breachrequest", is_workforce_lead_of)  # object: the local authority
rules.add_perm("breaches.view_breachrequest", can_view_breach_request)
rules.add_perm("breaches.change_breachrequest", can_edit_breach_request)
rules.add_perm("breaches.withdraw_breachrequest", can_withdraw_breach_request)
rules.add_perm("breaches.sign_breachrequest", can_sign_breach_request)
rules.add_perm("breaches.decide_breachrequest", can_decide_breach_request)
rules.add_perm("breaches.view_decisions", is_region_member)  # object: the region
