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
import weakref
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from datareturns.benchmarks_selectors import scope_label_for
from datareturns.models import BenchmarkSnapshot, QuarterlyReturn, RegionKpiSettings, ReturnDueDate, ScopeKind
from riia.models import LocalAuthority, Region
from riia.rules import access_cache_key

KEY_VERSION = 1


# Every request for a region dashboard runs it, so on PostgreSQL it is prepared once per database
# connection (planning it took as long as running it). Named parameters: %(name)s where executed
# directly, $n in the prepared statement.
_REGION_VERSION_NAME = "riia_region_data_version"
_REGION_VERSION_PARAMS = ("england", "region_scope", "la", "region")
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def _region_version_sql(placeholder: Callable[[str], str]) -> str:
    snapshots = BenchmarkSnapshot._meta.db_table
    returns, las = QuarterlyReturn._meta.db_table, LocalAuthority._meta.db_table
    kpis, due = RegionKpiSettings._meta.db_table, ReturnDueDate._meta.db_table
    england, region_scope, la, region = (placeholder(name) for name in _REGION_VERSION_PARAMS)
    return f"""
        SELECT s.*, r.*, k.*, d.*, l.*
        FROM (SELECT MAX(computed_at), COUNT(computed_at), MAX(queued_at), COUNT(queued_at) FROM {snapshots}
                WHERE scope IN ({england}, {region_scope}) OR (kind = {la} AND region_id = {region})) s,
             (SELECT MAX(r.updated_at), COUNT(*) FROM {returns} r JOIN {las} l ON l.id = r.local_authority_id
                WHERE l.region_id = {region}) r,
             (SELECT MAX(updated_at), COUNT(*) FROM {kpis} WHERE region_id = {region}) k,
             (SELECT MAX(set_at), COUNT(*) FROM {due} WHERE region_id = {region}) d,
             (SELECT COUNT(*), MAX(id) FROM {las} WHERE region_id = {region}) l
    """  # noqa: S608 (table names from our own models, values as parameters)


def _execute_prepared(cursor, name: str, sql: Callable[[Callable[[str], str]], str], values: dict) -> None:
    """Run the statement prepared under ``name`` on this PostgreSQL connection, preparing it first if
    this connection has not (asked of the server once per connection, so a statement prepared before
    this process knew of it is not prepared twice)."""
    raw = connection.connection
    known = _prepared.setdefault(raw, set())
    if name not in known:
        cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
        if cursor.fetchone() is None:
            order = list(values)
            cursor.execute(f"PREPARE {name} AS {sql(lambda key: f'${order.index(key) + 1}')}")
        known.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(values))})", list(values.values()))


def region_data_version(*, region: Region) -> tuple:
    """One query: what the region dashboard's figures, RAG and notices are computed from: the
    England, region and LA snapshots (an LA snapshot records its LA's region), the region's returns,
    KPI settings and due dates, and its LAs (their number and newest id)."""
    values = {
        "england": "england",
        "region_scope": scope_label_for(kind=ScopeKind.REGION, region=region),
        "la": str(ScopeKind.LA),
        "region": region.pk,
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _execute_prepared(cursor, _REGION_VERSION_NAME, _region_version_sql, values)
        else:
            cursor.execute(_region_version_sql(lambda key: f"%({key})s"), values)
        row = cursor.fetchone()
    return tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row)


def region_las(*, region: Region, version: tuple, load: Callable[[], list[LocalAuthority]]) -> list[LocalAuthority]:
    """The region's LAs (``load()``), kept beside the pages: keyed by their number and newest id from
    the data version, so an LA added or moved shows at once (a rename within the entry's life)."""
    key = f"riia:dashboard:region-las:{region.pk}:{version[-2]}:{version[-1]}"
    return cache.get_or_set(key, load, settings.RIIA_DASHBOARD_CACHE_SECONDS)


def region_visibility(*, user, region: Region, version: tuple, load: Callable[[], Any]) -> Any:
    """The person's visibility class on the region's page (``load()``), kept with their memberships:
    it is the rules' answer from their memberships and the region's LAs, so it is keyed by their
    access version and the LAs' number and newest id from the data version."""
    base = access_cache_key(user, "dashboard-visibility")
    if base is None:
        return load()
    return cache.get_or_set(
        f"{base}:{region.pk}:{version[-2]}:{version[-1]}", load, settings.RIIA_MEMBERSHIPS_CACHE_SECONDS
    )


def page_key(*, view: str, place: Any, query: str, visibility: Any, version: Any) -> str:
    """The cache key: the view's name and a digest of everything the page depends on (the raw parts
    can be long and hold any character)."""
    parts = [KEY_VERSION, view, place, query, visibility, version, timezone.localdate().isoformat()]
    digest = hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
    return f"riia:dashboard:{view}:{digest}"


def cached(key: str) -> dict | None:
    """The cached parts of a page, if kept."""
    return cache.get(key)


def cached_page(key: str, build: Callable[[], dict]) -> dict:
    """The cached parts of a page, or ``build()``'s, stored for the next request with the same key."""
    found = cache.get(key)
    if found is not None:
        return found
    parts = build()
    cache.set(key, parts, settings.RIIA_DASHBOARD_CACHE_SECONDS)
    return parts
