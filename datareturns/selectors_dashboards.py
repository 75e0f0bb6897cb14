"""Scoped reads the benchmarking dashboards need beside the benchmark figures themselves (which come
only from ``datareturns.benchmarks_selectors``): when the snapshots shown were computed, whether a
recompute is on its way, the returns signed off, an LA's breaches and which dashboards a person has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from breaches.models import BreachRecord
from breaches.selectors.register import breach_records_visible_to
from datareturns.models import BenchmarkSnapshot, QuarterlyReturn, ReturnStatus
from datareturns.rules import can_view_la_dashboard
from riia.models import LocalAuthority, Region, Role, User
from riia.rules import current_memberships


@dataclass(frozen=True)
class SnapshotsMeta:
    computed_at: datetime | None  # the oldest of the snapshots shown: every figure is at least this fresh
    queued: bool  # a recompute of one of them is queued or running
    missing: bool  # one of them has never been computed
    # Newer data is waiting and the recompute is late: its task is still in the outbox (Redis was down
    # when it was queued) or it was queued more than RECOMPUTE_LATE ago (no worker took it yet).
    waiting: bool = False


# A recompute normally starts within seconds; queued longer than this, the page says the figures it
# shows are older than the data waiting.
RECOMPUTE_LATE = timedelta(minutes=1)


def snapshots_meta(*, scopes: list[str]) -> SnapshotsMeta:
    found = list(BenchmarkSnapshot.objects.filter(scope__in=scopes).values_list("computed_at", "queued_at"))
    computed = [c for c, _q in found if c is not None]
    queued = [q for _c, q in found if q is not None]
    return SnapshotsMeta(
        computed_at=min(computed) if computed else None,
        queued=bool(queued),
        missing=len(computed) < len(set(scopes)),
        waiting=recompute_waiting(queued_since=min(queued) if queued else None),
    )


def recompute_waiting(*, queued_since: datetime | None) -> bool:
    """Whether a recompute queued at ``queued_since`` (the oldest queued mark of the snapshots shown)
    is late: queued more than ``RECOMPUTE_LATE`` ago, or its task not yet handed to Redis (an unsent
    outbox message written since). At most one query, and none when nothing is queued."""
    from datareturns.tasks import benchmarks_recompute_task
    from riia.outbox import outbox_unsent_since

    if queued_since is None:
        return False
    if queued_since < timezone.now() - RECOMPUTE_LATE:
        return True
    return outbox_unsent_since(task=benchmarks_recompute_task, since=queued_since)


def snapshots_waiting(*, scopes: list[str]) -> bool:
    """``snapshots_meta(...).waiting`` alone: a cached dashboard's key includes it (it changes with the
    clock and the outbox, not with the data version)."""
    from django.db.models import Min

    oldest = BenchmarkSnapshot.objects.filter(scope__in=scopes).aggregate(oldest=Min("queued_at"))["oldest"]
    return recompute_waiting(queued_since=oldest)


def region_dashboard_las(*, region: Region) -> list[LocalAuthority]:
    return list(region.local_authorities.select_related("group").order_by("name"))


def returns_signed_off_at(*, region: Region, quarter: str) -> dict[int, datetime]:
    """When each LA of the region signed off its return for the quarter (LAs that have not are absent)."""
    return dict(
        QuarterlyReturn.objects.filter(
            local_authority__region=region, quarter=quarter, status=ReturnStatus.SIGNED_OFF
        ).values_list("local_authority_id", "signed_off_at")
    )


def la_dashboard_get(*, user: User, slug: str) -> LocalAuthority:
    """The LA of a dashboard address: 404 when unknown or not the person's to see (an LA of another
    region is not confirmed to exist)."""
    la = LocalAuthority.objects.select_related("region", "group").filter(slug=slug).first()
    if la is None or not can_view_la_dashboard(user, la):
        raise Http404("No dashboard of this local authority is yours to see.")
    return la


def la_breach_records(*, user: User, la: LocalAuthority, limit: int = 10) -> QuerySet[BreachRecord]:
    """The LA's latest breach register entries the person may see (the register's own scoping)."""
    return breach_records_visible_to(user=user).filter(local_authority=la).order_by("-occurred_on", "-pk")[:limit]


def dashboards_of(*, user: User) -> tuple[list[Region], list[LocalAuthority]]:
    """The regions and LAs whose dashboards the person has as their own: the LAs they work in and the
    regions they are RIIA staff of or whose LAs they work in."""
    regions: dict[int, Region] = {}
    las: dict[int, LocalAuthority] = {}
    for m in current_memberships(user):
        if m.role in Role.la_roles():
            las.setdefault(m.local_authority_id, m.local_authority)
            regions.setdefault(m.local_authority.region_id, m.local_authority.region)
        elif m.role in Role.region_roles():
            regions.setdefault(m.region_id, m.region)
    return sorted(regions.values(), key=lambda r: r.name), sorted(las.values(), key=lambda la: la.name)
