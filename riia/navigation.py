"""The service navigation, which depends on the person's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from riia.models import Role
from riia.rules import holds_any
from riia.selectors import notifications_unread_for, regions_visible_to


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for(user, path: str) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = [("Home", reverse("home"))]
    regions = list(regions_visible_to(user=user).order_by("name")[:3])
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
        items.append(("Quarterly returns", reverse("returns:index")))
    if la_or_region_staff:
        items.append(("Case studies", reverse("casestudies:index")))
    items.append(("Benchmarks", reverse("dashboards:england")))
    if regions and user.has_perm("governance.view_region_governance", regions[0]):
        items.append(("Governance", reverse("meetings:region", args=[regions[0].slug])))
    if user.has_perm("governance.add_escalation"):
        items.append(("Escalations", reverse("governance:escalation-list")))
    if user.has_perm("riia.manage_api_keys"):
        items.append(("API keys", reverse("api-keys")))
    unread = notifications_unread_for(user=user).count()
    items.append((f"Notifications ({unread})" if unread else "Notifications", reverse("notifications")))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    home = reverse("home")
    return [NavItem(label, url, active=(path == url) if url == home else path.startswith(url)) for label, url in items]
