"""Home page panels for price caps: drafts and exemptions ending soon."""

from __future__ import annotations

from django.urls import reverse

from rates.selectors import exemptions_ending_soon, rate_card_drafts_for
from riia.home import HomeItem, HomePanel
from riia.models import Role
from riia.rules import holds_any


def panels_for(user) -> list[HomePanel]:
    ending = list(exemptions_ending_soon(user=user))
    is_pm = holds_any(user, [Role.PROGRAMME_MANAGER])
    if not is_pm and not ending:
        return []
    items = []
    if is_pm:
        items += [
            HomeItem(
                text=f"Draft rate card for {card.region}, started {card.created_at:%-d %B %Y}",
                url=reverse("rates:draft-edit", args=[card.pk]),
                status="Draft",
            )
            for card in rate_card_drafts_for(user=user)
        ]
    items += [
        HomeItem(
            text=f"{e.local_authority}: {e.role_grade} exemption ends {e.ends_on:%-d %B %Y}",
            url=reverse("rates:region", args=[e.local_authority.region.slug]),
            status="Ends soon",
        )
        for e in ending
    ]
    return [HomePanel(title="Price caps", items=items, empty_text="No draft rate cards and no exemptions ending soon.")]
