"""Demo escalations, through the real services: one raised by an agency contact and closed in the West
Midlands (outcome shared with the MSPs, ready to become a case study), and one still open in London
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
def load_meetings() -> list[str]:
    """A West Midlands group meeting with actions (one overdue) and approved minutes, a quarterly MSP
    meeting to come, and the MOU in two versions signed by some LAs. Safe to run twice."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from governance import services_meetings, services_mou
    from governance.models import Meeting

    wm = Region.objects.filter(slug="west-midlands").first()
    pm = people_with_region_role(region=wm, roles=[Role.PROGRAMME_MANAGER]).first() if wm else None
    if pm is None or Meeting.objects.filter(region=wm).exists():
        return ["Governance: demo meetings already there (or no West Midlands programme manager)."]
    today = timezone.localdate()
    group = wm.groups.order_by("name").first()
    las = list(wm.local_authorities.order_by("name"))
    meeting = services_meetings.meeting_create(
        actor=pm,
        region=wm,
        scope="sub_regional" if group else "regional",
        group=group,
        title="Workforce leads' meeting",
        held_on=today - timedelta(days=21),
        agenda="1. Price caps\n2. Breach requests\n3. Cool-off cases",
    )
    for la in las[:3]:
        services_meetings.meeting_attendee_add(
            actor=pm, meeting=meeting, name=f"Workforce lead, {la.name}", organisation="", local_authority=la
        )
    services_meetings.meeting_minutes_record(
        actor=pm, meeting=meeting, minutes="Caps reviewed; two breach requests discussed.", decisions="Keep the caps."
    )
    services_meetings.meeting_action_add(
        actor=pm,
        meeting=meeting,
        description="Send the permanent leavers file",
        due_on=today - timedelta(days=3),
        owner_la=las[0],
    )
    services_meetings.meeting_action_add(
        actor=pm,
        meeting=meeting,
        description="Share the cool-off template",
        due_on=today + timedelta(days=14),
        owner=pm,
    )
    services_meetings.meeting_minutes_approve(actor=pm, meeting=meeting)
    services_meetings.meeting_create(
        actor=pm, region=wm, scope="with_msps", title="Quarterly MSP meeting", held_on=today + timedelta(days=10)
    )
    pdf = b"%PDF-1.4 demo MOU"
    first = services_mou.mou_version_add(
        actor=pm,
        region=wm,
        dated=today - timedelta(days=400),
        summary="The first MOU.",
        document=SimpleUploadedFile("mou-v1.pdf", pdf, content_type="application/pdf"),
    )
    current = services_mou.mou_version_add(
        actor=pm,
        region=wm,
        dated=today - timedelta(days=30),
        summary="Caps for the new year; cool-off of six months.",
        document=SimpleUploadedFile("mou-v2.pdf", pdf, content_type="application/pdf"),
    )
    for la in las:
        services_mou.mou_sign(actor=pm, version=first, local_authority=la, signed_on=today - timedelta(days=390))
    for la in las[: len(las) // 2]:
        services_mou.mou_sign(actor=pm, version=current, local_authority=la, signed_on=today - timedelta(days=20))
    return ["Governance: a group meeting with actions and approved minutes, an MSP meeting, the MOU in 2 versions."]


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
    # Left for the programme manager to turn into a case study in one step (the button on its page).

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
