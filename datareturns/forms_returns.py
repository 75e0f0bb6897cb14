"""Forms of the quarterly return pages: the lead's figures, compliance and narrative; the programme
manager's reopening reason, reminder and due date."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from datareturns.models import ComplianceRule, QuarterlyReturn
from datareturns.services_returns import ComplianceEntry, ReturnDetails, RoleEntry
from rates.models import CoreJobType
from riia.forms import _WIDGET_CLASSES, GovukDateField, GovukForm

YES_NO = [("yes", "Yes"), ("no", "No")]


def _fte(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "5"}),
        error_messages={
            "invalid": "Enter an FTE as a number, like 12.5",
            "min_value": "Enter an FTE of 0 or more",
            "max_digits": "Enter an FTE below 100,000",
            "max_decimal_places": "Enter an FTE with at most 2 decimal places",
        },
    )


def _people(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "4"}),
        error_messages={"invalid": "Enter a whole number, like 3", "min_value": "Enter a number of 0 or more"},
    )


class ReturnForm(GovukForm):
    """One set of fields per core role (``<core>__employed_fte`` ...) and per rule (``<rule>__complied``,
    ``<rule>__reason``). Blank is allowed while the return is in progress; submission checks completeness."""

    agencies = forms.ModelMultipleChoiceField(
        label="Agencies whose behaviour affected compliance",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Agencies that supplied your placements. Leave all unticked if none did.",
    )
    agencies_how = forms.CharField(
        label="How they affected compliance (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The context that explains this quarter's figures and any change from the last.",
    )

    def __init__(self, *args, agencies, quarterly_return: QuarterlyReturn | None = None, **kwargs) -> None:
        initial = kwargs.pop("initial", None) or (self.initial_from(quarterly_return) if quarterly_return else {})
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["agencies"].queryset = agencies
        for core, label in CoreJobType.choices:
            self.fields[f"{core}__employed_fte"] = _fte(f"{label}: employed (permanent) FTE")
            self.fields[f"{core}__vacancies_fte"] = _fte(f"{label}: vacancies FTE")
            self.fields[f"{core}__conversions"] = _people(f"{label}: agency-to-permanent conversions in the quarter")
            self.fields[f"{core}__leavers"] = _people(f"{label}: permanent leavers in the quarter")
        for rule, label in ComplianceRule.choices:
            self.fields[f"{rule}__complied"] = forms.ChoiceField(
                label=f"Did you comply with the rule: {label.lower()}?",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{rule}__reason"] = forms.CharField(
                label=f"{label}: why not", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        self._style_added()
        self.order_fields(
            [*self.role_field_names(), *self.compliance_field_names(), "agencies", "agencies_how", "narrative"]
        )

    def _style_added(self) -> None:
        """The GOV.UK classes for the fields added after the mixin styled the declared ones."""
        for field in self.fields.values():
            widget = field.widget
            if "class" in widget.attrs:
                continue
            field.template_name = "govuk/field.html"
            css = next((c for cls, c in _WIDGET_CLASSES.items() if isinstance(widget, cls)), "govuk-input")
            width = widget.attrs.pop("width", None)
            if width:
                css += f" govuk-input--width-{width}"
            widget.attrs["class"] = css

    @staticmethod
    def initial_from(quarterly_return: QuarterlyReturn) -> dict:
        initial: dict = {
            "narrative": quarterly_return.narrative,
            "agencies": [a.agency_id for a in quarterly_return.agencies.all()],
            "agencies_how": next((a.how for a in quarterly_return.agencies.all()), ""),
        }
        for f in quarterly_return.role_figures.all():
            for name in ("employed_fte", "vacancies_fte", "conversions", "leavers"):
                initial[f"{f.core_type}__{name}"] = getattr(f, name)
        for c in quarterly_return.compliance.all():
            initial[f"{c.rule}__complied"] = "" if c.complied is None else ("yes" if c.complied else "no")
            initial[f"{c.rule}__reason"] = c.reason
        return initial

    def role_field_names(self) -> list[str]:
        return [
            f"{core}__{name}"
            for core in CoreJobType.values
            for name in ("employed_fte", "vacancies_fte", "conversions", "leavers")
        ]

    def compliance_field_names(self) -> list[str]:
        return [f"{rule}__{name}" for rule in ComplianceRule.values for name in ("complied", "reason")]

    def role_groups(self) -> list[tuple[str, list]]:
        return [
            (label, [self[f"{core}__{n}"] for n in ("employed_fte", "vacancies_fte", "conversions", "leavers")])
            for core, label in CoreJobType.choices
        ]

    def compliance_groups(self) -> list[tuple[str, object, object]]:
        return [(label, self[f"{rule}__complied"], self[f"{rule}__reason"]) for rule, label in ComplianceRule.choices]

    def details(self) -> ReturnDetails:
        data = self.cleaned_data
        roles = {
            core: RoleEntry(
                employed_fte=data.get(f"{core}__employed_fte"),
                vacancies_fte=data.get(f"{core}__vacancies_fte"),
                conversions=data.get(f"{core}__conversions"),
                leavers=data.get(f"{core}__leavers"),
            )
            for core in CoreJobType.values
        }
        compliance = {}
        for rule in ComplianceRule.values:
            answer = data.get(f"{rule}__complied")
            complied = None if not answer else answer == "yes"
            compliance[rule] = ComplianceEntry(complied=complied, reason=data.get(f"{rule}__reason") or "")
        return ReturnDetails(
            roles=roles,
            compliance=compliance,
            agencies=list(data.get("agencies") or []),
            agencies_how=data.get("agencies_how") or "",
            narrative=data.get("narrative") or "",
        )


class ReopenForm(GovukForm):
    reason = forms.CharField(
        label="Why are you reopening the return?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The workforce lead and the DCS are told, with this reason.",
        error_messages={"required": "Enter why the return is reopened"},
    )


class DueDateForm(GovukForm):
    due_on = GovukDateField(label="Due date", what="the due date", help_text="For example, 31 5 2026")


class RemindForm(GovukForm):
    """The reminder button: which LA of the region (by its DfE number)."""

    local_authority = forms.ModelChoiceField(
        queryset=None,
        to_field_name="old_code",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Select the local authority to remind",
            "invalid_choice": "Select a local authority of the region to remind",
        },
    )

    def __init__(self, *args, local_authorities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = local_authorities
