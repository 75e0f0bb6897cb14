"""Who may send and read placement data. Pay figures of single placements are personal to the LA:
they are seen by the LA's own people, the MSP that sent them and the region's programme manager
(who runs the MOU's compliance checks), not by other LAs, sub-regional leads or RIIA members."""

from __future__ import annotations

import rules

from datareturns.models import ScopeKind
from riia.models import Role
from riia.rules import current_memberships, is_dcs_of, is_la_member, is_programme_manager_of, is_workforce_lead_of


def msps_uploading_for(user) -> list:
    """The MSPs this person uploads for (their uploader memberships)."""
    return [m.msp for m in current_memberships(user) if m.role == Role.MSP_UPLOADER]


def msps_of(user) -> list:
    return [m.msp for m in current_memberships(user) if m.role in Role.msp_roles()]


@rules.predicate
def can_upload_placements_for(user, la) -> bool:
    """An LA's workforce lead uploads its placements in the browser (LAs without an MSP)."""
    return is_workforce_lead_of(user, la)


@rules.predicate
def can_upload_leavers_for(user, la) -> bool:
    return is_workforce_lead_of(user, la)


@rules.predicate
def can_view_placements_of(user, la) -> bool:
    return la is not None and (is_la_member(user, la) or is_programme_manager_of(user, la.region))


@rules.predicate
def can_view_leavers(user) -> bool:
    """Permanent leavers are an LA's staff records: its own people and the region's programme manager
    (who runs the cool-off check) see them; MSPs, who never send them, do not."""
    return any(m.role in (*Role.la_roles(), Role.PROGRAMME_MANAGER) for m in current_memberships(user))


@rules.predicate
def can_use_placement_data(user) -> bool:
    """Whether the placements pages are for this person at all (the navigation link)."""
    return any(
        m.role in (*Role.la_roles(), *Role.msp_roles(), Role.PROGRAMME_MANAGER) for m in current_memberships(user)
    )


@rules.predicate
def can_check_placements(user) -> bool:
    """The pre-offer check is for those who send placements: an MSP's uploader (for the LAs it
    serves) and an LA's workforce lead (for their LA); API keys check as their organisation."""
    return any(m.role in (Role.MSP_UPLOADER, Role.WORKFORCE_LEAD) for m in current_memberships(user))


@rules.predicate
def can_view_check_tallies(user) -> bool:
    """How often the region's MSPs and LAs check before offering: for its programme manager."""
    return any(m.role == Role.PROGRAMME_MANAGER for m in current_memberships(user))


rules.add_perm("datareturns.upload_placements", can_upload_placements_for)
rules.add_perm("datareturns.upload_leavers", can_upload_leavers_for)
rules.add_perm("datareturns.view_placements", can_view_placements_of)
rules.add_perm("datareturns.use_placement_data", can_use_placement_data)
rules.add_perm("datareturns.view_leavers", can_view_leavers)


# --- Quarterly returns (issue 10) ---------------------------------------------------------------
# The return carries single placements' pay, so it stays with the LA and its programme manager, as
# the placements do. The workforce lead prepares and submits; the DCS signs off; the programme
# manager reopens a signed-off return, reminds and exports the region's quarter.


@rules.predicate
def can_view_return_of(user, la) -> bool:
    return la is not None and (is_la_member(user, la) or is_programme_manager_of(user, la.region))


@rules.predicate
def can_prepare_return_of(user, la) -> bool:
    return is_workforce_lead_of(user, la)


@rules.predicate
def can_sign_off_return_of(user, la) -> bool:
    return is_dcs_of(user, la)


@rules.predicate
def can_reopen_return_of(user, la) -> bool:
    return la is not None and is_programme_manager_of(user, la.region)


@rules.predicate
def can_use_returns(user) -> bool:
    """Whether the returns pages are for this person at all (the navigation link)."""
    return any(m.role in (*Role.la_roles(), Role.PROGRAMME_MANAGER) for m in current_memberships(user))


rules.add_perm("datareturns.view_return", can_view_return_of)
rules.add_perm("datareturns.prepare_return", can_prepare_return_of)
rules.add_perm("datareturns.sign_off_return", can_sign_off_return_of)
rules.add_perm("datareturns.reopen_return", can_reopen_return_of)
rules.add_perm("datareturns.manage_region_returns", is_programme_manager_of)
rules.add_perm("datareturns.use_returns", can_use_returns)
rules.add_perm("datareturns.check_placements", can_check_placements)
rules.add_perm("datareturns.view_check_tallies", can_view_check_tallies)


# --- Benchmarks ---------------------------------------------------------------------------------
# England and region figures are for every signed-in user (and every API key). Group and LA figures
# are shared inside a region under its MOU: its LAs' staff and its RIIA staff see them; nobody sees
# another region's. Small-number pay figures are seen only by the LA's own people (its own row) and
# the region's programme manager (every row of the region).


def benchmark_region_ids_for(user) -> set[int]:
    """The regions whose group and LA benchmarks this person or key may see."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "api_key", None) is not None:
        la = user.local_authority
        return {la.region_id} if la is not None else set()
    ids: set[int] = set()
    for m in current_memberships(user):
        if m.role in Role.la_roles():
            ids.add(m.local_authority.region_id)
        elif m.role in Role.region_roles():
            ids.add(m.region_id)
    return ids


def _own_la_ids(user) -> set[int]:
    if getattr(user, "api_key", None) is not None:
        la = user.local_authority
        return {la.pk} if la is not None else set()
    return {m.local_authority_id for m in current_memberships(user) if m.role in Role.la_roles()}


@rules.predicate
def can_view_benchmark_scope(user, scope) -> bool:
    """``scope`` is a ``benchmarks_selectors.Scope``."""
    if scope is None or not getattr(user, "is_authenticated", False):
        return False
    if scope.kind in (ScopeKind.ENGLAND, ScopeKind.REGION):
        return True
    return scope.region_id in benchmark_region_ids_for(user)


@rules.predicate
def can_see_benchmark_pay(user, scope) -> bool:
    """Whether small-number pay figures of this scope's rows are shown unsuppressed."""
    if scope is None or scope.kind == ScopeKind.ENGLAND or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "api_key", None) is None and is_programme_manager_of(user, scope.region):
        return True
    return scope.kind == ScopeKind.LA and scope.local_authority.pk in _own_la_ids(user)


rules.add_perm("datareturns.view_benchmark_scope", can_view_benchmark_scope)
rules.add_perm("datareturns.see_benchmark_pay", can_see_benchmark_pay)
