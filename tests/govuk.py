"""What a browser posts for GOV.UK form components, for view tests."""

from datetime import date


def date_boxes(name: str, value: date | str | None) -> dict[str, str]:
    """The day, month and year boxes of the date input ``name``; a ``date`` or ISO string fills them,
    "" or None leaves them empty."""
    if not value:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


def fill_date(page, legend: str, value: date) -> None:
    """In a real browser (Playwright), type ``value`` into the day, month and year boxes of the date input
    whose legend is ``legend``."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))
