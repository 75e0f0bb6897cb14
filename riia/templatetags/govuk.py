"""Dates and times as GOV.UK writes them: "4:40pm", "midday", "midnight", "23 November 2026 at 4:40pm".
Loaded for every template (settings TEMPLATES builtins), so pages need no {% load %}."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def govuk_time(value: datetime | None) -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def govuk_datetime(value: datetime | None, style: str = "long") -> str:
    """``23 November 2026 at 4:40pm`` (``|govuk_datetime:"short"`` gives ``23 Nov 2026 at 4:40pm``)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    month = "%b" if style == "short" else "%B"
    return f"{value:%-d} {value.strftime(month)} {value:%Y} at {govuk_time(value)}"
