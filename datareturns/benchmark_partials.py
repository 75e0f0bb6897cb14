"""Stage 1 of the benchmarks on PostgreSQL: stored additive partials, and the figures read off them.

``datareturns_benchmarkpartial`` holds, per LA × quarter × core type × hourly pay (pence), the sums of
the placements active in that quarter (count, hours, exact spend, flag counts): the LA's pay
distribution with every additive measure. Pays cluster (below, at and above the caps), so it is far
smaller than placements × quarters. ``datareturns_benchmarkdistribution`` holds the same sums added
over each group's, region's and England's LAs.

- A full recompute builds every LA's partials in one set-based statement over the placements (each
  placement's arithmetic done once, then spread over the quarters it is active in; no sort of
  placement × quarter rows, which the hand-written reference needs), then the distributions from the
  partials in one GROUPING SETS statement.
- An upload for one LA rebuilds only that LA's partials (reads only its placements) and adds new − old
  to its group's, region's and England's distribution rows (INSERT … ON CONFLICT DO UPDATE, in key
  order, so concurrent LAs' rebuilds neither lose an update nor deadlock); the LA's state row is locked
  meanwhile, so two rebuilds of one LA run one after the other.
- Every scope's figures come from one statement over its rows (an LA's partials, a group's, region's or
  England's distribution): sums, and the interpolated median read off the cumulative counts (exactly
  ``percentile_cont(0.5)``: the mean of the values at positions floor((N-1)/2) and ceil((N-1)/2)).
  Hours worked by LAs with a signed-off return (for ``agency_rate``) are summed from the partials of
  those LAs, so a sign-off needs no rebuild.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from datareturns.benchmarks import (
    _LEVEL,
    _SCOPE_ID,
    _SETS,
    CORE_TYPES,
    LEVELS,
    RECOMPUTE_WORK_MEM,
    Cell,
    CellKey,
    Geography,
    Quarter,
    Wanted,
)
from datareturns.benchmarks_selectors import ALL_ROLES
from datareturns.models import BenchmarkPartialState
from riia.models import LocalAuthority

MEASURES = ("placements", "hours", "spend7", "authorised", "unauthorised", "cool_off", "pqe", "repricing")
_COLUMNS = ", ".join(MEASURES)

_QUARTERS_CTE = """q AS (
    SELECT * FROM unnest(%(idx)s::int[], %(labels)s::text[], %(firsts)s::date[], %(lasts)s::date[])
        AS q(idx, label, first_day, last_day)
)"""

# Stage 1: placements × the quarters they are active in, summed per LA × quarter × core × pay. Money and
# hours as integers (pence, hundredths of an hour): exact, and fast to sum.
#
# The arithmetic is done once per placement, not once per placement and quarter (3.8 placement-quarters
# per placement in the bench's data): placements are first summed per LA × role × pay × first and last
# quarter of theirs in the range (quarter indexes: quarters are consecutive, so a date's index is its
# year × 4 + quarter − the first quarter's), then each sum is spread over its quarters. A placement's
# spend in quarter q is charge × days, where days = (its last day in the range if q is its last quarter,
# else q's last day) − (its first day in the range if q is its first quarter, else q's first day) + 1;
# so it takes three sums per group: charge, charge × first day and charge × last day (days counted from
# the range's first day, so they stay small).
_QUARTER_INDEX = "(date_part('year', {d})::int * 4 + (date_part('month', {d})::int - 1) / 3 - %(base)s)"
_STAGE1_SELECT = f"""
SELECT a.local_authority_id, q.label, array_position(%(cores)s::text[], g.core_type::text), a.pay,
    sum(a.placements)::int,
    sum(a.hours)::bigint,
    sum(CASE WHEN q.idx = a.last_idx THEN a.charge_to_end ELSE a.charge * (q.last_day - %(first)s::date) END
        - CASE WHEN q.idx = a.first_idx THEN a.charge_from_start ELSE a.charge * (q.first_day - %(first)s::date) END
        + a.charge)::bigint,
    sum(a.authorised)::int,
    sum(a.unauthorised)::int,
    sum(a.cool_off)::int,
    sum(a.pqe)::int,
    sum(a.repricing)::int
