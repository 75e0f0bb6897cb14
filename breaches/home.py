"""Home page panels of breach requests: what waits for each person, and the region's recent decisions."""

from __future__ import annotations

from django.urls import reverse

from breaches.selectors import requests as selectors
from riia.home import HomeItem, HomePanel
from riia.models import Role, User
from riia.rules import current_memberships


def _url(breach_request) -> str:
    return reverse("breaches:request-detail", args=[breach_request.pk])


def _describe(breach_request) -> str:
    return (
        f"{breach_request.reference}: {breach_request.local_authority}, {breach_request.role_grade} "
        f"at £{breach_request.proposed_rate} an hour"
    )


def panels_for(user: User) -> list[HomePanel]:
    roles = {m.role for m in current_memberships(user)}
    panels: list[HomePanel] = []
    if Role.WORKFORCE_LEAD in roles:
        panels.append(
            HomePanel(
                title="Your breach requests to finish",
                items=[
                    HomeItem(_describe(br), _url(br), "Returned" if br.status == "returned" else "Draft")
                    for br in selectors.breach_requests_editable_by(user=user)[:10]
                ],
                empty_text="You have no draft or returned breach requests.",
                more_url=reverse("breaches:request-new"),
                more_text="Start a breach request",
            )
        )
    if roles & {Role.DCS, Role.CHIEF_EXECUTIVE}:
        panels.append(
            HomePanel(
                title="Breach requests to sign",
                items=[
                    HomeItem(_describe(br), _url(br), "To sign")
                    for br in selectors.breach_requests_awaiting_signature_of(user=user)[:10]
                ],
                empty_text="No breach request is waiting for your signature.",
            )
        )
    if roles & {Role.PROGRAMME_MANAGER, Role.SUB_REGIONAL_LEAD}:
        panels.append(
            HomePanel(
                title="Breach requests to decide",
                items=[
                    HomeItem(_describe(br), _url(br), "To decide")
                    for br in selectors.breach_requests_awaiting_decision_of(user=user)[:10]
                ],
                empty_text="No breach request is waiting for your decision.",
            )
        )
    if roles & set(Role.la_roles()):
        regions = {m.local_authority.region for m in current_memberships(user) if m.local_authority_id}
        region = sorted(regions, key=lambda r: r.name)[0]
        panels.append(
            HomePanel(
                title="Recent breach decisions in your region",
                items=[
                    HomeItem(_describe(d.breach_request), _url(d.breach_request), d.get_outcome_display())
                    for d in selectors.recent_decisions_for(user=user)
                ],
                empty_text="No breach decisions in the last 60 days.",
                more_url=reverse("breaches:region-decisions", args=[region.slug]),
                more_text=f"All {region.name} breach decisions",
            )
        )
    return panels
