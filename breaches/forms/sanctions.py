"""Forms of sanctions and the training fund."""

from __future__ import annotations

from django import forms

from breaches.forms.register import DATE_HINT
from breaches.models import Sanction, SanctionPolicy
from breaches.selectors.register import QUARTER_PATTERN, recent_quarters
from breaches.selectors.sanctions import SanctionFilters
from riia.forms import GovukDateField, GovukForm, PoundsField
from riia.models import MSP, Agency, LocalAuthority


def money_field(label: str, *, required: bool, help_text: str = "") -> forms.DecimalField:
    return PoundsField(
        label=label,
        required=required,
        max_digits=7,
        decimal_places=2,
        min_value=0,
        help_text=help_text,
        widget=forms.TextInput(attrs={"width": "5", "prefix": "£", "inputmode": "decimal"}),
        error_messages={
            "required": f"Enter the {label.lower()} in pounds",
            "invalid": f"Enter the {label.lower()} in pounds, for example 250.00",
            "max_decimal_places": "Enter the amount in pounds and pence, for example 250.00",
            "min_value": "Enter an amount more than £0",
        },
    )


class SanctionPolicyForm(GovukForm):
    name = forms.CharField(label="Name", max_length=150, error_messages={"required": "Enter a name for the policy"})
    kind = forms.ChoiceField(
        label="Kind of sanction",
        choices=SanctionPolicy.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of sanction"},
    )
    default_amount = money_field("Amount of the fine", required=False, help_text="Only for a fine")
    description = forms.CharField(
        label="When it applies (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
        else:
            del self.fields["is_active"]


class SanctionIssueForm(GovukForm):
    policy = forms.ModelChoiceField(
        label="Sanction policy",
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the sanction policy"},
    )
    local_authority = forms.ModelChoiceField(label="Local authority", queryset=None, required=False, empty_label="None")
    msp = forms.ModelChoiceField(label="MSP", queryset=None, required=False, empty_label="None")
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.all(), required=False, empty_label="None")
    breach_records = forms.ModelMultipleChoiceField(
        label="Breaches the sanction is for",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one breach the sanction is for"},
    )
    amount = money_field(
        "Amount of the fine", required=False, help_text="Leave empty to use the policy's amount. Only for a fine."
    )
    reason = forms.CharField(
        label="Reason for the sanction",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the sanction"},
    )

    def __init__(self, *args, region, policies, breach_records, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies
        self.fields["policy"].label_from_instance = lambda p: (
            f"{p.name} (£{p.default_amount})" if p.default_amount else p.name
        )
        self.fields["local_authority"].queryset = LocalAuthority.objects.filter(region=region).order_by("name")
        self.fields["msp"].queryset = MSP.objects.filter(local_authorities__region=region).distinct().order_by("name")
        self.fields["breach_records"].queryset = breach_records
        self.fields["breach_records"].label_from_instance = lambda r: (
            f"{r.local_authority}, {r.occurred_on:%d/%m/%Y}: {r.get_breach_type_display()}"
            f"{' (without permission)' if not r.with_permission else ''}"
        )


class SanctionPaidForm(GovukForm):
    paid_on = GovukDateField(label="Date paid", help_text=DATE_HINT)


class SanctionWaiveForm(GovukForm):
    reason = forms.CharField(
        label="Why is the sanction waived?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the sanction is waived"},
    )


class FundSpendForm(GovukForm):
    amount = money_field("Amount spent", required=True)
    description = forms.CharField(
        label="Training paid for",
        max_length=300,
        error_messages={"required": "Describe the training the money paid for"},
    )
    occurred_on = GovukDateField(label="Date of the spend", help_text=DATE_HINT)


class SanctionFilterForm(GovukForm):
    """The sanctions list's filters, read from the address."""

    status = forms.ChoiceField(label="Status", choices=[("", "All"), *Sanction.Status.choices], required=False)
    target = forms.ChoiceField(
        label="Sanctioned",
        choices=[("", "All"), ("local_authority", "Local authorities"), ("msp", "MSPs"), ("agency", "Agencies")],
        required=False,
    )
    kind = forms.ChoiceField(
        label="Kind of sanction", choices=[("", "All"), *SanctionPolicy.Kind.choices], required=False
    )
    quarter = forms.CharField(
        label="Quarter issued",
        required=False,
        help_text="Calendar quarters: Q1 is January to March",
        widget=forms.Select,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        quarters = recent_quarters()
        if self.data.get("quarter") and self.data["quarter"] not in quarters:
            quarters.append(self.data["quarter"])
        self.fields["quarter"].widget.choices = [("", "All"), *[(q, q) for q in quarters]]

    def clean_quarter(self) -> str:
        quarter = self.cleaned_data["quarter"].strip().upper()
        if quarter and not QUARTER_PATTERN.match(quarter):
            raise forms.ValidationError("Enter a quarter like 2026-Q3")
        return quarter

    def filters(self) -> SanctionFilters:
        return SanctionFilters(
            **{name: self.cleaned_data.get(name, "") for name in ("status", "target", "kind", "quarter")}
        )
