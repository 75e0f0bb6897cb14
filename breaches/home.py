"""Home page panels of breach requests (what waits for each person, and the region's recent decisions)
and of the breach register (suggestions to review, fines to be paid, sanctions on the person's LA)."""

from __future__ import annotations

from django.urls import reverse

from breaches.models import BreachRecord, Sanction
from breaches.selectors import requests as selectors
from breaches.selectors.register import breach_records_to_review
from breaches.selectors.sanctions import fines_unpaid_for, sanctions_issued_to_las_of
from riia.home import HomeItem, HomePanel
from riia.models import Role, User
from riia.rules import las_where, roles_of


def _url(breach_request) -> str:
    return reverse("breaches:request-detail", args=[breach_request.pk])


def _describe(breach_request) -> str:
    return (
        f"{breach_request.reference}: {breach_request.local_authority}, {breach_request.role_grade} "
        f"at £{breach_request.proposed_rate} an hour"
    )


def _describe_record(record: BreachRecord) -> str:
    return f"{record.local_authority}, {record.occurred_on:%-d %B %Y}: {record.get_breach_type_display()}"


def _describe_sanction(sanction: Sanction) -> str:
    amount = f" of £{sanction.amount}" if sanction.amount is not None else ""
    return f"{sanction.target}: {sanction.policy}{amount}, issued {sanction.issued_on:%-d %B %Y}"


def _sanction_item(sanction: Sanction) -> HomeItem:
    url = reverse("breaches:sanction-detail", args=[sanction.pk])
    return HomeItem(_describe_sanction(sanction), url, sanction.get_status_display())


def panels_for(user: User) -> list[HomePanel]:
    roles = roles_of(user)
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
        regions = {la.region for la in las_where(user)}
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
    panels.extend(_register_panels(user, roles))
    return panels


def _register_panels(user: User, roles: set[str]) -> list[HomePanel]:
    panels: list[HomePanel] = []
    if Role.PROGRAMME_MANAGER in roles:
        panels.append(
            HomePanel(
                title="Suggested breaches to review",
                items=[
                    HomeItem(_describe_record(r), reverse("breaches:register-detail", args=[r.pk]), "To review")
                    for r in breach_records_to_review(user=user)[:10]
                ],
                empty_text="No suggested breach is waiting for your review.",
                more_url=f"{reverse('breaches:register')}?status={BreachRecord.Status.SUGGESTED}",
                more_text="All suggested breaches",
            )
        )
        panels.append(
            HomePanel(
                title="Fines not yet paid",
                items=[_sanction_item(s) for s in fines_unpaid_for(user=user)[:10]],
                empty_text="Every fine issued has been paid or waived.",
                more_url=reverse("breaches:sanction-list"),
                more_text="All sanctions",
            )
        )
    if roles & {Role.WORKFORCE_LEAD, Role.DCS}:
        panels.append(
            HomePanel(
                title="Sanctions issued to your local authority",
                items=[
                    _sanction_item(s)
                    for s in sanctions_issued_to_las_of(user=user, roles=[Role.WORKFORCE_LEAD, Role.DCS])[:10]
                ],
                empty_text="No sanction has been issued to your local authority.",
                more_url=reverse("breaches:sanction-list"),
                more_text="All sanctions",
            )
        )
    return panels
