"""Benchmarking dashboards: England (everyone signed in), a region (its RIIA staff and its LAs'
people) and an LA (the same people), each with a CSV download of every table, and a region's KPI
settings (its programme manager). GET only, apart from the settings form.

Pages read the stored snapshots through the one benchmark selector, as the API does, and lay the
results out (``datareturns.dashboards``); they do no aggregation."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from datareturns import dashboard_cache, kpis
from datareturns import dashboards as d
from datareturns import selectors_dashboards as selectors
from datareturns.benchmarks_selectors import (
    Scope,
    benchmark_read,
    benchmark_results_from,
    benchmark_rows_visible_to,
    scope_label_for,
)
from datareturns.forms_dashboards import DashboardFilterForm, KpiSettingsForm
from datareturns.models import ScopeKind
from datareturns.rules import can_see_benchmark_pay
from datareturns.selectors import spreadsheet_cell
from datareturns.selectors_returns import due_date_for
from datareturns.services_kpis import region_kpi_settings_update
from riia.errors import DomainError
from riia.models import LocalAuthority, Region
from riia.selectors import region_get

ENGLAND = d.Place("england", "England")


def _results(request: HttpRequest, *, scopes: list[str], quarters=None, roles=None) -> list[dict]:
    """The results of these scopes (and quarters and roles, when given) through the benchmark
    selector, so suppression is the API's; only the rows the page shows are read."""
    try:
        _computed_at, rows = benchmark_rows_visible_to(user=request.user)
    except PermissionError as error:
        raise Http404("These benchmarks are not yours to see.") from error
    rows = rows.filter(snapshot__scope__in=scopes)
    if quarters is not None:
        rows = rows.filter(quarter__in=quarters)
    if roles is not None:
        rows = rows.filter(role__in=roles)
    return benchmark_results_from(rows, user=request.user)


def _quarters(request: HttpRequest, scope: str) -> list[str]:
    """The quarters a scope's snapshot covers, newest first."""
    try:
        _computed_at, rows = benchmark_rows_visible_to(user=request.user, scope=scope)
    except PermissionError as error:
        raise Http404("These benchmarks are not yours to see.") from error
    return sorted(set(rows.order_by().values_list("quarter", flat=True).distinct()), reverse=True)


def _filters(request: HttpRequest, quarters: list[str]) -> tuple[DashboardFilterForm, str, str]:
    form = DashboardFilterForm(request.GET, quarters=quarters)
    quarter, role = form.chosen()
    return form, quarter, role


def _page_context(request, *, form, quarter, role, scopes: list[str], tables, charts, **extra) -> dict:
    query = {"quarter": quarter, "role": role} if quarter else {}
    return {
        "form": form,
        "quarter": quarter,
        "role": role,
        "role_label": d.ROLE_LABELS[role],
        "meta": selectors.snapshots_meta(scopes=scopes),
        "tables": tables,
        "charts": charts,
        "query": urlencode(query),
        **extra,
    }


# --- England ----------------------------------------------------------------------------------


@benchmark_read()  # "data as at" and the figures from one snapshot of the data, as the API's answers
def _england(request: HttpRequest) -> dict:
    form, quarter, role = _filters(request, _quarters(request, "england"))
    regions = list(Region.objects.order_by("name"))
    places = [d.Place(scope_label_for(kind=ScopeKind.REGION, region=r), r.name) for r in regions]
    scopes = ["england", *[p.scope for p in places]]
    results = d.by_scope(_results(request, scopes=scopes, quarters=[quarter], roles=[role])) if quarter else {}
    tables, charts = {}, []
    if quarter:
        chart = d.places_chart(
            key="pay",
            title="Median hourly pay and the cap, by region",
            name="median_pay",
            y_format="money",
            places=places,
            results=results,
            quarter=quarter,
            role=role,
        )
        charts.append(chart)
        tables["regions"] = d.places_table(
            key="regions",
            caption=f"England and its regions, {quarter}, {d.ROLE_LABELS[role].lower()}",
            places=[ENGLAND, *places],
            results=results,
            quarter=quarter,
            role=role,
        )
        tables["pay"] = chart.table
    own_regions, own_las = selectors.dashboards_of(user=request.user)
    return _page_context(
        request,
        form=form,
        quarter=quarter,
        role=role,
        scopes=scopes,
        tables=tables,
        charts=charts,
        own_regions=own_regions,
        own_las=own_las,
    )


