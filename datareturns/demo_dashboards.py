"""Demo KPI thresholds: the West Midlands' programme manager sets their own (stricter than the
defaults, so the demo dashboard shows every RAG colour); London keeps the defaults. Through the real,
audited service. Idempotent: a region that has thresholds is left as it is."""

from __future__ import annotations

from decimal import Decimal

from datareturns.models import RegionKpiSettings
from datareturns.services_kpis import region_kpi_settings_update
from riia.demo import DEMO_DOMAIN
from riia.models import Region, User

DEMO_KPIS = {
    "west-midlands": {
        "share_above_cap_green": Decimal("0.0400"),
        "share_above_cap_amber": Decimal("0.0800"),
        "unauthorised_green": 0,
        "unauthorised_amber": 1,
        "return_late_amber_days": 14,
    }
}


def load() -> list[str]:
    lines = []
    for slug, values in DEMO_KPIS.items():
        region = Region.objects.filter(slug=slug).first()
        pm = User.objects.filter(email=f"pm.{slug}@{DEMO_DOMAIN}").first()
        if region is None or pm is None or RegionKpiSettings.objects.filter(region=region).exists():
            continue
        region_kpi_settings_update(actor=pm, region=region, **values)
        lines.append(f"Benchmark KPI thresholds set for {region.name} by its programme manager.")
    return lines
