"""Reads of sanction policies, sanctions and the training fund, scoped to the person."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Coalesce
from django.http import Http404

from breaches.models import BreachRecord, Sanction, SanctionPolicy, TrainingFundEntry
from breaches.selectors.register import quarter_bounds
from rates.models import MONEY
from riia.models import Region, Role, User
from riia.rules import agencies_of, las_where, msps_of, regions_where

ZERO = Value(Decimal("0.00"), output_field=DecimalField(**MONEY))
SIGNED_AMOUNT = Case(
    When(kind=TrainingFundEntry.Kind.FINE_PAID, then=F("amount")),
    default=-F("amount"),
    output_field=DecimalField(max_digits=12, decimal_places=2),
)


def sanctions_visible_to(*, user: User) -> QuerySet[Sanction]:
    """Region staff: their region's sanctions. The sanctioned LA's, MSP's or agency's people: theirs."""
    if not user.is_authenticated:
        return Sanction.objects.none()
    scope = (
        Q(region__in=regions_where(user))
        | Q(local_authority__in=las_where(user))
        | Q(msp__in=msps_of(user))
        | Q(agency__in=agencies_of(user))
    )
    return Sanction.objects.filter(scope).select_related("region", "policy", "local_authority", "msp", "agency")


def fines_unpaid_for(*, user: User) -> QuerySet[Sanction]:
    """Fines issued by the person's region (as programme manager) and not yet paid or waived, oldest first."""
    return (
        sanctions_visible_to(user=user)
        .filter(
            region__in=regions_where(user, [Role.PROGRAMME_MANAGER]),
            status=Sanction.Status.ISSUED,
            amount__isnull=False,
        )
        .order_by("issued_on", "pk")
    )


def sanctions_issued_to_las_of(*, user: User, roles: list[str]) -> QuerySet[Sanction]:
    """Sanctions on the local authorities where the person holds one of ``roles``, newest first."""
    las = las_where(user, roles)
    return sanctions_visible_to(user=user).filter(local_authority__in=las).order_by("-issued_on", "-pk")


def sanction_get(*, user: User, pk: int) -> Sanction:
    sanction = sanctions_visible_to(user=user).filter(pk=pk).select_related("issued_by").first()
    if sanction is None:
        raise Http404("No such sanction.")
    return sanction


def sanction_breach_records(*, sanction: Sanction) -> QuerySet[BreachRecord]:
    return sanction.breach_records.select_related("local_authority").order_by("-occurred_on")


def sanction_policies_for(*, region: Region, active_only: bool = False) -> QuerySet[SanctionPolicy]:
    policies = SanctionPolicy.objects.filter(region=region).order_by("name")
    return policies.filter(is_active=True) if active_only else policies


def managed_regions_for(*, user: User) -> list[Region]:
    """Regions where the person is programme manager (and so manages sanctions and the fund)."""
    return regions_where(user, [Role.PROGRAMME_MANAGER])


def sanctionable_breach_records(*, region: Region) -> QuerySet[BreachRecord]:
    return (
        BreachRecord.objects.filter(region=region, status=BreachRecord.Status.CONFIRMED)
        .select_related("local_authority", "agency")
        .order_by("-occurred_on", "-pk")
    )


def training_fund_ledger(*, region: Region) -> QuerySet[TrainingFundEntry]:
    """Entries oldest first, each with ``signed_amount`` and the ``balance`` after it, computed by the
    database in one query (a window sum)."""
    order = [F("occurred_on").asc(), F("pk").asc()]
    return (
        TrainingFundEntry.objects.filter(region=region)
        .select_related("sanction__policy", "sanction__local_authority", "sanction__msp", "sanction__agency")
        .annotate(signed_amount=SIGNED_AMOUNT, balance=Window(Sum(SIGNED_AMOUNT), order_by=order))
        .order_by(*order)
    )


def training_fund_balance(*, region: Region) -> Decimal:
    total = TrainingFundEntry.objects.filter(region=region).aggregate(balance=Coalesce(Sum(SIGNED_AMOUNT), ZERO))[
        "balance"
    ]
    return Decimal(total).quantize(Decimal("0.01"))


def training_fund_regions_for(*, user: User) -> QuerySet[Region]:
    from riia.selectors import regions_visible_to

    return regions_visible_to(user=user).order_by("name")


def sanction_policy_get(*, user: User, pk: int) -> SanctionPolicy:
    """A policy the person manages (programme manager of its region), or 404."""
    policy = SanctionPolicy.objects.select_related("region").filter(pk=pk).first()
    if policy is None or not user.has_perm("breaches.manage_sanctions", policy.region):
        raise Http404("No such sanction policy.")
    return policy


@dataclass(frozen=True)
class SanctionFilters:
    status: str = ""
    target: str = ""  # "local_authority", "msp" or "agency"
    kind: str = ""
    quarter: str = ""


def sanctions_filter(sanctions: QuerySet[Sanction], filters: SanctionFilters) -> QuerySet[Sanction]:
    if filters.status:
        sanctions = sanctions.filter(status=filters.status)
    if filters.target in ("local_authority", "msp", "agency"):
        sanctions = sanctions.filter(**{f"{filters.target}__isnull": False})
    if filters.kind:
        sanctions = sanctions.filter(policy__kind=filters.kind)
    if filters.quarter:
        start, end = quarter_bounds(filters.quarter)
        sanctions = sanctions.filter(issued_on__gte=start, issued_on__lte=end)
    return sanctions.order_by("-issued_on", "-pk")