FROM (
    SELECT p.local_authority_id, p.role_grade_id, (p.hourly_pay_rate * 100)::int AS pay, s.first_idx, s.last_idx,
        count(*) AS placements,
        sum((p.hours_per_week * 100)::int)::bigint AS hours,
        sum(c.charge)::bigint AS charge,
        sum(c.charge * (greatest(p.start_date, %(first)s::date) - %(first)s::date))::bigint AS charge_from_start,
        sum(c.charge * (least(coalesce(p.end_date, %(last)s::date), %(last)s::date) - %(first)s::date))::bigint
            AS charge_to_end,
        count(*) FILTER (WHERE p.flag_above_cap_authorised) AS authorised,
        count(*) FILTER (WHERE p.flag_above_cap_unauthorised) AS unauthorised,
        count(*) FILTER (WHERE p.flag_cool_off) AS cool_off,
        count(*) FILTER (WHERE p.flag_pqe_under_3_years) AS pqe,
        count(*) FILTER (WHERE p.flag_project_team_repricing) AS repricing
    FROM datareturns_placement p
    CROSS JOIN LATERAL (SELECT (p.charge_rate * 100)::bigint * (p.hours_per_week * 100)::int AS charge) AS c
    CROSS JOIN LATERAL (
        SELECT greatest(0, {_QUARTER_INDEX.format(d="p.start_date")}) AS first_idx,
            least(%(top)s, {_QUARTER_INDEX.format(d="coalesce(p.end_date, %(last)s::date)")}) AS last_idx
    ) AS s
    WHERE p.start_date <= %(last)s::date AND (p.end_date IS NULL OR p.end_date >= %(first)s::date) {{where}}
    GROUP BY 1, 2, 3, 4, 5
) AS a
JOIN q ON q.idx BETWEEN a.first_idx AND a.last_idx
JOIN rates_rolegrade g ON g.id = a.role_grade_id
GROUP BY 1, 2, 3, 4
"""

_DISTRIBUTIONS_SQL = f"""
INSERT INTO datareturns_benchmarkdistribution (level, scope_id, quarter, core, pay, {_COLUMNS})
SELECT CASE WHEN grouping(la.group_id) = 0 THEN 1 WHEN grouping(la.region_id) = 0 THEN 2 ELSE 3 END,
    coalesce(la.group_id, la.region_id, 0), p.quarter, p.core, p.pay,
    {", ".join(f"sum(p.{m})" for m in MEASURES)}
FROM datareturns_benchmarkpartial p JOIN riia_localauthority la ON la.id = p.local_authority_id
GROUP BY p.quarter, p.core, p.pay, GROUPING SETS ((la.group_id), (la.region_id), ())
HAVING grouping(la.group_id) = 1 OR la.group_id IS NOT NULL
"""

_DELTA_SQL = f"""
WITH delta AS (
    SELECT quarter, core, pay, {", ".join(f"sum({m}) AS {m}" for m in MEASURES)}
    FROM (
        SELECT quarter, core, pay, {_COLUMNS} FROM benchmark_new_partial
        UNION ALL
        SELECT quarter, core, pay, {", ".join(f"-{m}" for m in MEASURES)}
        FROM datareturns_benchmarkpartial WHERE local_authority_id = %(la_id)s
    ) AS both_versions
    GROUP BY quarter, core, pay
    HAVING {" OR ".join(f"sum({m}) <> 0" for m in MEASURES)}
)
INSERT INTO datareturns_benchmarkdistribution (level, scope_id, quarter, core, pay, {_COLUMNS})
SELECT s.level, s.scope_id, delta.* FROM delta
CROSS JOIN unnest(%(levels)s::int[], %(scope_ids)s::int[]) AS s(level, scope_id)
ORDER BY s.level, s.scope_id, delta.quarter, delta.core, delta.pay
ON CONFLICT ON CONSTRAINT benchmark_distribution_once_per_pay DO UPDATE SET
    {", ".join(f"{m} = datareturns_benchmarkdistribution.{m} + excluded.{m}" for m in MEASURES)}
