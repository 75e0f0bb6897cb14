"""The benchmarking dashboards' tables and charts, built from the results of the one benchmark
selector (``datareturns.benchmarks_selectors.benchmark_results``, which the API also answers from),
so a page shows the same numbers as ``GET /api/v1/benchmarks/``. Nothing here aggregates: it picks
stored results and lays them out. A suppressed pay figure is shown as "[c]" and is blank in a chart.

A table is what a chart's data table, the page and the CSV download all show: the CSV view asks for
the same page's table by its key, so the download always has the page's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rates.models import CoreJobType

SUPPRESSED = "[c]"
BLANK = "–"
ALL_ROLES = "all"
ROLE_LABELS = {ALL_ROLES: "All roles", **dict(CoreJobType.choices)}
TREND_QUARTERS = 8


# --- Formatting one figure ----------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def money(value: Any) -> str:
    value = _number(value)
    return BLANK if value is None else f"£{value:,.2f}"


def signed_money(value: Any) -> str:
    value = _number(value)
    if value is None:
        return BLANK
    return f"{'+' if value > 0 else '−' if value < 0 else ''}£{abs(value):,.2f}"


def percent(value: Any) -> str:
    value = _number(value)
    return BLANK if value is None else f"{value * 100:.1f}%"


def count(value: Any) -> str:
    value = _number(value)
    return BLANK if value is None else f"{int(value):,}"


def fte(value: Any) -> str:
    value = _number(value)
    return BLANK if value is None else f"{value:,.2f}"


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    format: Any  # one of the functions above


# The figures the pages show, in the order; the API has every metric.
METRIC_ROWS = (
    Metric("placements", "Placements", count),
    Metric("agency_fte", "Agency FTE", fte),
    Metric("median_pay", "Median hourly pay", money),
    Metric("mean_pay", "Mean hourly pay", money),
    Metric("cap", "Cap (limited company)", money),
    Metric("above_cap", "Placements above the cap", count),
    Metric("above_cap_authorised", "Above the cap with permission", count),
    Metric("above_cap_unauthorised", "Above the cap without permission", count),
    Metric("share_above_cap", "Share above the cap", percent),
    Metric("spend", "Spend in the quarter", money),
    Metric("returns_signed_off", "Returns signed off", count),
    Metric("las_in_scope", "Local authorities", count),
    Metric("employed_fte", "Employed FTE (signed-off returns)", fte),
    Metric("agency_rate", "Agency rate", percent),
    Metric("conversions", "Agency-to-permanent conversions", count),
    Metric("cool_off_flags", "Inside the cool-off period", count),
    Metric("pqe_flags", "Less than 3 years' experience", count),
    Metric("project_team_repricing_flags", "Project team re-pricing", count),
    Metric("change_placements", "Change in placements", count),
    Metric("change_median_pay", "Change in median pay", signed_money),
)
METRICS_BY_NAME = {m.name: m for m in METRIC_ROWS}


def cell(result: dict | None, name: str) -> str:
    """A result's figure as the page shows it: "[c]" when suppressed for this person."""
    if result is None:
        return BLANK
    if name in result.get("suppressed", ()):
        return SUPPRESSED
    return METRICS_BY_NAME[name].format(result.get(name))


def plotted(result: dict | None, name: str) -> float | None:
    """A figure for a chart (a float for plotly): blank when missing or suppressed."""
    if result is None or result.get(name) is None:
        return None
    return float(result[name])


# --- Tables and charts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    heading: str
    numeric: bool = True
    sort_key: str = ""  # a query value when the page sorts by this column


