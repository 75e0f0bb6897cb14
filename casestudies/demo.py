"""Demo content: the five published case studies from the DfE guidance and the cool-off template case,
written by each region's programme team, published and shared nationally. Safe to run twice."""

from __future__ import annotations

import json

from django.db import transaction

from casestudies import services
from casestudies.models import CaseStudy, Tag
from riia.models import Region, Role
from riia.selectors import people_with_region_role

DEMO_FILE = services.DATA_DIR / "demo_case_studies.json"


@transaction.atomic
def load() -> list[str]:
    tags_created = services.tags_load()
    tags = {t.slug: t for t in Tag.objects.all()}
    regions = {r.slug: r for r in Region.objects.all()}
    created = skipped = 0
    for row in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["case_studies"]:
        region = regions.get(row["region"])
        author = people_with_region_role(region=region, roles=[Role.PROGRAMME_MANAGER]).first() if region else None
        if author is None or CaseStudy.objects.filter(region=region, title=row["title"]).exists():
            skipped += 1
            continue
        data = services.CaseStudyData(
            **{name: row[name] for name in services.CaseStudyData.SCALARS if name in row},
            share_nationally=True,
            tags=[tags[slug] for slug in row["tags"]],
        )
        case_study = services.case_study_create(actor=author, region=region, data=data)
        for resource in row.get("resources", []):
            services.resource_create(actor=author, case_study=case_study, **resource)
        services.case_study_submit(case_study=case_study, actor=author)
        services.case_study_publish(case_study=case_study, actor=author)
        created += 1
    # Only what happened: no "0 tags created" lines that read like a failure.
    parts = [f"{created} demo case studies published"] if created else []
    if tags_created:
        parts.append(f"{tags_created} tags added")
    if skipped:
        parts.append(f"{skipped} already there")
    return [f"Case studies: {', '.join(parts)}."] if parts else []
