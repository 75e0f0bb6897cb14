"""Forms of the breach register: recording a breach, its actions, reviewing a suggestion, and the
register's filters."""

from __future__ import annotations

from django import forms

from breaches.models import BreachRecord, BreachType, PreventsRepeat
from breaches.selectors.register import QUARTER_PATTERN, RegisterFilters, recent_quarters
from rates.models import RoleGrade
from riia.forms import GovukDateField, GovukForm, PoundsField
from riia.models import MSP, Agency

DATE_HINT = "For example, 27 3 2026"


class BreachRecordForm(GovukForm):
    local_authority = forms.ModelChoiceField(
        label="Local authority", queryset=None, error_messages={"required": "Select the local authority"}
    )
    breach_type = forms.ChoiceField(
        label="What was breached",
        choices=BreachType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was breached"},
    )
    occurred_on = GovukDateField(label="Date the breach happened", help_text=DATE_HINT)
    description = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe what was breached"},
    )
    reason = forms.CharField(
        label="Reason for the breach",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the breach"},
    )
    actions_taken = forms.CharField(
        label="Actions taken",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the actions taken"},
    )
    prevents_repeat = forms.ChoiceField(
        label="Will these actions prevent a repeat?",
        choices=PreventsRepeat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the actions will prevent a repeat"},
    )
    breach_request = forms.ModelChoiceField(
        label="Approving breach request (optional)",
        queryset=None,
        required=False,
        empty_label="None: the breach happened without permission",
        help_text="Choose the approved request if the region gave permission for this breach.",
    )
    role_grade = forms.ModelChoiceField(label="Role (optional)", queryset=RoleGrade.objects.all(), required=False)
    hourly_rate = PoundsField(
        label="Hourly rate paid (optional)",
        required=False,
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"width": "5", "prefix": "£", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter the hourly rate in pounds, for example 41.50"},
    )
    msp = forms.ModelChoiceField(label="MSP (optional)", queryset=MSP.objects.all(), required=False)
    agency = forms.ModelChoiceField(label="Agency (optional)", queryset=Agency.objects.all(), required=False)

    def __init__(self, *args, local_authorities, breach_requests, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = local_authorities
        self.fields["breach_request"].queryset = breach_requests
        self.fields["breach_request"].label_from_instance = lambda r: (
            f"{r.reference}, {r.local_authority}: {r.role_grade} at £{r.proposed_rate}"
        )


class BreachActionsForm(GovukForm):
    actions_taken = BreachRecordForm.base_fields["actions_taken"]
    prevents_repeat = BreachRecordForm.base_fields["prevents_repeat"]


class DismissForm(GovukForm):
    reason = forms.CharField(
        label="Why is this not a breach?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why this is not a breach"},
    )


PERMISSION_CHOICES = [("", "Any"), ("with", "With permission"), ("without", "Without permission")]


class RegisterFilterForm(GovukForm):
    """Read from the query string; an unknown value is reported rather than silently ignored."""

    region = forms.ModelChoiceField(
        label="Region", queryset=None, required=False, empty_label="All", to_field_name="slug"
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority", queryset=None, required=False, empty_label="All", to_field_name="slug"
    )
    quarter = forms.CharField(
        label="Quarter", required=False, help_text="Calendar quarters: Q1 is January to March", widget=forms.Select
    )
    breach_type = forms.ChoiceField(
        label="What was breached", choices=[("", "All"), *BreachType.choices], required=False
    )
    permission = forms.ChoiceField(label="Permission", choices=PERMISSION_CHOICES, required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "All"), *BreachRecord.Status.choices], required=False)

    def __init__(self, *args, regions, local_authorities, show_status: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["local_authority"].queryset = local_authorities
        quarters = recent_quarters()
        if self.data.get("quarter") and self.data["quarter"] not in quarters:
            quarters.append(self.data["quarter"])  # an older quarter asked for in the address
        self.fields["quarter"].widget.choices = [("", "All"), *[(q, q) for q in quarters]]
        if not show_status:
            del self.fields["status"]

    def clean_quarter(self) -> str:
        quarter = self.cleaned_data["quarter"].strip().upper()
        if quarter and not QUARTER_PATTERN.match(quarter):
            raise forms.ValidationError("Enter a quarter like 2026-Q3")
        return quarter

    def filters(self) -> RegisterFilters:
        data = self.cleaned_data
        permission = data.get("permission")
        return RegisterFilters(
            region=data.get("region"),
            local_authority=data.get("local_authority"),
            quarter=data.get("quarter", ""),
            breach_type=data.get("breach_type", ""),
            with_permission={"with": True, "without": False}.get(permission),
            status=data.get("status", ""),
        )