"""

_ROLLUP_SQL = f"""
WITH {_QUARTERS_CTE},
located AS (
    SELECT 0 AS level, p.local_authority_id AS scope_id, q.idx, p.core, p.pay, {", ".join(f"p.{m}" for m in MEASURES)}
    FROM datareturns_benchmarkpartial p JOIN q ON q.label = p.quarter
    WHERE p.local_authority_id = ANY(%(la_ids)s) AND p.placements > 0
    UNION ALL
    SELECT d.level, d.scope_id, q.idx, d.core, d.pay, {", ".join(f"d.{m}" for m in MEASURES)}
    FROM datareturns_benchmarkdistribution d JOIN q ON q.label = d.quarter
    WHERE d.placements > 0 AND ((d.level = 1 AND d.scope_id = ANY(%(group_ids)s))
        OR (d.level = 2 AND d.scope_id = ANY(%(region_ids)s)) OR (d.level = 3 AND %(england)s))
),
sums AS (
    -- core 0 = all roles
    SELECT level, scope_id, idx, coalesce(core, 0) AS core,
        sum(placements) AS n, sum(hours) AS hours, sum(pay::bigint * placements) AS pay_sum, sum(spend7) AS spend7,
        sum(authorised) AS authorised, sum(unauthorised) AS unauthorised, sum(cool_off) AS cool_off,
        sum(pqe) AS pqe, sum(repricing) AS repricing
    FROM located
    GROUP BY level, scope_id, idx, ROLLUP (core)
),
counts AS (
    -- Each cell's pay distribution (counts only): one row per pay already for a core type; added over
    -- the core types for all roles.
    SELECT level, scope_id, idx, core, pay, placements AS n FROM located
    UNION ALL
    SELECT level, scope_id, idx, 0, pay, sum(placements)::int FROM located GROUP BY level, scope_id, idx, pay
),
medians AS (
    -- The cell's count comes from sums (integers: cum > n / 2 is the same test whether n / 2 is rounded).
    SELECT level, scope_id, core, idx,
        min(pay) FILTER (WHERE cum > (s.n - 1) / 2) + min(pay) FILTER (WHERE cum > s.n / 2) AS median2
    FROM (
        SELECT counts.*, sum(n) OVER (PARTITION BY level, scope_id, core, idx ORDER BY pay) AS cum FROM counts
    ) AS cumulative
    JOIN sums s USING (level, scope_id, core, idx)
    GROUP BY level, scope_id, core, idx
),
signed AS (
    -- Hours worked for the LAs with a signed-off return for the quarter, by level like the rest.
    SELECT {_LEVEL} AS level, {_SCOPE_ID} AS scope_id, idx, coalesce(core, 0) AS core, sum(hours) AS hours
    FROM (
        SELECT p.local_authority_id AS la_id, la.group_id, la.region_id, q.idx, p.core, p.hours
        FROM datareturns_benchmarkpartial p
        JOIN q ON q.label = p.quarter
        JOIN (SELECT DISTINCT local_authority_id, quarter FROM datareturns_quarterlyreturn
              WHERE status = 'signed_off') AS r ON r.local_authority_id = p.local_authority_id AND r.quarter = p.quarter
        JOIN riia_localauthority la ON la.id = p.local_authority_id
        WHERE p.local_authority_id = ANY(%(read_la_ids)s)
    ) AS signed_partials
    GROUP BY idx, GROUPING SETS ({_SETS})
)
SELECT s.level, s.scope_id, s.core, s.idx, s.n, s.hours, coalesce(h.hours, 0), s.pay_sum, s.spend7, s.authorised,
    s.unauthorised, s.cool_off, s.pqe, s.repricing, m.median2
FROM sums s
JOIN medians m USING (level, scope_id, core, idx)
LEFT JOIN signed h USING (level, scope_id, core, idx)
"""


def _quarter_params(quarters: list[Quarter]) -> dict:
    return {
        "idx": list(range(len(quarters))),
        "labels": [q.label for q in quarters],
        "firsts": [q.first for q in quarters],
        "lasts": [q.last for q in quarters],
        "cores": list(CORE_TYPES),
        # Stage 1's range: its first and last day, the first quarter's year × 4 + quarter − 1, the last index.
        "first": quarters[0].first,
        "last": quarters[-1].last,
        "base": quarters[0].first.year * 4 + (quarters[0].first.month - 1) // 3,
        "top": len(quarters) - 1,
    }


def _stage1_sql(where: str) -> str:
    return f"WITH {_QUARTERS_CTE} {_STAGE1_SELECT.format(where=where)}"


def partials_rebuild_all(*, quarters: list[Quarter]) -> None:
    """Every LA's partials from every placement (one statement), then every distribution from them."""
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{RECOMPUTE_WORK_MEM}'")
        # Wait for the LA rebuilds under way (they hold their state row, then need the tables), then lock
        # out the next ones and readers of half-built tables until this commits.
        cursor.execute("SELECT 1 FROM datareturns_benchmarkpartialstate ORDER BY local_authority_id FOR UPDATE")
        cursor.execute("TRUNCATE datareturns_benchmarkpartial, datareturns_benchmarkdistribution")
        # CREATE TABLE AS may scan and aggregate the placements in parallel workers (INSERT ... SELECT
        # may not); the copy of the small result into the partials costs little.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.benchmark_new_partial")
        cursor.execute(
            "CREATE TEMP TABLE benchmark_new_partial ON COMMIT DROP AS SELECT * FROM ("
            + _stage1_sql("")
            + f") AS stage1 (local_authority_id, quarter, core, pay, {_COLUMNS})",
            _quarter_params(quarters),
        )
        cursor.execute(
            f"INSERT INTO datareturns_benchmarkpartial (local_authority_id, quarter, core, pay, {_COLUMNS}) "
            f"SELECT local_authority_id, quarter, core, pay, {_COLUMNS} FROM benchmark_new_partial"
        )
        cursor.execute("DROP TABLE benchmark_new_partial")
        cursor.execute("ANALYZE datareturns_benchmarkpartial")
        cursor.execute(_DISTRIBUTIONS_SQL)
        cursor.execute("ANALYZE datareturns_benchmarkdistribution")
        cursor.execute(
            "INSERT INTO datareturns_benchmarkpartialstate (local_authority_id, through, built_at) "
            "SELECT id, %s, %s FROM riia_localauthority "
            "ON CONFLICT (local_authority_id) DO UPDATE SET through = excluded.through, built_at = excluded.built_at",
            [quarters[-1].label, now],
        )


