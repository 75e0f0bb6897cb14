"""Scoped reads of escalations: each returns only what the person may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from governance.models import Escalation, EscalationStatus
from riia.models import Region, Role, User
from riia.rules import msps_of, regions_where


def _visibility(user: User) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    staff_regions = [r.pk for r in regions_where(user, Role.region_roles())]
    pm_regions = [r.pk for r in regions_where(user, [Role.PROGRAMME_MANAGER])]
    return Q(raised_by=user) | Q(region_id__in=staff_regions) | Q(shared_with_regions__in=pm_regions)


def escalations_visible_to(*, user: User) -> QuerySet[Escalation]:
    ids = Escalation.objects.filter(_visibility(user)).values("pk")
    return Escalation.objects.filter(pk__in=ids).select_related("region", "raised_by")


def escalation_get(*, user: User, pk: int) -> Escalation:
    escalation = (
        escalations_visible_to(user=user)
        .prefetch_related(
            "agencies", "msps", "local_authorities", "other_regions", "shared_with_regions", "entries__recorded_by"
        )
        .filter(pk=pk)
        .first()
    )
    if escalation is None:
        raise Http404("No such escalation")
    return escalation


def escalations_to_triage(*, user: User) -> QuerySet[Escalation]:
    regions = regions_where(user, [Role.PROGRAMME_MANAGER])
    return escalations_visible_to(user=user).filter(region__in=regions, status=EscalationStatus.RAISED)


def outcomes_shared_with(*, user: User) -> QuerySet[Escalation]:
    """Outcomes shared with the person's MSPs; for the region's staff, every outcome their region shared."""
    msps = msps_of(user)
    staff_regions = regions_where(user, Role.region_roles())
    ids = Escalation.objects.filter(
        Q(outcome_shared_with__in=msps) | Q(region__in=staff_regions, outcome_shared_at__isnull=False)
    ).values("pk")
    return Escalation.objects.filter(pk__in=ids).select_related("region").order_by("-outcome_shared_at")


def regions_for_raising() -> QuerySet[Region]:
    return Region.objects.order_by("name")
