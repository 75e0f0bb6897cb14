"""The "world" the access matrix (tests/access_matrix.py) is checked against.

Two regions, each with a sub-regional group, an LA in that group, an MSP serving the LA, an agency,
and one object of each kind (in the states the pages act on). One person holds each role, always in
the first region: so the first region's objects are each role's *own* and the second region's are
*another's*. Adding a kind of object for a new app: add a field to ``Side`` and make it in
``_side_objects``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from breaches.models import (
    BreachRecord,
    BreachRequest,
    BreachRequestStatus,
    Sanction,
    SanctionPolicy,
    TrainingFundEntry,
)
from casestudies.models import CaseStudy, Resource
from datareturns.models import (
    BenchmarkRow,
    BenchmarkSnapshot,
    Placement,
    QuarterlyReturn,
    ReturnStatus,
    ScopeKind,
    Upload,
)
from datareturns.services import UploadSource, placement_upload_create, upload_body_spool
from governance.models import Escalation, Meeting, MeetingAction, MouVersion
from rates.models import Exemption, RateCard
from riia.models import MSP, Agency, ApiKey, LocalAuthority, Notification, Region, Role, SubRegionalGroup, User
from riia.services import audit_record
from riia.services_keys import api_key_create
from tests.breaches.factories import BreachRequestFactory, cap_in, decided_request
from tests.breaches.factories_register import BreachRecordFactory, SanctionFactory, SanctionPolicyFactory
from tests.casestudies.factories import CaseStudyFactory, ResourceFactory, ResourceVersionFactory, TagFactory
from tests.rates.factories import ExemptionFactory, core_grade
from tests.riia.factories import (
    AgencyFactory,
    LocalAuthorityFactory,
    MSPFactory,
    RegionFactory,
    SubRegionalGroupFactory,
    UserFactory,
    person_with_role,
)

# The people of the matrix: one per role, plus a staff superuser with no role in any organisation
# (who keeps the Django admin) and an anonymous visitor.
ADMIN = "admin"
ANONYMOUS = "anonymous"
MEMBERSHIP_ROLES = tuple(Role.values)
ROLES = (*MEMBERSHIP_ROLES, ADMIN, ANONYMOUS)


@dataclass
class Side:
    """One region and everything in it."""

    region: Region
    group: SubRegionalGroup
    la: LocalAuthority
    msp: MSP
    agency: Agency
    author: User  # the LA's workforce lead, who wrote the LA's objects
    programme_manager: User
    notification: Notification  # addressed to ``author``
    rate_card_draft: RateCard
    exemption: Exemption
    request_draft: BreachRequest
    request_awaiting_signatures: BreachRequest
    request_awaiting_decision: BreachRequest
    request_approved: BreachRequest
    record_confirmed: BreachRecord
    record_suggested: BreachRecord
    sanction_policy: SanctionPolicy
    sanction_la: Sanction
    sanction_msp: Sanction
    sanction_agency: Sanction
    case_study_draft: CaseStudy
    case_study_submitted: CaseStudy
    case_study_published: CaseStudy
    case_study_national: CaseStudy
    resource_library: Resource
    placement: Placement  # sent by the side's MSP for its LA
    upload: Upload  # the upload that sent it
    api_key: ApiKey  # the side's MSP's key
    return_in_progress: QuarterlyReturn  # 2026-Q3 (2025-Q4 has no return: not started)
    return_awaiting: QuarterlyReturn  # 2026-Q2, awaiting the DCS's sign-off
    return_signed_off: QuarterlyReturn  # 2026-Q1
    # Escalations raised by the side's workforce lead (``author``), in the states the pages act on.
    escalation_raised: Escalation
    escalation_needs_information: Escalation
    escalation_accepted: Escalation
    escalation_closed: Escalation
    meeting: Meeting  # the group's meeting, chaired by the programme manager, minutes recorded
    meeting_action: MeetingAction  # owned by the side's LA
    mou_version: MouVersion  # the region's current MOU, signed by nobody yet


@dataclass
class World:
    own: Side
    other: Side
    people: dict[str, User] = field(default_factory=dict)  # role name -> person (no anonymous)


def _side_objects(name: str, code: int) -> Side:
    region = RegionFactory(name=f"{name} region", slug=f"{name.lower()}-region")
    group = SubRegionalGroupFactory(region=region, name=f"{name} group")
    la = LocalAuthorityFactory(name=f"{name} LA", region=region, group=group, old_code=str(code))
    msp = MSPFactory(name=f"{name} MSP")
    msp.local_authorities.add(la)
    agency = AgencyFactory(name=f"{name} Agency")
    lead = person_with_role(Role.WORKFORCE_LEAD, la, full_name=f"{name} Lead", email=f"lead@{name.lower()}.test")
    pm = person_with_role(Role.PROGRAMME_MANAGER, region, full_name=f"{name} PM", email=f"pm@{name.lower()}.test")

    cap_in(region)
    draft = BreachRequestFactory(local_authority=la, created_by=lead, reference=f"BR-{code}-00001")
    signing = BreachRequestFactory(local_authority=la, created_by=lead, reference=f"BR-{code}-00002", submitted=True)
    deciding = BreachRequestFactory(
        local_authority=la,
        created_by=lead,
        reference=f"BR-{code}-00003",
        submitted=True,
        status=BreachRequestStatus.AWAITING_DECISION,
    )
    approved = decided_request(la, created_by=lead, reference=f"BR-{code}-00004")

    confirmed = BreachRecordFactory(local_authority=la, recorded_by=lead)
    suggested = BreachRecordFactory(
        local_authority=la,
        recorded_by=None,
        source=BreachRecord.Source.SUGGESTED,
        status=BreachRecord.Status.SUGGESTED,
        source_reference=f"placement-{code}-1",
    )
    policy = SanctionPolicyFactory(region=region)
    sanctions = {
        target: SanctionFactory(policy=policy, issued_by=pm, breach_records=[confirmed], **{target: organisation})
        for target, organisation in (("local_authority", la), ("msp", msp), ("agency", agency))
    }
    TrainingFundEntry.objects.create(
        region=region,
        kind=TrainingFundEntry.Kind.TRAINING_SPEND,
        amount=Decimal("10.00"),
        description="Cool-off workshop",
        occurred_on=date(2026, 6, 1),
        recorded_by=pm,
    )

    def case_study(status: str, **kwargs) -> CaseStudy:
        published = {"published_at": timezone.now()} if status == CaseStudy.Status.PUBLISHED else {}
        return CaseStudyFactory(author_la=la, author=lead, status=status, **published, **kwargs)

    upload = _placement_upload(msp=msp, la=la)
    api_key, _ = api_key_create(actor=None, name=f"{name} key", msp=msp)

    _benchmarks(f"region:{region.slug}", ScopeKind.REGION, region=region)
    _benchmarks(f"la:{la.new_code}", ScopeKind.LA, region=region, group=group, local_authority=la)

    resource = ResourceFactory(region=region, owner_la=la, created_by=lead)
    ResourceVersionFactory(resource=resource, number=1, created_by=lead)

    return Side(
        region=region,
        group=group,
        la=la,
        msp=msp,
        agency=agency,
        author=lead,
        programme_manager=pm,
        notification=Notification.objects.create(recipient=lead, subject="A decision was recorded"),
        rate_card_draft=RateCard.objects.create(region=region, created_by=pm),
        exemption=ExemptionFactory(local_authority=la, recorded_by=pm),
        request_draft=draft,
        request_awaiting_signatures=signing,
        request_awaiting_decision=deciding,
        request_approved=approved,
        record_confirmed=confirmed,
        record_suggested=suggested,
        sanction_policy=policy,
        sanction_la=sanctions["local_authority"],
        sanction_msp=sanctions["msp"],
        sanction_agency=sanctions["agency"],
        case_study_draft=case_study(CaseStudy.Status.DRAFT),
        case_study_submitted=case_study(CaseStudy.Status.SUBMITTED),
        case_study_published=case_study(CaseStudy.Status.PUBLISHED),
        case_study_national=case_study(CaseStudy.Status.PUBLISHED, share_nationally=True),
        resource_library=resource,
        placement=Placement.objects.get(upload=upload),
        upload=upload,
        api_key=api_key,
        return_in_progress=QuarterlyReturn.objects.create(local_authority=la, quarter="2026-Q3"),
        return_awaiting=QuarterlyReturn.objects.create(
            local_authority=la, quarter="2026-Q2", status=ReturnStatus.AWAITING_SIGN_OFF
        ),
        return_signed_off=QuarterlyReturn.objects.create(
            local_authority=la,
            quarter="2026-Q1",
            status=ReturnStatus.SIGNED_OFF,
            signed_off_at=timezone.now(),
            signed_off_by=pm,
        ),
        **_escalations(region=region, raiser=lead, pm=pm),
        **_meeting(region=region, group=group, la=la, pm=pm),
    )


def _escalations(*, region: Region, raiser: User, pm: User) -> dict[str, Escalation]:
    """One escalation in each state, through the real services."""
    from governance import services

    def raise_one() -> Escalation:
        data = services.EscalationData(
            region=region, kind="soliciting", what_happened="Headhunting call", occurred_on=date(2026, 3, 2)
        )
        return services.escalation_raise(actor=raiser, data=data)

    asked = services.escalation_triage(
        actor=pm, escalation=raise_one(), decision="needs_information", note="Which advert?"
    )
    accepted = services.escalation_triage(actor=pm, escalation=raise_one(), decision="accepted")
    closed = services.escalation_triage(actor=pm, escalation=raise_one(), decision="accepted")
    closed = services.escalation_close(actor=pm, escalation=closed, outcome="The agency stopped.")
    return {
        "escalation_raised": raise_one(),
        "escalation_needs_information": asked,
        "escalation_accepted": accepted,
        "escalation_closed": closed,
    }


def _meeting(*, region: Region, group: SubRegionalGroup, la: LocalAuthority, pm: User) -> dict:
    from governance import services_meetings as services

    meeting = services.meeting_create(
        actor=pm, region=region, scope="sub_regional", group=group, title="Group meeting", held_on=date(2026, 4, 14)
    )
    services.meeting_minutes_record(actor=pm, meeting=meeting, minutes="Agreed the caps.")
    action = services.meeting_action_add(
        actor=pm, meeting=meeting, description="Send leavers", due_on=date(2026, 5, 1), owner_la=la
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.services_mou import mou_version_add
    from governance.services_pack import meeting_pack_notes_save

    meeting_pack_notes_save(actor=pm, region=region, quarter="2026-Q2", notes="Caps hold.", la_notes={})
    mou = mou_version_add(
        actor=pm,
        region=region,
        dated=date(2026, 4, 1),
        summary="First version",
        document=SimpleUploadedFile("mou.pdf", b"%PDF-1.4 MOU", content_type="application/pdf"),
    )
    return {"meeting": meeting, "meeting_action": action, "mou_version": mou}


def _placement_upload(*, msp: MSP, la: LocalAuthority) -> Upload:
    """One placement, sent through the real upload service."""
    body = (
        "assignment_id,la_code,worker_registration,role,engagement_type,hourly_pay_rate,charge_rate,"
        f"start_date,hours_per_week,agency,project_team,pqe_years\nA-{la.old_code},{la.old_code},SW{la.old_code},"
        "social-worker,limited_company,40.00,52.00,2026-05-04,37,Matrix Agency,false,4\n"
    ).encode()
    spooled = upload_body_spool(io.BytesIO(body), declared_length=len(body))
    with spooled.file:
        return placement_upload_create(source=UploadSource(msp=msp), body=spooled, content_type="text/csv").upload


def _benchmarks(scope: str, kind: str, **where) -> None:
    """A benchmark snapshot with one row, so the dashboards and their CSV downloads have a table."""
    snapshot = BenchmarkSnapshot.objects.create(scope=scope, kind=kind, computed_at=timezone.now(), **where)
    BenchmarkRow.objects.create(snapshot=snapshot, quarter="2026-Q2", role="all", placements=1)


def build_world() -> World:
    _benchmarks("england", ScopeKind.ENGLAND)
    own = _side_objects("Own", 801)
    other = _side_objects("Other", 802)
    people = {Role.WORKFORCE_LEAD.value: own.author, Role.PROGRAMME_MANAGER.value: own.programme_manager}
    organisation = {Role.SUB_REGIONAL_LEAD: own.group, Role.RIIA_MEMBER: own.region, Role.AGENCY_CONTACT: own.agency}
    organisation.update(dict.fromkeys(Role.la_roles(), own.la))
    organisation.update(dict.fromkeys(Role.msp_roles(), own.msp))
    for role in MEMBERSHIP_ROLES:
        if role not in people:
            people[role] = person_with_role(role, organisation[role], full_name=f"Own {role}", email=f"{role}@own.test")
    people[ADMIN] = UserFactory(email="admin@own.test", full_name="Admin", is_staff=True, is_superuser=True)

    # Reference rows so that every model in the admin has an object to open.
    core_grade()
    TagFactory(slug="cool-off")
    Group.objects.create(name="Reference data editors")
    _sign_in_records()
    audit_record(actor=None, action="matrix.world_built")
    return World(own=own, other=other, people=people)


def _sign_in_records() -> None:
    """One row of each of django-axes' sign-in records, so their admin pages have an object to open."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    when = timezone.now()
    where = {"ip_address": "192.0.2.1", "user_agent": "matrix", "path_info": "/sign-in/"}
    AccessAttempt.objects.create(username="someone@own.test", failures_since_start=1, attempt_time=when, **where)
    AccessFailureLog.objects.create(username="someone@own.test", attempt_time=when, locked_out=False, **where)
    AccessLog.objects.create(username="someone@own.test", attempt_time=when, **where)
