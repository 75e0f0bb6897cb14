"""Demo escalations, through the real services: one raised by an agency contact and closed in the West
Midlands (outcome shared with the MSPs, turned into a draft case study), and one still open in London
that involves the West Midlands and is shared with its programme manager. Safe to run twice."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from governance import services
from governance.models import Escalation
from riia.demo import DEMO_DOMAIN
from riia.models import Agency, Region, Role, User
from riia.selectors import people_with_region_role

CONTACT = f"contact.northside-social-care-recruitment@{DEMO_DOMAIN}"


@transaction.atomic
def load() -> list[str]:
    contact = User.objects.filter(email=CONTACT).first()
    regions = {r.slug: r for r in Region.objects.filter(slug__in=["west-midlands", "london"])}
    if contact is None or len(regions) < 2 or Escalation.objects.filter(raised_by=contact).exists():
        return ["Escalations: demo escalations already there (or no demo agency contact)."]
    agency = Agency.objects.get(slug="northside-social-care-recruitment")
    wm, london = regions["west-midlands"], regions["london"]
    pm_wm = people_with_region_role(region=wm, roles=[Role.PROGRAMME_MANAGER]).first()
    pm_london = people_with_region_role(region=london, roles=[Role.PROGRAMME_MANAGER]).first()

    closed = services.escalation_raise(
        actor=contact,
        data=services.EscalationData(
            region=wm,
            kind="soliciting",
            what_happened="A rival agency phoned two of our locum social workers placed in Dudley and offered "
            "them more to move to a neighbouring authority mid-assignment.",
            occurred_on=date(2026, 2, 9),
            agencies=[agency],
            evidence_text="Text message received by one worker on 9 February.",
        ),
    )
    services.escalation_triage(actor=pm_wm, escalation=closed, decision="accepted")
    services.escalation_entry_record(
        actor=pm_wm,
        escalation=closed,
        kind="contact",
        text="Explained the MOU's headhunting rule.",
        contact="Managing director of the rival agency",
    )
    services.escalation_close(
        actor=pm_wm,
        escalation=closed,
        outcome="The agency confirmed in writing that it will not approach workers on live assignments in the region.",
    )
    services.escalation_outcome_share(actor=pm_wm, escalation=closed)
    services.escalation_case_study_create(actor=pm_wm, escalation=closed)

    shared = services.escalation_raise(
        actor=contact,
        data=services.EscalationData(
            region=london,
            kind="inaccurate_advertising",
            what_happened="An advert urges London social workers to move to the West Midlands for better pay.",
            occurred_on=date(2026, 3, 1),
            evidence_link="https://jobs.example.com/adverts/relocate",
            other_regions=[wm],
        ),
    )
    services.escalation_triage(actor=pm_london, escalation=shared, decision="accepted")
    services.escalation_share_with_region(actor=pm_london, escalation=shared, region=wm)
    return ["Escalations: 2 demo escalations (one closed and shared with MSPs, one shared between regions)."]
