"""GOV.UK-styled forms: the mixin adds the design system's classes, and the field template
(templates/govuk/field.html) renders label, hint, error message and widget in one form group.
``GovukDateField`` is the one date input of the service (templates/govuk/date_field.html)."""

import re
from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError

from riia.errors import DomainError
from riia.models import NotificationDelivery, NotificationKind

_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, posted as ``<name>_day``, ``<name>_month`` and
    ``<name>_year``. The boxes' ids are ``<id>_0`` (day), ``<id>_1`` and ``<id>_2``."""

    template_name = "govuk/date_input.html"
    # The error summary links to the day box, as it does to a group's first radio.
    links_to_first_box = True

    def __init__(self, attrs=None) -> None:
        super().__init__({"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()}, attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""


class GovukDateField(forms.MultiValueField):
    """A date typed into three boxes, with one message naming the field whatever is wrong with it:
    ``what`` is how the message names it, like "the contract start date" (by default "the" and the label)."""

    widget = GovukDateInput

    def __init__(self, *, what: str = "", **kwargs) -> None:
        what = what or f"the {kwargs['label'].lower()}"
        self.what = what
        what_ = f"{what[0].upper()}{what[1:]}"
        self.real_date_message = f"{what_} must be a real date"
        fields = tuple(forms.IntegerField(error_messages={"invalid": self.real_date_message}) for _ in range(3))
        kwargs.setdefault(
            "error_messages",
            {"required": f"Enter {what}", "incomplete": f"{what_} must include a day, month and year"},
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list) -> date | None:
        if not data_list or all(v in (None, "") for v in data_list):
            return None
        if any(v in (None, "") for v in data_list):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        day, month, year = data_list
        if not 1000 <= year <= 9999:
            raise ValidationError(f"The year of {self.what} must include 4 numbers", code="year")
        try:
            return date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError(self.real_date_message, code="invalid") from None


_COMMA_DECIMAL = re.compile(r"^\d+,\d{1,2}$")  # "45,50" or "3,5": a comma used as the decimal point
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")  # "1,250" or "1,250.00"


class TypedNumberField(forms.DecimalField):
    """A number as people type it: around spaces, a unit (``£`` before, ``%`` after) and thousands
    commas are accepted; a comma used as the decimal point gets a message that says exactly that,
    rather than being read as a thousands separator (which would turn 45,50 into 4550)."""

    prefix = ""
    suffix = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {}  # no browser min/step: the GOV.UK error summary explains the rules instead

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if self.prefix:
                value = value.removeprefix(self.prefix).strip()
            if self.suffix:
                value = value.removesuffix(self.suffix).strip()
            if _COMMA_DECIMAL.match(value):
                raise ValidationError(
                    f"Use a full stop, not a comma, for the decimal point: enter {value.replace(',', '.')}, "
                    f"not {value}",
                    code="comma_decimal",
                )
            if _THOUSANDS.match(value):
                value = value.replace(",", "")
        return super().to_python(value)


class PoundsField(TypedNumberField):
    """An amount in pounds: accepts £45.50, 45.50 and 45.5."""

    prefix = "£"


class PercentField(TypedNumberField):
    """A percentage: accepts 3.5 and 3.5%."""

    suffix = "%"


class GovukFormMixin:
    """Add GOV.UK classes, and the error modifier where a field has an error."""

    template_name_div = "govuk/form.html"
    default_renderer = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.template_name = "govuk/date_field.html" if isinstance(field, GovukDateField) else "govuk/field.html"
            widget = field.widget
            css = next((c for cls, c in _WIDGET_CLASSES.items() if isinstance(widget, cls)), "govuk-input")
            width = widget.attrs.pop("width", None)
            if width:
                css += f" govuk-input--width-{width}"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self._field_id(name)}-hint"

    def add_error(self, field, error) -> None:
        # Every error, from validation or added by a view after a service refused (add_domain_error),
        # marks its input and points the input at the message (govuk/field_errors.html's id).
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                if widget.is_hidden:
                    continue
                modifier = widget.attrs["class"].split()[0] + "--error"
                if modifier not in widget.attrs["class"]:
                    widget.attrs["class"] += f" {modifier}"
                described = widget.attrs.get("aria-describedby", "").split()
                error_id = f"{self._field_id(name)}-error"
                if error_id not in described:
                    widget.attrs["aria-describedby"] = " ".join([*described, error_id])

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal on the field it names, or above the form."""
        self.add_error(error.field if error.field in self.fields else None, error.message)

    def _field_id(self, name: str) -> str:
        return (self.auto_id or "id_%s") % self.add_prefix(name)


class GovukForm(GovukFormMixin, forms.Form):
    pass


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password. The password is case-sensitive.",
        "inactive": "This account has been turned off. Contact your programme manager.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        """People type their address in any case; accounts are found whatever the case."""
        from riia.models import User

        typed = self.cleaned_data["username"].strip()
        stored = User.objects.filter(email__iexact=typed).values_list("email", flat=True).first()
        return stored or typed


class ApiKeyCreateForm(GovukForm):
    """Which organisation a new key acts for (among those the person looks after), its name and expiry."""

    organisation = forms.ChoiceField(
        label="Organisation",
        help_text="The key will send and read data as this organisation.",
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select an organisation from the list",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=50,
        help_text="So you can tell keys apart, like ‘Nightly upload from our MSP system’.",
        error_messages={
            "required": "Enter a name for the key",
            "max_length": "The name must be 50 characters or fewer",
        },
    )
    expiry_date = GovukDateField(
        label="Expiry date (optional)",
        what="the expiry date",
        required=False,
        help_text="The key stops working at the start of this day. Leave it blank for a key that does not "
        "expire. For example, 31 3 2027",
    )

    def __init__(self, *args, msps, local_authorities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = {f"msp-{m.pk}": ("msp", m) for m in msps}
        self._organisations.update({f"la-{la.pk}": ("local_authority", la) for la in local_authorities})
        groups = [
            ("MSPs", [(key, str(org)) for key, (kind, org) in self._organisations.items() if kind == "msp"]),
            (
                "Local authorities",
                [(key, str(org)) for key, (kind, org) in self._organisations.items() if kind == "local_authority"],
            ),
        ]
        self.fields["organisation"].choices = [("", "Select an organisation"), *[g for g in groups if g[1]]]

    def service_kwargs(self) -> dict:
        """The cleaned data as ``riia.services_keys.api_key_create`` takes it."""
        kind, organisation = self._organisations[self.cleaned_data["organisation"]]
        return {kind: organisation, "name": self.cleaned_data["name"], "expiry_date": self.cleaned_data["expiry_date"]}


class GovukPasswordResetForm(GovukFormMixin, PasswordResetForm):
    """ "Forgotten your password?": the address in any case (Django matches it case-insensitively)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Email address"
        field.error_messages.update(
            {"required": "Enter your email address", "invalid": "Enter an email address like name@council.gov.uk"}
        )
        field.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})


class GovukSetPasswordForm(GovukFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password1"].help_text = "At least 12 characters. Avoid a password you use elsewhere."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


def _delivery_field(kind: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=NotificationKind(kind).label,
        choices=NotificationDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you want to be told about this",
            "invalid_choice": "Select how you want to be told about this",
        },
    )


class NotificationPreferencesForm(GovukForm):
    """One set of radios per kind of event (the field names are the NotificationKind values): straight
    away, in the daily digest, or in the service only."""

    action = _delivery_field(NotificationKind.ACTION)
    own = _delivery_field(NotificationKind.OWN)
    region = _delivery_field(NotificationKind.REGION)
