"""Forms for rate cards and exemptions. They check only the shape of the input (a number, a real
date); the services check the rules and their messages are shown against the same fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from rates.models import RoleGrade
from riia.forms import GovukDateField, GovukForm, PercentField, PoundsField
from riia.models import LocalAuthority, Region


class MoneyField(PoundsField):
    """Pounds as typed by people ("£35.50", "35.5"); the service checks bounds and pence."""

    def __init__(self, *, label: str, what: str, **kwargs) -> None:
        kwargs.setdefault("widget", forms.TextInput)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter the hourly rate for {what} in pounds")
        kwargs["error_messages"].setdefault(
            "invalid", f"Enter the hourly rate for {what} as an amount in pounds, like 35.50"
        )
        super().__init__(label=label, **kwargs)
        self.widget.attrs.update({"prefix": "£", "width": "5", "inputmode": "decimal", "spellcheck": "false"})


class DraftStartForm(GovukForm):
    start = forms.ChoiceField(
        label="Where do you want to start?",
        choices=[("current", "From the latest published caps"), ("blank", "From a blank rate card")],
        widget=forms.RadioSelect,
        initial="current",
        error_messages={"required": "Select where you want to start"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the meeting that agreed the new caps.",
    )


class RateCardLinesForm(GovukForm):
    """One hourly cap per role grade: the five core roles must be priced; local grades may be blank."""

    def __init__(self, *args, grades: list[RoleGrade], **kwargs) -> None:
        self.grades = grades
        super().__init__(*args, **kwargs)

    @property
    def fields_by_grade(self):
        return [(grade, self[self.name_for(grade)]) for grade in self.grades]

    @staticmethod
    def name_for(grade: RoleGrade) -> str:
        return f"grade_{grade.pk}"

    def rates(self) -> dict[RoleGrade, Decimal | None]:
        return {grade: self.cleaned_data.get(self.name_for(grade)) for grade in self.grades}


def rate_card_lines_form(*, grades: list[RoleGrade], data=None, initial=None) -> RateCardLinesForm:
    form_class = type(
        "RateCardLinesFormForRegion",
        (RateCardLinesForm,),
        {
            RateCardLinesForm.name_for(g): MoneyField(
                label=g.name if g.is_core else f"{g.name} (local grade, optional)",
                what=g.name,
                required=g.is_core,
                help_text="" if g.is_core else f"Leave blank to use the {g.get_core_type_display()} cap.",
            )
            for g in grades
        },
    )
    return form_class(data, initial=initial, grades=grades)


class UpliftForm(GovukForm):
    percent = PercentField(
        label="Uplift every role by",
        help_text="A percentage, like 3 or 2.5. Each new rate is rounded to the nearest penny (half a penny rounds up).",
        error_messages={
            "required": "Enter the uplift as a percentage",
            "invalid": "Enter the uplift as a percentage, like 3 or 2.5",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update({"suffix": "%", "width": "3", "inputmode": "decimal"})


class PublishForm(GovukForm):
    effective_from = GovukDateField(
        what="the date the new caps take effect",
        label="When do the new caps take effect?",
    )

    def __init__(self, *args, example: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["effective_from"]
        field.help_text = (
            f"For example, {example.day} {example.month} {example.year}. The current caps end the day before."
        )
        field.widget.attrs["aria-describedby"] = f"{self._field_id('effective_from')}-hint"

    def clean_effective_from(self) -> date:
        # A cap period is never backdated: say so, rather than let the overlap check answer first.
        value = self.cleaned_data["effective_from"]
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(
                f"The date the new caps take effect must be today or in the future: {value:%-d %B %Y} is in the past"
            )
        return value


class ExemptionForm(GovukForm):
    local_authority = forms.ModelChoiceField(queryset=LocalAuthority.objects.none(), label="Local authority")
    role_grade = forms.ModelChoiceField(
        queryset=RoleGrade.objects.none(),
        label="Role",
        empty_label="Select a role",
        error_messages={"required": "Select the role", "invalid_choice": "Select a role from the list"},
    )
    hourly_rate = MoneyField(
        label="Allowed hourly rate (limited company or umbrella)",
        what="the exemption",
        help_text="The PAYE equivalent is worked out from this.",
    )
    starts_on = GovukDateField(
        what="the date the exemption starts", label="Start date", help_text="For example, 1 5 2026"
    )
    ends_on = GovukDateField(
        what="the date the exemption ends",
        label="End date",
        help_text="Every exemption must end. For example, 31 10 2026",
    )
    plan = forms.CharField(
        label="Plan",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How the local authority will return to the cap by the end date.",
        error_messages={"required": "Enter the plan for how the local authority will return to the cap"},
    )
    agreed_by = forms.CharField(
        label="Who agreed it",
        max_length=200,
        help_text="For example, the regional DCS group on 3 March 2026.",
        error_messages={"required": "Enter who agreed the exemption"},
    )

    def __init__(self, *args, region: Region, las, grades, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = las
        self.fields["local_authority"].empty_label = "Select a local authority"
        self.fields["local_authority"].error_messages.update(
            {
                "required": "Select the local authority",
                "invalid_choice": f"Select a local authority in {region}",
            }
        )
        self.fields["role_grade"].queryset = grades


class RevokeForm(GovukForm):
    reason = forms.CharField(
        label="Why is the exemption being revoked?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the exemption is being revoked"},
    )
