"""Benchmark figures on the dashboards, formatted as the tables and CSV downloads show them."""

from django import template

from datareturns import dashboards

register = template.Library()


@register.filter
def metric_label(name: str) -> str:
    return dashboards.METRICS_BY_NAME[name].label


@register.filter
def get_sort(links: dict, name: str):
    return links.get(name)


@register.filter
def percent(ratio) -> str:
    return dashboards.percent(ratio)
