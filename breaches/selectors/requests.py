"""Scoped reads of breach requests and decisions. Each returns only what the person may see, with the
related rows a page needs already joined (no query per row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from breaches.models import BreachRequest, BreachRequestStatus, Decision, Signature
from breaches.rules import decides_sub_regionally, is_decider_for
from casestudies.models import CaseStudy
from casestudies.selectors import related_case_studies
from rates.lookup import CapAnswer, cap_lookup
from rates.models import RoleGrade
from riia.models import AuditRecord, LocalAuthority, Membership, Region, Role, User
from riia.rules import groups_led_by, is_la_member, las_where, member_region_ids, memberships_with, regions_where
from riia.selectors import people_holding, people_with_la_role, people_with_region_role

SIMILAR_RATE_BAND = Decimal("0.10")  # "similar" = same role, proposed rate within ±10%


def _with_related(queryset: QuerySet[BreachRequest]) -> QuerySet[BreachRequest]:
    """The rows a page needs joined, and ``signatures_this_round`` for the status tag ("Awaiting
    second signature" once one of the two has signed)."""
    signed = (
        Signature.objects.filter(breach_request=OuterRef("pk"), round=OuterRef("round"))
        .order_by()
        .values("breach_request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related(
        "local_authority__region", "local_authority__group", "role_grade", "created_by", "decision__decided_by"
    ).annotate(signatures_this_round=Coalesce(Subquery(signed), 0))


def breach_requests_visible_to(*, user: User) -> QuerySet[BreachRequest]:
    """The same scope as ``breaches.rules.can_view_breach_request``, as one query."""
    if not user.is_authenticated:
        return BreachRequest.objects.none()
    scope = (
        Q(local_authority__in=las_where(user))
        | Q(round__gte=1, local_authority__region__in=regions_where(user))
        | Q(status__in=BreachRequestStatus.decided(), local_authority__region_id__in=member_region_ids(user))
    )
    return _with_related(BreachRequest.objects.filter(scope))


def breach_request_get(*, user: User, pk: int) -> BreachRequest:
    breach_request = _with_related(BreachRequest.objects.filter(pk=pk)).first()
    if breach_request is None:
        raise Http404("There is no breach request with that number.")
    if not user.has_perm("breaches.view_breachrequest", breach_request):
        raise PermissionDenied("This breach request belongs to another local authority.")
    return breach_request


def breach_request_history(*, breach_request: BreachRequest) -> dict[str, list]:
    """Signatures and return notes of a request, for its page."""
    return {
        "signatures": list(breach_request.signatures.select_related("signatory").order_by("round", "signed_at")),
        "return_notes": list(breach_request.return_notes.select_related("returned_by").order_by("created_at")),
    }


def local_authorities_where_lead(*, user: User) -> QuerySet[LocalAuthority]:
    return LocalAuthority.objects.filter(
        pk__in=[la.pk for la in las_where(user, [Role.WORKFORCE_LEAD])]
    ).select_related("region")


def role_grades_for(*, local_authorities: QuerySet[LocalAuthority]) -> QuerySet[RoleGrade]:
    """National grades plus the local grades of the regions these LAs are in."""
    regions = local_authorities.values("region")
    return RoleGrade.objects.filter(Q(region__isnull=True) | Q(region__in=regions))


def breach_request_cap(
    *, local_authority: LocalAuthority, role_grade: RoleGrade, on: date, engagement_type: str
) -> CapAnswer | None:
    """The cap (and any live exemption of the LA) a request would be judged against."""
    return cap_lookup(
        region=local_authority.region,
        role_grade=role_grade,
        on=on,
        engagement_type=engagement_type,
        local_authority=local_authority,
    )


def breach_request_cap_for(
    *, user: User, local_authority: LocalAuthority, role_grade: RoleGrade, on: date, engagement_type: str
) -> CapAnswer | None:
    """As ``breach_request_cap``, for the form's live figures: only for staff of that LA."""
    if not is_la_member(user, local_authority):
        raise PermissionDenied("You can only see caps for your own local authority's requests.")
    return breach_request_cap(
        local_authority=local_authority, role_grade=role_grade, on=on, engagement_type=engagement_type
    )


def similar_breach_requests(
    *,
    user: User,
    local_authority: LocalAuthority,
    role_grade: RoleGrade,
    proposed_rate: Decimal,
    exclude_pk: int | None = None,
    limit: int = 10,
) -> QuerySet[BreachRequest]:
    """Precedent before submitting: the region's requests for the same role with a proposed rate within
    ±10%, that the person may see (decided ones across the region, and their own LA's submitted ones)."""
    low = (proposed_rate * (1 - SIMILAR_RATE_BAND)).quantize(Decimal("0.01"))
    high = (proposed_rate * (1 + SIMILAR_RATE_BAND)).quantize(Decimal("0.01"))
    queryset = breach_requests_visible_to(user=user).filter(
        local_authority__region_id=local_authority.region_id,
        role_grade=role_grade,
        proposed_rate__gte=low,
        proposed_rate__lte=high,
        round__gte=1,
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.order_by("-submitted_at", "-pk")[:limit]


def related_case_studies_for(*, user: User, breach_request: BreachRequest) -> list[CaseStudy]:
    """Published case studies the person may see that are about breaches, the same core role, price caps,
    project teams (for a project team) or exemptions (when an exemption set the allowed rate)."""
    tags = ["price-caps"]
    if breach_request.is_project_team:
        tags.append("project-teams")
    if breach_request.allowed_rate is not None and breach_request.allowed_rate != breach_request.cap_rate:
        tags.append("exemptions")
    return related_case_studies(
        user=user,
        case_type=CaseStudy.Type.BREACHES,
        role_grade_code=breach_request.role_grade.core_type,
        tags=tags,
    )


def region_breach_decisions(*, user: User, region: Region) -> QuerySet[Decision]:
    """The region's breach decisions register: every decided request, newest first."""
    if not user.has_perm("breaches.view_decisions", region):
        raise PermissionDenied("You do not have a role in this region.")
    return Decision.objects.filter(breach_request__local_authority__region=region).select_related(
        "breach_request__local_authority", "breach_request__role_grade", "breach_request__created_by", "decided_by"
    )


# --- What waits for whom (home page panels) -------------------------------------------------


def breach_requests_editable_by(*, user: User) -> QuerySet[BreachRequest]:
    """Drafts and returned requests of the LAs where the person is workforce lead."""
    return _with_related(
        BreachRequest.objects.filter(
            local_authority__in=las_where(user, [Role.WORKFORCE_LEAD]), status__in=BreachRequestStatus.editable()
        )
    ).order_by("-updated_at")


def breach_requests_awaiting_signature_of(*, user: User) -> QuerySet[BreachRequest]:
    """Requests of the person's LAs (as DCS or chief executive) that still need their role's signature."""
    roles_by_la: dict[int, set[str]] = {}
    for m in memberships_with(user, [Role.DCS, Role.CHIEF_EXECUTIVE]):
        roles_by_la.setdefault(m.local_authority_id, set()).add(m.role)
    if not roles_by_la:
        return BreachRequest.objects.none()
    queryset = _with_related(
        BreachRequest.objects.filter(local_authority_id__in=roles_by_la, status=BreachRequestStatus.AWAITING_SIGNATURES)
    ).prefetch_related("signatures")
    waiting = [
        br.pk
        for br in queryset
        if not any(s.round == br.round and s.signatory_id == user.pk for s in br.signatures.all())
        and roles_by_la[br.local_authority_id] - {s.role for s in br.signatures.all() if s.round == br.round}
    ]
    return queryset.filter(pk__in=waiting).order_by("submitted_at")


def breach_requests_awaiting_decision_of(*, user: User) -> QuerySet[BreachRequest]:
    """Requests waiting for the person's decision: their region's (programme manager), or their group's
    (sub-regional lead) where the region decides sub-regionally."""
    pm_regions = regions_where(user, [Role.PROGRAMME_MANAGER])
    groups = groups_led_by(user)
    if not pm_regions and not groups:
        return BreachRequest.objects.none()
    sub_regional = Q(
        local_authority__region__breach_decision_level=Region.DecisionLevel.SUB_REGIONAL,
        local_authority__group__isnull=False,
    )
    scope = Q(local_authority__region__in=pm_regions) & ~sub_regional | Q(local_authority__group__in=groups) & (
        sub_regional
    )
    return _with_related(BreachRequest.objects.filter(scope, status=BreachRequestStatus.AWAITING_DECISION)).order_by(
        "submitted_at"
    )


def recent_decisions_for(*, user: User, days: int = 60, limit: int = 10) -> QuerySet[Decision]:
    """Recent decisions in the regions of the person's LAs."""
    region_ids = {la.region_id for la in las_where(user)}
    return Decision.objects.filter(
        breach_request__local_authority__region_id__in=region_ids,
        decided_at__gte=timezone.now() - timedelta(days=days),
    ).select_related("breach_request__local_authority", "breach_request__role_grade")[:limit]


# --- Who to tell ----------------------------------------------------------------------------


def breach_request_signatories(*, breach_request: BreachRequest) -> QuerySet[User]:
    return people_with_la_role(local_authority=breach_request.local_authority, roles=[Role.DCS, Role.CHIEF_EXECUTIVE])


def breach_request_deciders(*, breach_request: BreachRequest) -> QuerySet[User]:
    la = breach_request.local_authority
    if decides_sub_regionally(la):
        return people_holding(roles=[Role.SUB_REGIONAL_LEAD], group_id=la.group_id)
    return people_with_region_role(region=la.region, roles=[Role.PROGRAMME_MANAGER])


def breach_request_leads(*, breach_request: BreachRequest) -> QuerySet[User]:
    return people_with_la_role(local_authority=breach_request.local_authority, roles=[Role.WORKFORCE_LEAD])


def signing_roles_for(*, user: User, breach_request: BreachRequest, signatures: list) -> list[str]:
    """The roles the person could still sign this round as (none once they have signed)."""
    this_round = [s for s in signatures if s.round == breach_request.round]
    if any(s.signatory_id == user.pk for s in this_round):
        return []
    held = {
        m.role
        for m in memberships_with(user, [Role.DCS, Role.CHIEF_EXECUTIVE])
        if m.local_authority_id == breach_request.local_authority_id
    }
    return [role for role in (Role.DCS, Role.CHIEF_EXECUTIVE) if role in held - {s.role for s in this_round}]


# --- Who it waits for, its signatures and its history (the request's page) -------------------


# How the pages name the two signing roles in running text.
SIGNING_ROLE_NAMES = {Role.DCS: "DCS", Role.CHIEF_EXECUTIVE: "chief executive"}


@dataclass(frozen=True)
class SignatureLine:
    """One signing role of the current round: who signed it, or who holds it and has not."""

    role: str
    label: str
    signature: Signature | None
    holders: list[str]


def breach_request_signature_lines(*, breach_request: BreachRequest, signatures: list) -> list[SignatureLine]:
    """Both signing roles, signed or not, for the current round."""
    this_round = {s.role: s for s in signatures if s.round == breach_request.round}
    holders: dict[str, list[str]] = {role: [] for role in Signature.SIGNING_ROLES}
    for user, role in _role_holders(breach_request.local_authority, Signature.SIGNING_ROLES):
        holders[role].append(user.full_name)
    return [
        SignatureLine(role=role, label=Role(role).label, signature=this_round.get(role), holders=holders[role])
        for role in Signature.SIGNING_ROLES
    ]


def _role_holders(local_authority: LocalAuthority, roles: list[str]) -> list[tuple[User, str]]:
    memberships = (
        Membership.objects.current()
        .filter(local_authority=local_authority, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    return [(m.user, m.role) for m in memberships]


def _names(people: list[str]) -> str:
    return f" ({', '.join(people)})" if people else ""


def breach_request_waiting_for(*, breach_request: BreachRequest, signatures: list) -> str:
    """Who the request waits for, by role and name ("Waiting for: chief executive (Jane Smith)"), or
    "" once nobody has anything to do."""
    la = breach_request.local_authority
    status = breach_request.status
    if status in BreachRequestStatus.editable():
        leads = [user.full_name for user, _ in _role_holders(la, [Role.WORKFORCE_LEAD])]
        return f"Waiting for: workforce lead{_names(leads)} to send it"
    if status == BreachRequestStatus.AWAITING_SIGNATURES:
        lines = breach_request_signature_lines(breach_request=breach_request, signatures=signatures)
        waiting = [f"{SIGNING_ROLE_NAMES[line.role]}{_names(line.holders)}" for line in lines if line.signature is None]
        return "Waiting for: " + " and ".join(waiting)
    if status == BreachRequestStatus.AWAITING_DECISION:
        deciders = [user.full_name for user in breach_request_deciders(breach_request=breach_request)]
        if decides_sub_regionally(la):
            return f"Waiting for a decision by the {la.group.name} sub-regional lead{_names(deciders)}"
        return f"Waiting for a decision by the {la.region} programme manager{_names(deciders)}"
    return ""


@dataclass(frozen=True)
class TimelineEvent:
    title: str
    by: str
    at: datetime
    description: str = ""


def _event_title(record: AuditRecord) -> tuple[str, str] | None:
    """The heading and the text of one audit record on the request's timeline; None to leave it out."""
    after = record.after or {}
    if record.action == "breach_request.created":
        return "Draft started", ""
    if record.action == "breach_request.submitted":
        round_ = after.get("round") or 1
        return ("Submitted for signature" if round_ == 1 else f"Sent again for signature (round {round_})"), ""
    if record.action == "breach_request.signed":
        return f"Signed by the {SIGNING_ROLE_NAMES.get(after.get('role'), 'signatory')}", ""
    if record.action == "breach_request.signed_off":
        return "Signed off by the DCS and chief executive and sent for a decision", ""
    if record.action == "breach_request.returned":
        return "Returned with a comment", after.get("comment", "")
    if record.action == "breach_request.decided":
        outcome = "Approved" if after.get("outcome") == "approved" else "Rejected"
        text = "\n".join(
            part
            for part in (
                f"Conditions: {after['conditions']}" if after.get("conditions") else "",
                f"Approval expires: {date.fromisoformat(after['expires_on']):%-d %B %Y}"
                if after.get("expires_on")
                else "",
                after.get("comment", ""),
            )
            if part
        )
        return outcome, text
    if record.action == "breach_request.withdrawn":
        return "Withdrawn", ""
    return None  # changes to a draft are not milestones


def breach_request_timeline(*, breach_request: BreachRequest) -> list[TimelineEvent]:
    """The request's history, newest first, read from the audit trail: submitted, signed, returned
    with comment, decided, withdrawn, by whom and when."""
    records = AuditRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(BreachRequest),
        object_id=str(breach_request.pk),
        action__startswith="breach_request.",
    ).select_related("actor")
    events = []
    for record in records.order_by("-created_at", "-pk"):
        shown = _event_title(record)
        if shown is None:
            continue
        by = record.actor.full_name if record.actor else "The service"
        events.append(TimelineEvent(title=shown[0], description=shown[1], by=by, at=record.created_at))
    return events


def breach_request_audience(*, user: User, breach_request: BreachRequest | None = None) -> str:
    """Whom a page's text is written for: "la" (the request's own LA's people, or anyone with an LA
    role when there is no request), "decider" (the programme manager or sub-regional lead who decides
    it, or who decides for some LAs) or "region" (everyone else: region staff, MSPs, other LAs)."""
    if breach_request is None:
        if regions_where(user, [Role.PROGRAMME_MANAGER]) or groups_led_by(user):
            return "decider"
        return "la" if las_where(user) else "region"
    if breach_request.local_authority in las_where(user):
        return "la"
    if is_decider_for(user, breach_request.local_authority):
        return "decider"
    return "region"
