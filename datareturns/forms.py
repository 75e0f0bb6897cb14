"""Forms of the placement data pages: the placements filters (read from the query string) and the
browser upload of a CSV file."""

from __future__ import annotations

from django import forms
from django.conf import settings

from breaches.selectors.register import QUARTER_PATTERN, recent_quarters
from datareturns.models import Flag
from rates.models import EngagementType
from riia.forms import GovukDateField, GovukForm


class PlacementFilterForm(GovukForm):
    """An unknown value in the address is reported rather than silently ignored."""

    local_authority = forms.ModelChoiceField(
        label="Local authority",
        queryset=None,
        required=False,
        empty_label="All",
        to_field_name="old_code",
        error_messages={"invalid_choice": "Select a local authority from the list"},
    )
    quarter = forms.CharField(
        label="Active in quarter",
        required=False,
        help_text="Calendar quarters: Q1 is January to March",
        widget=forms.Select,
    )
    role = forms.ModelChoiceField(
        label="Role",
        queryset=None,
        required=False,
        empty_label="All",
        to_field_name="code",
        error_messages={"invalid_choice": "Select a role from the list"},
    )
    flag = forms.ChoiceField(
        label="Flag",
        choices=[("", "Any"), *Flag.choices],
        required=False,
        error_messages={"invalid_choice": "Select a flag from the list"},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=None,
        required=False,
        empty_label="All",
        to_field_name="slug",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    upload = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, local_authorities, role_grades, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = local_authorities
        self.fields["role"].queryset = role_grades
        self.fields["agency"].queryset = agencies
        quarters = recent_quarters()
        asked = self.data.get("quarter", "")
        if asked and asked not in quarters:
            quarters.append(asked)  # an older quarter asked for in the address
        self.fields["quarter"].widget.choices = [("", "All"), *[(q, q) for q in quarters]]
        if len(local_authorities) < 2 and not self.data.get("local_authority"):
            del self.fields["local_authority"]  # nothing to choose between

    def clean_quarter(self) -> str:
        quarter = self.cleaned_data["quarter"].strip().upper()
        if quarter and not QUARTER_PATTERN.match(quarter):
            raise forms.ValidationError("Enter a quarter like 2026-Q3")
        return quarter

    def filters(self) -> dict:
        """Keyword arguments for ``placements_visible_to``."""
        data = self.cleaned_data
        la, role, agency = data.get("local_authority"), data.get("role"), data.get("agency")
        return {
            "la_code": la.old_code if la else "",
            "quarter": data.get("quarter", ""),
            "role": role.code if role else "",
            "flag": data.get("flag", ""),
            "agency": agency.slug if agency else "",
            "upload_id": data.get("upload"),
        }


class UploadForm(GovukForm):
    """A CSV file, and which LA it is for when the person leads several."""

    local_authority = forms.TypedChoiceField(
        label="Which local authority is this file for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the local authority", "invalid_choice": "Select the local authority"},
    )
    file = forms.FileField(
        label="CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file",
        },
    )

    def __init__(self, *args, local_authorities, hint: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The hint differs per page, so it is set on this form's copy of the field.
        self.fields["file"].help_text = hint
        self.fields["file"].widget.attrs["aria-describedby"] = f"{self._field_id('file')}-hint"
        self._las = {la.pk: la for la in local_authorities}
        if len(self._las) == 1:
            del self.fields["local_authority"]
        else:
            self.fields["local_authority"].choices = [(pk, la.name) for pk, la in self._las.items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DATARETURNS_UPLOAD_MAX_BYTES
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                "The selected file must be a CSV file: save the spreadsheet as “CSV UTF-8” and select that file"
            )
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {limit // (1024 * 1024)} MB: split it and upload each part"
            )
        return upload

    def chosen_local_authority(self):
        if "local_authority" in self.fields:
            return self._las[self.cleaned_data["local_authority"]]
        return next(iter(self._las.values()))


class NotEchoedInput(forms.TextInput):
    """A text input that never renders a value back: a registration number typed in is not shown
    again on the page (not even when the form is redisplayed with errors)."""

    def format_value(self, value):
        return None


MONEY_INPUT = {"inputmode": "decimal", "width": "5", "prefix": "£", "suffix": "an hour"}


class PlacementCheckForm(GovukForm):
    """One proposed placement for the pre-offer check, in the upload's columns. The values are checked
    by the upload's own validation (``datareturns.prechecks``): this form only collects them, and shows
    that validation's row errors on the fields they name (``FIELD_FOR_COLUMN``)."""

    local_authority = forms.ChoiceField(
        label="Local authority",
        error_messages={"required": "Select the local authority", "invalid_choice": "Select the local authority"},
    )
    worker_registration = forms.CharField(
        label="Worker's Social Work England registration number",
        help_text="Like SW123456. It is used for this check only: it is not stored or shown again.",
        required=False,
        widget=NotEchoedInput(attrs={"autocomplete": "off", "spellcheck": "false", "width": "10"}),
    )
    role = forms.ChoiceField(
        label="Role", required=False, error_messages={"invalid_choice": "Select a role from the list"}
    )
    engagement_type = forms.ChoiceField(
        label="How will the worker be engaged?",
        choices=EngagementType.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select how the worker will be engaged"},
    )
    hourly_pay_rate = forms.CharField(
        label="Hourly pay rate", help_text="Paid to the worker.", required=False, widget=forms.TextInput(MONEY_INPUT)
    )
    charge_rate = forms.CharField(
        label="Charge rate",
        help_text="What the LA will be charged.",
        required=False,
        widget=forms.TextInput(MONEY_INPUT),
    )
    start_date = GovukDateField(label="Start date", help_text="For example, 1 6 2026")
    end_date = GovukDateField(label="End date (optional)", what="the end date", required=False)
    hours_per_week = forms.CharField(
        label="Hours per week", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "3"})
    )
    agency = forms.CharField(label="Agency", help_text="The agency that supplies the worker.", required=False)
    project_team = forms.ChoiceField(
        label="Is the worker in a project team?",
        choices=[("false", "No"), ("true", "Yes")],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Say whether the worker is in a project team"},
    )
    pqe_years = forms.CharField(
        label="Years of post-qualified experience",
        help_text="Like 4 or 2.5.",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "3"}),
    )
    breach_request_reference = forms.CharField(
        label="Breach request reference (optional)",
        help_text="If an approved breach request covers this placement.",
        required=False,
        widget=forms.TextInput(attrs={"width": "10"}),
    )

    FIELD_FOR_COLUMN = {"la_code": "local_authority"}

    def __init__(self, *args, local_authorities, role_grades, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._las = {la.old_code: la for la in local_authorities}
        self.fields["local_authority"].choices = [(code, la.name) for code, la in self._las.items()]
        if len(self._las) == 1:
            self.fields["local_authority"].initial = next(iter(self._las))
            self.fields["local_authority"].widget = forms.HiddenInput()
        else:
            self.fields["local_authority"].choices.insert(0, ("", "Select a local authority"))
        self.fields["role"].choices = [("", "Select a role"), *[(g.code, g.name) for g in role_grades]]

    def chosen_local_authority(self):
        return self._las[self.cleaned_data["local_authority"]]

    def row(self) -> dict[str, str]:
        """The proposed placement as the upload's columns (text, as a CSV row would give them)."""
        data = self.cleaned_data
        row = {name: (data.get(name) or "").strip() for name in self.TEXT_COLUMNS}
        row["la_code"] = data["local_authority"]
        row["start_date"] = data["start_date"].isoformat() if data.get("start_date") else ""
        row["end_date"] = data["end_date"].isoformat() if data.get("end_date") else ""
        row["assignment_id"] = ""
        return row

    TEXT_COLUMNS = (
        "worker_registration",
        "role",
        "engagement_type",
        "hourly_pay_rate",
        "charge_rate",
        "hours_per_week",
        "agency",
        "project_team",
        "pqe_years",
        "breach_request_reference",
    )

    def add_row_errors(self, errors) -> None:
        """The upload's row errors, each on the field it names."""
        for error in errors:
            name = self.FIELD_FOR_COLUMN.get(error.field, error.field)
            self.add_error(name if name in self.fields else None, error.message)
