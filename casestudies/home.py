"""Home page panels: case studies waiting for the programme manager, and drafts returned to an LA."""

from __future__ import annotations

from django.urls import reverse

from casestudies.rules import la_memberships, programme_manager_regions
from casestudies.selectors import case_studies_awaiting_review, case_studies_returned_to
from riia.home import HomeItem, HomePanel


def panels_for(user) -> list[HomePanel]:
    panels = []
    more = {"more_url": reverse("casestudies:index"), "more_text": "All case studies"}
    if programme_manager_regions(user):
        items = [
            HomeItem(
                f"{cs.title} ({cs.author_la or cs.region})", reverse("casestudies:detail", args=[cs.pk]), "To review"
            )
            for cs in case_studies_awaiting_review(user=user)[:10]
        ]
        panels.append(
            HomePanel("Case studies to review", items, "No case studies are waiting for your review.", **more)
        )
    if la_memberships(user):
        items = [
            HomeItem(cs.title, reverse("casestudies:detail", args=[cs.pk]), "Returned")
            for cs in case_studies_returned_to(user=user)[:10]
        ]
        if items:
            panels.append(HomePanel("Case studies returned to you", items, **more))
    return panels
