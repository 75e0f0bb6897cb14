"""Forms of the benchmarking dashboards: the quarter and role filters (query parameters, so a
filtered page is a link to share) and a region's KPI thresholds."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from datareturns.dashboards import ALL_ROLES, ROLE_LABELS
from datareturns.models import RegionKpiSettings
from riia.forms import GovukForm


class DashboardFilterForm(GovukForm):
    quarter = forms.ChoiceField(
        label="Quarter", required=False, error_messages={"invalid_choice": "Select a quarter from the list"}
    )
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=list(ROLE_LABELS.items()),
        error_messages={"invalid_choice": "Select a role from the list"},
    )

    def __init__(self, data, *, quarters: list[str]) -> None:
        super().__init__(data or None)
        self.fields["quarter"].choices = [(q, q) for q in quarters]
        self._latest = quarters[0] if quarters else ""

    def chosen(self) -> tuple[str, str]:
        """The quarter and role to show: the latest quarter and all roles unless validly chosen."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("quarter") or self._latest, data.get("role") or ALL_ROLES


def _percent_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "4", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a number, like 5 or 7.5",
            "min_value": f"The {label.lower()} must be 0% or more",
            "max_value": f"The {label.lower()} must be 100% or less",
            "max_decimal_places": f"The {label.lower()} can have at most 2 decimal places",
            "max_digits": f"The {label.lower()} must be 100% or less",
        },
    )


def _count_field(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "4", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a whole number, like 2",
            "min_value": f"The {label.lower()} must be 0 or more",
        },
    )


def _as_percent(ratio: Decimal) -> str:
    """0.0500 as "5", 0.0725 as "7.25"."""
    text = f"{ratio * 100:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class KpiSettingsForm(GovukForm):
    share_above_cap_green = _percent_field(
        "Green limit for the share above the cap", "Percentage of an LA's placements above the cap, like 5"
    )
    share_above_cap_amber = _percent_field(
        "Amber limit for the share above the cap", "Above this percentage the LA is red"
    )
    unauthorised_green = _count_field(
        "Green limit for unauthorised breaches", "Placements above the cap without permission in the quarter"
    )
    unauthorised_amber = _count_field("Amber limit for unauthorised breaches", "Above this number the LA is red")
    return_late_amber_days = _count_field(
        "Days late a return may be signed off and be amber",
        "A return signed off by its due date is green; later than this many days after it, red",
    )

    @classmethod
    def for_settings(cls, data, settings: RegionKpiSettings) -> KpiSettingsForm:
        initial = {
            "share_above_cap_green": _as_percent(settings.share_above_cap_green),
            "share_above_cap_amber": _as_percent(settings.share_above_cap_amber),
            "unauthorised_green": settings.unauthorised_green,
            "unauthorised_amber": settings.unauthorised_amber,
            "return_late_amber_days": settings.return_late_amber_days,
        }
        return cls(data, initial=initial)

    def service_kwargs(self) -> dict:
        """The cleaned data as ``region_kpi_settings_update`` takes it: shares as ratios."""
        data = dict(self.cleaned_data)
        for name in ("share_above_cap_green", "share_above_cap_amber"):
            data[name] = (data[name] / 100).quantize(Decimal("0.0001"))
        return data
