"""The service navigation, which depends on the person's roles."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import get_script_prefix, reverse

from riia.models import Role
from riia.rules import access_cache_key, holds_any, member_regions
from riia.selectors import notifications_unread_count


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _navigation_links(user) -> list[tuple[str, str]]:
    """The links the person's roles and account give (every rule here reads only their memberships
    and the flags on their user row), in the bar's order; the notifications link is added per request."""
    # Home is the service name's link at the start of the bar, as in GOV.UK's service navigation.
    items: list[tuple[str, str]] = []
    regions = member_regions(user)[:3]
    for region in regions:
        items.append((region.name, reverse("region-detail", args=[region.slug])))
    if regions:
        items.append(("Price caps", reverse("rates:region", args=[regions[0].slug])))
    la_or_region_staff = holds_any(user, [*Role.la_roles(), *Role.region_roles()])
    if la_or_region_staff:
        items.append(("Breach requests", reverse("breaches:request-list")))
    if user.has_perm("breaches.view_breach_register"):
        items.append(("Breach register", reverse("breaches:register")))
    if user.has_perm("datareturns.use_placement_data"):
        items.append(("Placements", reverse("datareturns:placement-list")))
    if user.has_perm("datareturns.use_returns"):
        items.append(("Returns", reverse("returns:index")))
    if la_or_region_staff:
        items.append(("Case studies", reverse("casestudies:index")))
    items.append(("Benchmarks", reverse("dashboards:england")))
    if regions and user.has_perm("governance.view_region_governance", regions[0]):
        items.append(("Governance", reverse("meetings:region", args=[regions[0].slug])))
    # LA and region staff reach escalations from the governance page (the bar stays on one line at
    # 1280 px); for MSP people and agency contacts they are the way in.
    if user.has_perm("governance.add_escalation") and not la_or_region_staff:
        items.append(("Escalations", reverse("governance:escalation-list")))
    if user.has_perm("riia.manage_api_keys"):
        items.append(("API keys", reverse("api-keys")))
    items.append(("Notifications", reverse("notifications")))
    if user.has_perm("riia.export_audit_trail"):
        items.append(("Audit trail", reverse("audit-export")))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    return items


def navigation_for(user, path: str) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    # Kept with the person's memberships (the same access version), and keyed by the account flags
    # the links also read and by the address prefix the links were made under.
    key = access_cache_key(user, "navigation")
    if key:
        key = f"{key}:{int(user.is_active)}{int(user.is_staff)}{int(user.is_superuser)}:{get_script_prefix()}"
    build = functools.partial(_navigation_links, user)
    links = cache.get_or_set(key, build, settings.RIIA_MEMBERSHIPS_CACHE_SECONDS) if key else build()
    notifications = reverse("notifications")
    unread = notifications_unread_count(user=user)
    home = reverse("home")
    return [
        NavItem(
            f"{label} ({unread})" if url == notifications and unread else label,
            url,
            active=(path == url) if url == home else path.startswith(url),
        )
        for label, url in links
    ]
