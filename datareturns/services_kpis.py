"""Writes of a region's KPI thresholds (the RAG status of its benchmarking dashboard)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from datareturns.models import RegionKpiSettings
from datareturns.rules import can_manage_region_kpis
from riia.errors import DomainError
from riia.models import Region, User
from riia.services import audit_record, snapshot

KPI_FIELDS = (
    "share_above_cap_green",
    "share_above_cap_amber",
    "unauthorised_green",
    "unauthorised_amber",
    "return_late_amber_days",
)


@transaction.atomic
def region_kpi_settings_update(
    *,
    actor: User,
    region: Region,
    share_above_cap_green: Decimal,
    share_above_cap_amber: Decimal,
    unauthorised_green: int,
    unauthorised_amber: int,
    return_late_amber_days: int,
) -> RegionKpiSettings:
    """Set the region's KPI thresholds. Shares are ratios from 0 to 1 (0.05 is 5%)."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    if not can_manage_region_kpis(actor, region):
        raise DomainError("Only the region's programme manager can change its KPIs.")
    for name, share in (
        ("share_above_cap_green", share_above_cap_green),
        ("share_above_cap_amber", share_above_cap_amber),
    ):
        if not Decimal(0) <= share <= Decimal(1):
            raise DomainError("Enter a share between 0% and 100%", field=name)
        if share != share.quantize(Decimal("0.0001")):
            raise DomainError("Enter a share to at most 2 decimal places of a percent, like 7.25", field=name)
    share_above_cap_green = share_above_cap_green.quantize(Decimal("0.0001"))
    share_above_cap_amber = share_above_cap_amber.quantize(Decimal("0.0001"))
    if share_above_cap_green > share_above_cap_amber:
        raise DomainError("The amber limit must be at least the green limit", field="share_above_cap_amber")
    if min(unauthorised_green, unauthorised_amber, return_late_amber_days) < 0:
        raise DomainError("Enter 0 or more")
    if unauthorised_green > unauthorised_amber:
        raise DomainError("The amber limit must be at least the green limit", field="unauthorised_amber")

    settings, created = RegionKpiSettings.objects.select_for_update().get_or_create(region=region)
    before = snapshot(settings, KPI_FIELDS) if not created else None
    settings.share_above_cap_green = share_above_cap_green
    settings.share_above_cap_amber = share_above_cap_amber
    settings.unauthorised_green = unauthorised_green
    settings.unauthorised_amber = unauthorised_amber
    settings.return_late_amber_days = return_late_amber_days
    after = snapshot(settings, KPI_FIELDS)
    if after != before:
        settings.updated_at = timezone.now()
        settings.updated_by = actor
        settings.save()
        audit_record(actor=actor, action="region.kpis_changed", obj=region, before=before, after=after)
    return settings
