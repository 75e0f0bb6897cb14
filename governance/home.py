"""Home-page panels: escalations waiting for the programme manager, and the raiser's that need information."""

from __future__ import annotations

from django.urls import reverse

from governance.models import EscalationStatus
from governance.selectors import escalations_to_triage, escalations_visible_to
from riia.home import HomeItem, HomePanel


def panels_for(user) -> list[HomePanel]:
    panels: list[HomePanel] = []
    to_triage = list(escalations_to_triage(user=user)[:10])
    if to_triage:
        panels.append(
            HomePanel(
                title="Escalations to triage",
                items=[
                    HomeItem(
                        f"{e.reference}: {e.get_kind_display()}",
                        reverse("governance:escalation-detail", args=[e.pk]),
                        "To triage",
                    )
                    for e in to_triage
                ],
                more_url=reverse("governance:escalation-list"),
                more_text="All escalations",
            )
        )
    asked = list(
        escalations_visible_to(user=user).filter(raised_by=user, status=EscalationStatus.NEEDS_INFORMATION)[:10]
    )
    if asked:
        panels.append(
            HomePanel(
                title="Your escalations that need information",
                items=[
                    HomeItem(
                        f"{e.reference}: {e.get_kind_display()}",
                        reverse("governance:escalation-respond", args=[e.pk]),
                        "Needs information",
                    )
                    for e in asked
                ],
            )
        )
    return panels


def action_panels_for(user) -> list[HomePanel]:
    """Open meeting actions owned by the person or their LA; overdue ones are marked."""
    from governance.selectors_meetings import actions_open_for

    actions = list(actions_open_for(user=user)[:10])
    if not actions:
        return []
    return [
        HomePanel(
            title="Your meeting actions",
            items=[
                HomeItem(
                    f"{a.description[:80]} ({a.meeting.title}, due {a.due_on:%d %b %Y})",
                    reverse("meetings:detail", args=[a.meeting_id]),
                    "Overdue" if a.is_overdue else "Open",
                )
                for a in actions
            ],
        )
    ]
