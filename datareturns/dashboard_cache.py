"""The rendered body of a benchmarking dashboard, kept in Django's cache so that a page under load
does not read and lay out the same snapshot rows again for every request (issue 11, Performance).

An entry is shared only between requests that must show exactly the same page:

* the same view and the same query string (quarter, role, sort, order and anything else echoed in
  the page's links);
* the same **visibility class**: the set of the page's scopes whose small-number pay figures the
  rules (``datareturns.rules.can_see_benchmark_pay``) show this person unsuppressed, and whether they
  may change the region's KPI thresholds. Two people with different classes never share an entry, so
  one person's unsuppressed figures cannot reach another;
* the same **data version**: read in one query from everything the body is computed from (the
  snapshots shown, the region's returns, KPI settings and due dates, its LAs), so a recompute (new
  ``computed_at``), a queued recompute, a sign-off, a reopening or a new threshold shows at once;
* the same day (an unsigned return turns late with the date alone).

Who may see the page at all is checked on every request before the cache is read. Entries also
expire after ``RIIA_DASHBOARD_CACHE_SECONDS`` (a backstop for reference data renamed in place)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from datareturns.models import BenchmarkSnapshot, QuarterlyReturn, RegionKpiSettings, ReturnDueDate
from riia.models import LocalAuthority, Region

KEY_VERSION = 1


def region_data_version(*, region: Region, scopes: Iterable[str]) -> tuple:
    """One query: what the region dashboard's figures, RAG and notices are computed from."""
    scopes = sorted(set(scopes))
    snapshots = BenchmarkSnapshot._meta.db_table
    returns, las = QuarterlyReturn._meta.db_table, LocalAuthority._meta.db_table
    kpis, due = RegionKpiSettings._meta.db_table, ReturnDueDate._meta.db_table
    marks = ", ".join(["%s"] * len(scopes)) or "NULL"
    sql = f"""
        SELECT
          (SELECT MAX(computed_at) FROM {snapshots} WHERE scope IN ({marks})),
          (SELECT COUNT(computed_at) FROM {snapshots} WHERE scope IN ({marks})),
          (SELECT MAX(queued_at) FROM {snapshots} WHERE scope IN ({marks})),
          (SELECT COUNT(queued_at) FROM {snapshots} WHERE scope IN ({marks})),
          (SELECT MAX(r.updated_at) FROM {returns} r JOIN {las} l ON l.id = r.local_authority_id
             WHERE l.region_id = %s),
          (SELECT COUNT(*) FROM {returns} r JOIN {las} l ON l.id = r.local_authority_id WHERE l.region_id = %s),
          (SELECT updated_at FROM {kpis} WHERE region_id = %s),
          (SELECT COUNT(*) FROM {kpis} WHERE region_id = %s),
          (SELECT MAX(set_at) FROM {due} WHERE region_id = %s),
          (SELECT COUNT(*) FROM {due} WHERE region_id = %s),
          (SELECT COUNT(*) FROM {las} WHERE region_id = %s),
          (SELECT MAX(id) FROM {las} WHERE region_id = %s)
    """  # noqa: S608 (table names from our own models, values as parameters)
    params = [*scopes, *scopes, *scopes, *scopes, *([region.pk] * 8)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row)


def page_key(*, view: str, place: Any, query: str, visibility: Any, version: Any) -> str:
    """The cache key: the view's name and a digest of everything the page depends on (the raw parts
    can be long and hold any character)."""
    parts = [KEY_VERSION, view, place, query, visibility, version, timezone.localdate().isoformat()]
    digest = hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
    return f"riia:dashboard:{view}:{digest}"


def cached_page(key: str, build: Callable[[], dict]) -> dict:
    """The cached parts of a page, or ``build()``'s, stored for the next request with the same key."""
    found = cache.get(key)
    if found is not None:
        return found
    parts = build()
    cache.set(key, parts, settings.RIIA_DASHBOARD_CACHE_SECONDS)
    return parts
