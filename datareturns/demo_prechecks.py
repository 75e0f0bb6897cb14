"""Demo pre-offer checks: each demo MSP checks a few proposed placements before offering them,
through the real check service (as its system, or its uploader, would), so the programme managers'
"Pre-offer checks made" page has counts to show. Idempotent: skipped once any demo MSP has checked."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from datareturns.generate import PlacementGenerator, la_profiles_load
from datareturns.models import CheckTally
from datareturns.prechecks import check_tally_add, placements_check
from datareturns.services import UploadSource
from riia.demo import DEMO_DOMAIN, DEMO_KEY_NAME, DEMO_MSPS, DEMO_REGIONS
from riia.models import MSP, ApiKey, User

SEED = 15
# Requests each demo MSP sends, and proposed placements in each.
CHECKS = (25, 1, 1, 3)


def load() -> list[str]:
    msps = list(MSP.objects.filter(slug__in=[slug for slug, _name, _serves in DEMO_MSPS]).order_by("slug"))
    if not msps:
        return ["Pre-offer checks: skipped, the demo MSPs are missing."]
    if CheckTally.objects.filter(msp__in=msps).exists():
        return ["Pre-offer checks: the demo MSPs' checks are already counted, left as they are."]
    today = timezone.localdate()
    checks = rows = flagged = 0
    for seed, msp in enumerate(msps, start=SEED):
        las = list(msp.local_authorities.select_related("region").filter(region__slug__in=DEMO_REGIONS))
        key = ApiKey.objects.filter(msp=msp, name=DEMO_KEY_NAME, revoked=False).first()
        uploader = User.objects.filter(email=f"uploader.{msp.slug}@{DEMO_DOMAIN}").first()
        if not las or (key is None and uploader is None):
            continue
        source = UploadSource(msp=msp, api_key=key) if key else UploadSource(msp=msp, user=uploader)
        proposed = PlacementGenerator(
            las=la_profiles_load(local_authorities=las),
            rows=sum(CHECKS),
            first_start=today,
            last_start=today + timedelta(days=60),
            seed=seed,
            assignment_prefix="OFFER-",
            horizon=today + timedelta(days=150),
        ).placements()
        for size in CHECKS:
            batch = [(number, next(proposed)) for number in range(1, size + 1)]
            answer = placements_check(source=source, rows=batch)
            check_tally_add(source=source, rows=len(batch))
            checks += 1
            rows += len(batch)
            flagged += sum(1 for result in answer.results if not result.compliant)
    return [
        f"Pre-offer checks: {checks} checks of {rows} proposed placements by the demo MSPs today "
        f"({flagged} would have breached the agreement)."
    ]
