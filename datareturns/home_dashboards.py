"""Home page panel: the benchmarking dashboards that are the person's own (their LAs' and regions')."""

from __future__ import annotations

from django.urls import reverse

from datareturns.selectors_dashboards import dashboards_of
from riia.home import HomeItem, HomePanel
from riia.models import User


def panels_for(user: User) -> list[HomePanel]:
    regions, las = dashboards_of(user=user)
    if not regions and not las:
        return []
    items = [HomeItem(f"{la.name}: figures and trends", reverse("dashboards:la", args=[la.slug])) for la in las]
    items += [
        HomeItem(f"{region.name}: every local authority", reverse("dashboards:region", args=[region.slug]))
        for region in regions
    ]
    return [
        HomePanel(
            title="Benchmarking dashboards",
            items=items,
            more_url=reverse("dashboards:england"),
            more_text="England: every region",
        )
    ]
