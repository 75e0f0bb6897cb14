"""Forms of the placement data pages: the placements filters (read from the query string) and the
browser upload of a CSV file."""

from __future__ import annotations

from django import forms
from django.conf import settings

from breaches.selectors.register import QUARTER_PATTERN, recent_quarters
from datareturns.models import Flag
from riia.forms import GovukForm


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
