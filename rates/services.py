"""Every write of price caps, rate cards and exemptions."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from rates.models import RoleGrade
from riia.models import Region

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def role_grades_load(*, data_dir: Path = DATA_DIR) -> int:
    """Load the five national core grades and the regions' local grades (idempotent).
    Returns how many grades were created."""
    regions = {r.slug: r for r in Region.objects.all()}
    created = 0
    with (data_dir / "role_grades.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = regions.get(row["region_slug"]) if row["region_slug"] else None
            if row["region_slug"] and region is None:
                continue  # the region's reference data is not loaded
            _, was_created = RoleGrade.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "core_type": row["core_type"],
                    "region": region,
                    "display_order": int(row["display_order"]),
                },
            )
            created += was_created
    return created