def partials_rebuild_la(*, la: LocalAuthority, quarters: list[Quarter]) -> None:
    """One LA's partials from its placements, and new − old added to its group's, region's and
    England's distributions; the LA's state row locked meanwhile."""
    levels, scope_ids = [2, 3], [la.region_id, 0]
    if la.group_id:
        levels, scope_ids = [1, *levels], [la.group_id, *scope_ids]
    with transaction.atomic(), connection.cursor() as cursor:
        BenchmarkPartialState.objects.get_or_create(
            local_authority=la, defaults={"through": quarters[-1].label, "built_at": timezone.now()}
        )
        BenchmarkPartialState.objects.select_for_update().get(local_authority=la)
        cursor.execute("DROP TABLE IF EXISTS pg_temp.benchmark_new_partial")
        cursor.execute(
            "CREATE TEMP TABLE benchmark_new_partial ON COMMIT DROP AS SELECT * FROM ("
            + _stage1_sql("AND p.local_authority_id = %(la_id)s")
            + f") AS stage1 (local_authority_id, quarter, core, pay, {_COLUMNS})",
            {**_quarter_params(quarters), "la_id": la.pk},
        )
        cursor.execute(_DELTA_SQL, {"la_id": la.pk, "levels": levels, "scope_ids": scope_ids})
        cursor.execute("DELETE FROM datareturns_benchmarkpartial WHERE local_authority_id = %s", [la.pk])
        cursor.execute(
            f"INSERT INTO datareturns_benchmarkpartial (local_authority_id, quarter, core, pay, {_COLUMNS}) "
            f"SELECT local_authority_id, quarter, core, pay, {_COLUMNS} FROM benchmark_new_partial"
        )
        BenchmarkPartialState.objects.filter(local_authority=la).update(
            through=quarters[-1].label, built_at=timezone.now()
        )


def partials_rollup(*, quarters: list[Quarter], wanted: Wanted, geography: Geography) -> dict[CellKey, Cell]:
    """Every wanted scope's cells, read off the partials and distributions in one statement."""
    read_la_ids = [
        la.pk
        for la in geography.las.values()
        if wanted.england
        or la.pk in wanted.la_ids
        or la.group_id in wanted.group_ids
        or la.region_id in wanted.region_ids
    ]
    params = {
        **_quarter_params(quarters),
        "la_ids": sorted(wanted.la_ids),
        "group_ids": sorted(wanted.group_ids),
        "region_ids": sorted(wanted.region_ids),
        "england": wanted.england,
        "read_la_ids": read_la_ids,
    }
    roles = (ALL_ROLES, *CORE_TYPES)
    cells: dict[CellKey, Cell] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{RECOMPUTE_WORK_MEM}'")
        cursor.execute(_ROLLUP_SQL, params)
        for row in cursor.fetchall():
            level, scope_id, core, idx, n, hours, signed, pay_sum, spend7, auth, unauth, cool, pqe, rep, median = row
            if not wanted.wants(LEVELS[level], scope_id):
                continue  # the signed hours' grouping sets name more scopes than were asked for
            cells[(LEVELS[level], scope_id, roles[core], idx)] = Cell(
                placements=int(n),
                hours=Decimal(hours) / 100,
                signed_hours=Decimal(signed) / 100,
                pay_sum=Decimal(pay_sum) / 100,
                spend7=Decimal(spend7) / 10000,
                authorised=int(auth),
                unauthorised=int(unauth),
                cool_off=int(cool),
                pqe=int(pqe),
                repricing=int(rep),
                median=Decimal(median) / 200,
            )
    return cells