@require_GET
def england(request: HttpRequest) -> HttpResponse:
    return render(request, "datareturns/dashboard_england.html", _england(request))


@require_GET
def england_csv(request: HttpRequest) -> HttpResponse:
    return _csv(request, _england(request), "england")


# --- A region -----------------------------------------------------------------------------------

SORTS = {
    "name": ("Local authority", None),
    "placements": ("Placements", "placements"),
    "median_pay": ("Median hourly pay", "median_pay"),
    "share_above_cap": ("Share above the cap", "share_above_cap"),
    "above_cap_unauthorised": ("Above the cap without permission", "above_cap_unauthorised"),
    "agency_rate": ("Agency rate", "agency_rate"),
    "rag": ("Overall", None),
}


def _sorted(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    """Sort by a column; blank and suppressed figures go last whichever way."""
    if sort == "name":
        return sorted(rows, key=lambda r: r["la"].name, reverse=descending)
    if sort == "rag":
        key = lambda r: (kpis.RAG_ORDER[r["overall"].rag], r["la"].name)  # noqa: E731
        return sorted(rows, key=key, reverse=descending)
    metric = SORTS[sort][1]
    present = [r for r in rows if r["result"] is not None and r["result"].get(metric) is not None]
    blank = [r for r in rows if r not in present]
    present.sort(key=lambda r: (r["result"][metric], r["la"].name), reverse=descending)
    return present + sorted(blank, key=lambda r: r["la"].name)


def _region_places(region: Region, las: list[LocalAuthority]) -> tuple[str, list[d.Place], list[str]]:
    region_scope = scope_label_for(kind=ScopeKind.REGION, region=region)
    places = [d.Place(scope_label_for(kind=ScopeKind.LA, local_authority=la), la.name) for la in las]
    return region_scope, places, [region_scope, "england", *[p.scope for p in places]]


def _region_visibility(user, region: Region, las: list[LocalAuthority]) -> list:
    """Which of the page's scopes this person sees small-number pay figures of (the benchmark rules
    themselves, scope by scope) and whether they may change the KPIs: everything about the body that
    depends on who asks. People with the same answer see the same page."""
    scopes = [
        Scope(label="england", kind=ScopeKind.ENGLAND),
        Scope(label=scope_label_for(kind=ScopeKind.REGION, region=region), kind=ScopeKind.REGION, region=region),
        *[
            Scope(
                label=scope_label_for(kind=ScopeKind.LA, local_authority=la),
                kind=ScopeKind.LA,
                region=region,
                group=la.group,
                local_authority=la,
            )
            for la in las
        ],
    ]
    pay = sorted(scope.label for scope in scopes if can_see_benchmark_pay(user, scope))
    return [pay, user.has_perm("datareturns.manage_region_kpis", region)]


@benchmark_read()
def _region(request: HttpRequest, slug: str) -> dict:
    region = region_get(user=request.user, slug=slug, perm="datareturns.view_region_dashboard")
    return _region_context(request, region, selectors.region_dashboard_las(region=region))


def _region_context(request: HttpRequest, region: Region, las: list[LocalAuthority]) -> dict:
    region_scope, places, scopes = _region_places(region, las)
    form, quarter, role = _filters(request, _quarters(request, region_scope))
    # The chosen role for the figures, all roles for the RAG status.
    roles = sorted({role, d.ALL_ROLES})
    results = d.by_scope(_results(request, scopes=scopes, quarters=[quarter], roles=roles)) if quarter else {}
    settings = kpis.region_kpi_settings_for(region)
    signed_off = selectors.returns_signed_off_at(region=region, quarter=quarter) if quarter else {}
    due = due_date_for(region=region, quarter=quarter) if quarter else None

    rows = []
    for la, place in zip(las, places, strict=True):
        overall_result = results.get((place.scope, quarter, d.ALL_ROLES))
        ratings = (
            [
                kpis.rate_share_above_cap(overall_result and overall_result["share_above_cap"], settings),
                kpis.rate_unauthorised(overall_result["above_cap_unauthorised"] if overall_result else 0, settings),
                kpis.rate_return(due=due, signed_off_at=signed_off.get(la.pk), kpis=settings),
            ]
            if quarter
            else []
        )
        result = results.get((place.scope, quarter, role))
        rows.append(
            {
                "la": la,
                "result": result,
                "cells": [d.cell(result, name) for name in _REGION_COLUMNS],
                "ratings": ratings,
                "overall": kpis.overall(ratings),
            }
        )
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "name"
    descending = request.GET.get("order") == "desc"
    rows = _sorted(rows, sort, descending)

    table = d.Table(
        key="las",
        caption=f"Local authorities of {region.name}, {quarter}, {d.ROLE_LABELS[role].lower()}",
        columns=[
            d.Column("Local authority", numeric=False),
            *[d.Column(d.METRICS_BY_NAME[name].label) for name in _REGION_COLUMNS],
            d.Column("Share above the cap (RAG)", numeric=False),
            d.Column("Unauthorised breaches (RAG)", numeric=False),
            d.Column("Return signed off on time (RAG)", numeric=False),
            d.Column("Overall", numeric=False),
        ],
        rows=[
            [
                r["la"].name,
                *r["cells"],
                *[f"{rating.label}: {rating.text}" for rating in r["ratings"]],
                r["overall"].label,
            ]
            for r in rows
        ],
    )
    tables, charts = {"las": table}, []
    if quarter:
        chart = d.places_chart(
            key="share",
            title="Share of placements above the cap, by local authority",
            name="share_above_cap",
            y_format="percent",
            places=places,
            results=results,
            quarter=quarter,
            role=role,
        )
        charts.append(chart)
        tables["share"] = chart.table
        region_place = d.Place(region_scope, region.name)
        tables["comparison"] = d.comparison_table(
            places=[region_place, ENGLAND], results=results, quarter=quarter, role=role
        )
    return _page_context(
        request,
        form=form,
        quarter=quarter,
        role=role,
        scopes=scopes,
        tables=tables,
        charts=charts,
        region=region,
        rows=rows,
        row_columns=_REGION_COLUMNS,
        sort=sort,
        descending=descending,
        sort_links=_sort_links(request, sort, descending),
        kpi_settings=settings,
        due_date=due,
        can_manage_kpis=request.user.has_perm("datareturns.manage_region_kpis", region),
    )


_REGION_COLUMNS = ("placements", "median_pay", "cap", "share_above_cap", "above_cap_unauthorised", "agency_rate")


# The query parameters the region page reads; nothing else reaches its links or its cache key, so an
# unknown parameter can neither change the page nor make new cache entries.
REGION_PARAMS = ("quarter", "role", "sort", "order")


def _known_query(request: HttpRequest) -> QueryDict:
    query = QueryDict(mutable=True)
    for name in REGION_PARAMS:
        if name in request.GET:
            query[name] = request.GET[name]
    return query


def _sort_links(request: HttpRequest, sort: str, descending: bool) -> dict[str, dict]:
    """Per sortable column: the link that sorts by it (reversing the order when it is the current
    sort) and its aria-sort value."""
    links = {}
    for key in SORTS:
        query = _known_query(request)
        query["sort"] = key
        query["order"] = "asc" if key == sort and descending else ("desc" if key == sort else "asc")
        state = ("descending" if descending else "ascending") if key == sort else "none"
        links[key] = {"url": f"?{query.urlencode()}", "aria_sort": state, "label": SORTS[key][0]}
    return links


def _region_body(request: HttpRequest, region: Region, las: list[LocalAuthority]) -> dict:
    """The parts of the page the cache keeps: the body as HTML (rendered without the request, so
    with nothing of the person but what ``_region_visibility`` names), and what the frame needs."""
    context = _region_context(request, region, las)
    return {
        "body": render_to_string("datareturns/dashboards/region_body.html", context),
        "errors": bool(context["form"].errors),
        "charts": bool(context["charts"]),
    }


def _region_page_key(request: HttpRequest, region: Region) -> tuple[str, Callable[[], list[LocalAuthority]]]:
    """The page's cache key (``dashboard_cache``), from the data version, and the region's LAs (read
    only when asked: a kept page needs them only to work out a key part not kept already)."""
    version = dashboard_cache.region_data_version(region=region)

    @functools.cache
    def las() -> list[LocalAuthority]:
        return dashboard_cache.region_las(
            region=region, version=version, load=lambda: selectors.region_dashboard_las(region=region)
        )

    # Whether newer data is waiting (a late recompute) changes with the clock and the outbox, not the
    # data version, so it keys the page too; asked only when the version says a recompute is queued.
    queued_count = version[3]
    waiting = bool(queued_count) and selectors.snapshots_waiting(scopes=_region_places(region, las())[2])
    key = dashboard_cache.page_key(
        view="region",
        place=[region.pk, region.slug, region.name],
        query=_known_query(request).urlencode(),
        visibility=dashboard_cache.region_visibility(
            user=request.user,
            region=region,
            version=version,
            load=lambda: _region_visibility(request.user, region, las()),
        ),
        version=[version, waiting],
    )
    return key, las


@require_GET
def region(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm="datareturns.view_region_dashboard")
    # A page kept under the current data version needs nothing more (the version is one statement, so
    # one snapshot of the data on its own). Otherwise the body and the version it is kept under are read
    # from one snapshot of the data together.
    key, _ = _region_page_key(request, region)
    page = dashboard_cache.cached(key)
    if page is None:
        with benchmark_read():
            key, las = _region_page_key(request, region)
            page = dashboard_cache.cached_page(key, lambda: _region_body(request, region, las()))
    page = {**page, "body": mark_safe(page["body"])}  # noqa: S308 (our own template's output)
    return render(request, "datareturns/dashboard_region.html", {"region": region, "page": page})


@require_GET
def region_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _csv(request, _region(request, slug), slug)


@require_http_methods(["GET", "POST"])
def region_kpis(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm="datareturns.manage_region_kpis")
    form = KpiSettingsForm.for_settings(request.POST or None, kpis.region_kpi_settings_for(region))
    if request.method == "POST" and form.is_valid():
        try:
            region_kpi_settings_update(actor=request.user, region=region, **form.service_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "KPI thresholds saved.")
            return redirect("dashboards:region", slug=region.slug)
    return render(request, "datareturns/kpi_settings.html", {"form": form, "region": region})


# --- A local authority --------------------------------------------------------------------------


@benchmark_read()
def _la(request: HttpRequest, slug: str) -> dict:
    la = selectors.la_dashboard_get(user=request.user, slug=slug)
    la_place = d.Place(scope_label_for(kind=ScopeKind.LA, local_authority=la), la.name)
    region_place = d.Place(scope_label_for(kind=ScopeKind.REGION, region=la.region), la.region.name)
    places = [la_place, region_place, ENGLAND]
    scopes = [p.scope for p in places]
    quarters = _quarters(request, la_place.scope)
    form, quarter, role = _filters(request, quarters)
    tables, charts = {}, []
    if quarter:
        trend = d.trend_quarters(quarters, quarter)
        # Every role in the chosen quarter, and the chosen role over the trend's quarters.
        found = _results(request, scopes=scopes, quarters=[quarter])
        found += _results(request, scopes=scopes, quarters=[q for q in trend if q != quarter], roles=[role])
        results = d.by_scope(found)
        tables["comparison"] = d.comparison_table(places=places, results=results, quarter=quarter, role=role)
        tables["roles"] = d.roles_table(places=places, results=results, quarter=quarter)
        for key in ("pay", "share", "agency-rate"):
            chart = d.trend_chart(key=key, places=places, results=results, quarters=trend, role=role)
            charts.append(chart)
            tables[key] = chart.table
    return _page_context(
        request,
        form=form,
        quarter=quarter,
        role=role,
        scopes=scopes,
        tables=tables,
        charts=charts,
        la=la,
        breach_records=selectors.la_breach_records(user=request.user, la=la),
        can_view_region=request.user.has_perm("datareturns.view_region_dashboard", la.region),
    )


@require_GET
def la_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "datareturns/dashboard_la.html", _la(request, slug))


@require_GET
def la_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _csv(request, _la(request, slug), slug)


# --- CSV ----------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(request: HttpRequest, context: dict, name: str) -> HttpResponse:
    """The table the page shows under ``?table=`` (its first table when not given), with the page's
    filters; cells a spreadsheet would run as a formula are quoted."""
    tables: dict[str, d.Table] = context["tables"]
    key = request.GET.get("table")
    table = tables.get(key) if key else next(iter(tables.values()), None)
    if table is None:
        raise Http404("There is no such table on this page.")
    writer = csv.writer(_Echo())
    body = "".join(writer.writerow([spreadsheet_cell(v) for v in row]) for row in table.csv_rows())
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="benchmarks-{name}-{table.key}-{context["quarter"]}-{context["role"]}.csv"'
    )
    return response