@dataclass
class Table:
    key: str  # names it in the CSV download's address
    caption: str
    columns: list[Column]
    rows: list[list[str]]
    header_rows: bool = True  # the first cell of each row heads it
    links: list[str] = field(default_factory=list)  # per row, a link for the first cell (or "")

    def cells(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells with whether its column is numeric, for the page."""
        return [[(v, c.numeric) for v, c in zip(row, self.columns, strict=True)] for row in self.rows]

    def csv_rows(self) -> list[list[str]]:
        return [[c.heading for c in self.columns], *self.rows]


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar" or "line"
    x: list[str]
    series: list[dict]  # {"name": ..., "y": [float | None, ...]}
    y_format: str  # "money", "percent" or "number"
    table: Table

    def spec(self) -> dict:
        """The JSON island static/js/benchmark-charts.js draws from."""
        return {"kind": self.kind, "x": self.x, "series": self.series, "y_format": self.y_format}


def by_scope(results: list[dict]) -> dict[tuple[str, str, str], dict]:
    return {(r["scope"], r["quarter"], r["role"]): r for r in results}


def trend_quarters(quarters: list[str], quarter: str) -> list[str]:
    """Up to 8 quarters ending with ``quarter``, oldest first."""
    return sorted(q for q in quarters if q <= quarter)[-TREND_QUARTERS:]


@dataclass(frozen=True)
class Place:
    """A scope as a column or row of a table: its label and the name people know it by."""

    scope: str
    name: str


def comparison_table(*, places: list[Place], results: dict, quarter: str, role: str) -> Table:
    """Metric by metric, each place side by side (an LA beside its region and England)."""
    chosen = [results.get((p.scope, quarter, role)) for p in places]
    return Table(
        key="comparison",
        caption=f"{quarter}, {ROLE_LABELS[role].lower()}: every figure",
        columns=[Column("Figure", numeric=False), *[Column(p.name) for p in places]],
        rows=[[m.label, *[cell(r, m.name) for r in chosen]] for m in METRIC_ROWS],
    )


def roles_table(*, places: list[Place], results: dict, quarter: str) -> Table:
    """Role by role: median pay and the share above the cap of each place."""
    columns = [Column("Role", numeric=False)]
    columns += [Column(f"{p.name}: median pay") for p in places]
    columns += [Column(f"{p.name}: share above the cap") for p in places]
    rows = []
    for role, label in ROLE_LABELS.items():
        chosen = [results.get((p.scope, quarter, role)) for p in places]
        rows.append([label, *[cell(r, "median_pay") for r in chosen], *[cell(r, "share_above_cap") for r in chosen]])
    return Table(key="roles", caption=f"{quarter}: by role", columns=columns, rows=rows)


_TRENDS = {
    "pay": ("Median hourly pay against the cap", "median_pay", "money"),
    "share": ("Share of placements above the cap", "share_above_cap", "percent"),
    "agency-rate": ("Agency rate (agency FTE over agency and employed FTE)", "agency_rate", "percent"),
}


def trend_chart(*, key: str, places: list[Place], results: dict, quarters: list[str], role: str) -> Chart:
    """One figure of each place over the quarters; the pay chart adds the cap of the first place's
    region (the cap is blank for England and for all roles)."""
    title, name, y_format = _TRENDS[key]
    series = [{"name": p.name, "y": [plotted(results.get((p.scope, q, role)), name) for q in quarters]} for p in places]
    columns = [Column("Quarter", numeric=False), *[Column(p.name) for p in places]]
    rows = [[q, *[cell(results.get((p.scope, q, role)), name) for p in places]] for q in quarters]
    cap_place = next((p for p in places if p.scope.startswith("region:")), None)
    if key == "pay" and cap_place is not None:
        caps = [results.get((cap_place.scope, q, role)) for q in quarters]
        series.append({"name": "Cap", "y": [plotted(r, "cap") for r in caps], "dash": True})
        columns.append(Column("Cap"))
        for row, r in zip(rows, caps, strict=True):
            row.append(cell(r, "cap"))
    caption = f"{title}, {ROLE_LABELS[role].lower()}, by quarter"
    table = Table(key=key, caption=caption, columns=columns, rows=rows)
    return Chart(key=key, title=title, kind="line", x=quarters, series=series, y_format=y_format, table=table)


def places_chart(
    *, key: str, title: str, name: str, y_format: str, places: list[Place], results: dict, quarter: str, role: str
) -> Chart:
    """One figure of many places (LAs of a region, or regions) side by side, as bars."""
    chosen = [results.get((p.scope, quarter, role)) for p in places]
    series = [{"name": METRICS_BY_NAME[name].label, "y": [plotted(r, name) for r in chosen]}]
    columns = [Column("Name", numeric=False), Column(METRICS_BY_NAME[name].label)]
    rows = [[p.name, cell(r, name)] for p, r in zip(places, chosen, strict=True)]
    if name == "median_pay":
        series.append({"name": "Cap", "y": [plotted(r, "cap") for r in chosen], "markers": True})
        columns.append(Column("Cap"))
        for row, r in zip(rows, chosen, strict=True):
            row.append(cell(r, "cap"))
    table = Table(key=key, caption=f"{title}, {quarter}, {ROLE_LABELS[role].lower()}", columns=columns, rows=rows)
    return Chart(
        key=key, title=title, kind="bar", x=[p.name for p in places], series=series, y_format=y_format, table=table
    )


SIDE_BY_SIDE = (
    "placements",
    "agency_fte",
    "median_pay",
    "cap",
    "share_above_cap",
    "above_cap_unauthorised",
    "spend",
    "returns_signed_off",
    "las_in_scope",
    "agency_rate",
)


def places_table(*, key: str, caption: str, places: list[Place], results: dict, quarter: str, role: str) -> Table:
    """Place by place (regions of England), the main figures side by side."""
    chosen = [results.get((p.scope, quarter, role)) for p in places]
    return Table(
        key=key,
        caption=caption,
        columns=[Column("Name", numeric=False), *[Column(METRICS_BY_NAME[n].label) for n in SIDE_BY_SIDE]],
        rows=[[p.name, *[cell(r, n) for n in SIDE_BY_SIDE]] for p, r in zip(places, chosen, strict=True)],
    )
