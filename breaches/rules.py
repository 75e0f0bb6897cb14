"""Who may do what in the breaches app, as named predicates registered as permissions. Views, the API,
services and templates (``{% has_perm "breaches.sign_breachrequest" user breach_request as can_sign %}``)
all use these, so one rule answers the question everywhere.

Sections: breach requests (below); the breach register and sanctions (further down).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from breaches.models import BreachRequestStatus
from riia.models import Region, Role
from riia.rules import (
    agencies_of,
    holds_any,
    is_chief_executive_of,
    is_dcs_of,
    is_la_member,
    is_programme_manager_of,
    is_region_member,
    is_region_staff,
    is_sub_regional_lead_of,
    is_workforce_lead_of,
    msps_of,
)

if TYPE_CHECKING:
    from breaches.models import BreachRecord, BreachRequest, Sanction
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
def can_delete_breach_request(user: User, breach_request: BreachRequest | None) -> bool:
    """Only a draft nobody else has seen (never sent, round 0) can be deleted outright."""
    return (
        breach_request is not None
        and breach_request.status == BreachRequestStatus.DRAFT
        and breach_request.round == 0
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
rules.add_perm("breaches.delete_breachrequest", can_delete_breach_request)
rules.add_perm("breaches.sign_breachrequest", can_sign_breach_request)
rules.add_perm("breaches.decide_breachrequest", can_decide_breach_request)
rules.add_perm("breaches.view_decisions", is_region_member)  # object: the region


# --- Breach register, sanctions and the training fund ---------------------------------------


@rules.predicate
def can_record_breach_for(user: User, la: LocalAuthority | None) -> bool:
    """The LA's workforce lead, or the programme manager of the LA's region."""
    return la is not None and (is_workforce_lead_of(user, la) or is_programme_manager_of(user, la.region))


@rules.predicate
def can_view_breach_record(user: User, record: BreachRecord | None) -> bool:
    """Region staff see every entry of their region; an LA's people see their LA's confirmed entries
    (a system suggestion is not a finding until the programme manager confirms it)."""
    if record is None:
        return False
    if is_region_staff(user, record.region):
        return True
    return record.status == record.Status.CONFIRMED and is_la_member(user, record.local_authority)


@rules.predicate
def can_change_breach_record(user: User, record: BreachRecord | None) -> bool:
    return (
        record is not None
        and record.status != record.Status.DISMISSED
        and can_record_breach_for(user, record.local_authority)
    )


@rules.predicate
def can_review_breach_record(user: User, record: BreachRecord | None) -> bool:
    """Confirm or dismiss a system suggestion: the region's programme manager."""
    return record is not None and is_programme_manager_of(user, record.region)


@rules.predicate
def has_breach_register(user: User) -> bool:
    """Anyone with an LA or region role has a register to read (MSPs and agencies do not)."""
    return holds_any(user, [*Role.la_roles(), *Role.region_roles()])


def _is_member_of_msp(user: User, msp_id: int | None) -> bool:
    return msp_id is not None and any(msp.pk == msp_id for msp in msps_of(user))


def _is_member_of_agency(user: User, agency_id: int | None) -> bool:
    return agency_id is not None and any(agency.pk == agency_id for agency in agencies_of(user))


@rules.predicate
def can_view_sanction(user: User, sanction: Sanction | None) -> bool:
    """Region staff; the sanctioned LA's people; the sanctioned MSP's or agency's people."""
    if sanction is None:
        return False
    return (
        is_region_staff(user, sanction.region)
        or (sanction.local_authority_id is not None and is_la_member(user, sanction.local_authority))
        or _is_member_of_msp(user, sanction.msp_id)
        or _is_member_of_agency(user, sanction.agency_id)
    )


@rules.predicate
def can_view_training_fund(user: User, region: Region | None) -> bool:
    """The fund is the region's: anyone with a role in the region may read the ledger."""
    return is_region_member(user, region)


rules.add_perm("breaches.view_breach_register", has_breach_register)
rules.add_perm("breaches.view_breachrecord", can_view_breach_record)
rules.add_perm("breaches.add_breachrecord", can_record_breach_for)
rules.add_perm("breaches.change_breachrecord", can_change_breach_record)
rules.add_perm("breaches.review_breachrecord", can_review_breach_record)
rules.add_perm("breaches.manage_sanctions", is_programme_manager_of)
rules.add_perm("breaches.view_sanction", can_view_sanction)
rules.add_perm("breaches.view_training_fund", can_view_training_fund)
