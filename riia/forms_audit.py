"""The audit trail export's date range."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from riia.forms import GovukDateField, GovukForm

DATE_HINT = "For example, 1 4 2026"


class AuditExportForm(GovukForm):
    date_from = GovukDateField(label="From", what="the date to export from", help_text=DATE_HINT)
    date_to = GovukDateField(label="To", what="the date to export to", help_text=f"Included. {DATE_HINT}")

    def _not_future(self, name: str, what: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is not None and value > timezone.localdate():
            raise ValidationError(f"{what} must be today or in the past")
        return value

    def clean_date_from(self) -> date | None:
        return self._not_future("date_from", "The date to export from")

    def clean_date_to(self) -> date | None:
        return self._not_future("date_to", "The date to export to")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The date to export to must be the same as or after the date to export from")
        return data
