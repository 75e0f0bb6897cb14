"""Who may send and read placement data. Pay figures of single placements are personal to the LA:
they are seen by the LA's own people, the MSP that sent them and the region's programme manager
(who runs the MOU's compliance checks), not by other LAs, sub-regional leads or RIIA members."""

from __future__ import annotations

import rules

from riia.models import Role
from riia.rules import (
    current_memberships,
    is_la_member,
    is_programme_manager_of,
    is_region_staff,
    is_workforce_lead_of,
)


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


rules.add_perm("datareturns.upload_placements", can_upload_placements_for)
rules.add_perm("datareturns.upload_leavers", can_upload_leavers_for)
rules.add_perm("datareturns.view_placements", can_view_placements_of)
rules.add_perm("datareturns.use_placement_data", can_use_placement_data)
rules.add_perm("datareturns.view_leavers", can_view_leavers)


# --- Benchmarking dashboards ---------------------------------------------------------------------
# England's page is for everyone signed in. A region's page (every LA side by side) is for its RIIA
# staff and its LAs' people, who share data under the MOU; an LA's page for the same people. MSPs and
# agencies see the England page only. Which pay figures are suppressed is the benchmark selector's.


def _la_regions(user) -> set[int]:
    return {m.local_authority.region_id for m in current_memberships(user) if m.role in Role.la_roles()}


@rules.predicate
def can_view_region_dashboard(user, region) -> bool:
    return region is not None and (is_region_staff(user, region) or region.pk in _la_regions(user))


@rules.predicate
def can_view_la_dashboard(user, la) -> bool:
    return la is not None and can_view_region_dashboard(user, la.region)


@rules.predicate
def can_manage_region_kpis(user, region) -> bool:
    return is_programme_manager_of(user, region)


rules.add_perm("datareturns.view_region_dashboard", can_view_region_dashboard)
rules.add_perm("datareturns.view_la_dashboard", can_view_la_dashboard)
rules.add_perm("datareturns.manage_region_kpis", can_manage_region_kpis)
