"""Who may do what in the breaches app, as named predicates shared by services, views and templates.

Two branches add to this file; each keeps to its own marked section."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from riia.models import Role
from riia.rules import (
    current_memberships,
    is_la_member,
    is_programme_manager_of,
    is_region_member,
    is_region_staff,
    is_workforce_lead_of,
)

if TYPE_CHECKING:
    from breaches.models import BreachRecord, Sanction
    from riia.models import LocalAuthority, Region, User


# --- Breach register, sanctions and the training fund (branch breach-register) ---------------


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
    return any(m.role in Role.la_roles() or m.role in Role.region_roles() for m in current_memberships(user))


def _is_member_of_msp(user: User, msp_id: int | None) -> bool:
    return msp_id is not None and any(m.msp_id == msp_id for m in current_memberships(user))


def _is_member_of_agency(user: User, agency_id: int | None) -> bool:
    return agency_id is not None and any(m.agency_id == agency_id for m in current_memberships(user))


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

# --- end of breach-register section ----------------------------------------------------------
