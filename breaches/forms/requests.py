"""Forms for breach requests: the lead's request form, and the sign, return and decide forms."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.db.models import QuerySet

from breaches.models import BreachRequest, Decision, ReasonCategory
from breaches.selectors.register import QUARTER_PATTERN, recent_quarters
from breaches.selectors.request_lists import RequestFilters
from breaches.services.requests import BreachRequestDetails
from rates.models import MAX_HOURLY_RATE, EngagementType, RoleGrade
from riia.forms import GovukDateField, GovukForm, PoundsField
from riia.models import LocalAuthority, Role

DATE_HINT = "For example, 1 5 2026"


class BreachRequestForm(GovukForm):
    """What the workforce lead fills in. ``complete`` (the "Continue" button) also asks for the reason and
    the confirmation; "Save as draft" does not, so a draft can be saved part-way."""

    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.none(),
        label="Local authority",
        error_messages={
            "required": "Select the local authority",
            "invalid_choice": "Select one of your local authorities",
        },
    )
    role_grade = forms.ModelChoiceField(
        queryset=RoleGrade.objects.none(),
        label="Role",
        empty_label="Select a role",
        error_messages={"required": "Select the role", "invalid_choice": "Select a role from the list"},
    )
    proposed_rate = PoundsField(
        label="Proposed hourly pay rate",
        help_text="The rate paid to the worker, in pounds an hour.",
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_HOURLY_RATE,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "5", "prefix": "£", "suffix": "an hour"}),
        error_messages={
            "required": "Enter the proposed hourly pay rate",
            "invalid": "Enter the proposed hourly pay rate as a number, like 42.50",
            "min_value": f"Enter a proposed hourly rate between £0.01 and £{MAX_HOURLY_RATE}",
            "max_value": f"Enter a proposed hourly rate between £0.01 and £{MAX_HOURLY_RATE}",
            "max_decimal_places": "Enter the proposed hourly pay rate in pounds and pence, like 42.50",
        },
    )
    engagement_type = forms.ChoiceField(
        label="How will the worker be engaged?",
        choices=EngagementType.choices,
        initial=EngagementType.LIMITED_COMPANY,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the worker will be engaged"},
    )
    number_of_roles = forms.IntegerField(
        label="Number of roles",
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "required": "Enter the number of roles",
            "invalid": "Enter the number of roles as a whole number",
            "min_value": "Enter the number of roles, 1 or more",
            "max_value": "Enter the number of roles, 999 or fewer",
        },
    )
    contract_start = GovukDateField(label="Contract start date", help_text=DATE_HINT)
    contract_end = GovukDateField(
        label="Contract end date", required=False, help_text=f"{DATE_HINT}. Or give the length in weeks below."
    )
    contract_weeks = forms.IntegerField(
        label="Contract length in weeks",
        required=False,
        min_value=1,
        max_value=260,
        help_text="Only if you have not given an end date.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "invalid": "Enter the contract length as a whole number of weeks",
            "min_value": "Enter a contract length of 1 week or more",
            "max_value": "Enter a contract length of 260 weeks or fewer",
        },
    )
    reason_category = forms.ChoiceField(
        label="Main reason",
        choices=ReasonCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the main reason for the breach"},
    )
    reason = forms.CharField(
        label="Explain why the breach is needed",
        required=False,
        help_text="What you have tried, and why paying the cap will not fill the roles.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    is_project_team = forms.BooleanField(
        label="This is a project team or packaged arrangement",
        required=False,
        help_text="Every worker in a project team must be identified and priced.",
    )
    confirms_no_other_breach = forms.BooleanField(
        label="I confirm that no other term of the agreement, such as the cool-off period, will be breached",
        required=False,
    )

    # The order the page shows the fields in (templates/breaches/request_form.html), so that the
    # error summary lists the errors in page order.
    field_order = [
        "local_authority",
        "role_grade",
        "contract_start",
        "engagement_type",
        "proposed_rate",
        "number_of_roles",
        "contract_end",
        "contract_weeks",
        "is_project_team",
        "reason_category",
        "reason",
        "confirms_no_other_breach",
    ]

    def __init__(
        self,
        *args,
        local_authorities: QuerySet[LocalAuthority],
        role_grades: QuerySet[RoleGrade],
        complete: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.fields["local_authority"].queryset = local_authorities
        if len(local_authorities) == 1:
            self.fields["local_authority"].initial = local_authorities[0].pk
            self.fields["local_authority"].widget = forms.HiddenInput()
        self.fields["role_grade"].queryset = role_grades

    def clean(self) -> dict:
        data = super().clean()
        start, end, weeks = data.get("contract_start"), data.get("contract_end"), data.get("contract_weeks")
        if start and not end and weeks:
            data["contract_end"] = start + timedelta(weeks=weeks, days=-1)
        elif start and not end and "contract_weeks" not in self.errors:
            self.add_error("contract_end", "Enter the contract end date or its length in weeks")
        if self.complete:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Explain why the breach is needed")
            if not data.get("confirms_no_other_breach"):
                self.add_error(
                    "confirms_no_other_breach",
                    "Confirm that no other term of the agreement, such as the cool-off period, will be breached",
                )
        return data

    def details(self) -> BreachRequestDetails:
        data = self.cleaned_data
        return BreachRequestDetails(
            role_grade=data["role_grade"],
            proposed_rate=data["proposed_rate"],
            number_of_roles=data["number_of_roles"],
            contract_start=data["contract_start"],
            contract_end=data["contract_end"],
            reason_category=data["reason_category"],
            engagement_type=data["engagement_type"],
            reason=data.get("reason", "").strip(),
            is_project_team=data["is_project_team"],
            confirms_no_other_breach=data["confirms_no_other_breach"],
        )


def initial_from_query(query, *, local_authorities, role_grades) -> dict:
    """A new request pre-filled from the address (the pre-offer check links here with the checked
    placement): ``local_authority`` and ``role_grade`` (ids), ``engagement_type``, ``proposed_rate``,
    ``number_of_roles``, ``contract_start`` and ``contract_end`` (YYYY-MM-DD) and ``is_project_team=1``.
    A value that is not one the form would accept (another LA's id, a malformed date) is left out, so
    the person fills it in: the address never decides more than a typed answer could."""
    initial: dict = {}
    la = query.get("local_authority", "")
    if la.isdigit() and local_authorities.filter(pk=int(la)).exists():
        initial["local_authority"] = int(la)
    grade = query.get("role_grade", "")
    if grade.isdigit() and role_grades.filter(pk=int(grade)).exists():
        initial["role_grade"] = int(grade)
    if query.get("engagement_type") in EngagementType.values:
        initial["engagement_type"] = query["engagement_type"]
    try:
        rate = Decimal(query.get("proposed_rate", ""))
    except ArithmeticError:
        rate = None
    if (
        rate is not None
        and rate.is_finite()
        and Decimal("0.01") <= rate <= MAX_HOURLY_RATE
        and rate == rate.quantize(Decimal("0.01"))
    ):
        initial["proposed_rate"] = rate
    roles = query.get("number_of_roles", "")
    if roles.isdigit() and 1 <= int(roles) <= 999:
        initial["number_of_roles"] = int(roles)
    for name in ("contract_start", "contract_end"):
        with contextlib.suppress(ValueError):
            initial[name] = date.fromisoformat(query.get(name, ""))
    if query.get("is_project_team") == "1":
        initial["is_project_team"] = True
    return initial


def sign_declaration(breach_request: BreachRequest) -> str:
    """What the DCS or chief executive agrees to, in their words, with the figures they sign for."""
    roles = f"{breach_request.number_of_roles} role{'s' if breach_request.number_of_roles != 1 else ''}"
    reason = breach_request.reason.strip().rstrip(".")
    reason = reason[0].lower() + reason[1:] if reason else breach_request.get_reason_category_display().lower()
    return (
        f"I confirm that paying £{breach_request.proposed_rate} an hour, £{breach_request.over_by} "
        f"({breach_request.over_by_percent}%) above the cap, for {roles} until "
        f"{breach_request.contract_end:%-d %B %Y} is necessary because {reason}."
    )


class SignForm(GovukForm):
    """Approve as DCS or chief executive, by confirming the declaration. The role is asked only of
    someone who holds both."""

    role = forms.ChoiceField(
        label="Sign as", widget=forms.RadioSelect, error_messages={"required": "Select the role you are signing as"}
    )
    declaration = forms.BooleanField(
        error_messages={"required": "Confirm the declaration to sign the request"},
    )

    def __init__(self, *args, roles: list[str], breach_request: BreachRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
            self.fields["role"].widget = forms.HiddenInput()
        self.declaration_text = sign_declaration(breach_request)
        self.fields["declaration"].label = self.declaration_text


class ReturnForm(GovukForm):
    comment = forms.CharField(
        label="What needs to change?",
        help_text="The workforce lead sees this and can change and resubmit the request.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the local authority needs to change or explain"},
    )


class DecideForm(GovukForm):
    RETURN = "return"

    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[*Decision.Outcome.choices, (RETURN, "Return for more information")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve, reject or return for more information"},
    )
    conditions = forms.CharField(
        label="Conditions (if approving)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expires_on = GovukDateField(label="Approval expiry date", required=False, help_text=f"Optional. {DATE_HINT}")
    comment = forms.CharField(
        label="Comment",
        required=False,
        help_text="Needed when you reject or return the request.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("outcome") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter what the local authority needs to explain")
        return data


class RequestFilterForm(GovukForm):
    """The filters and sort order of the request list and the decisions register, read from the
    address (GET), so a filtered list can be bookmarked, shared and downloaded."""

    status = forms.ChoiceField(label="Status", required=False)
    local_authority = forms.ModelChoiceField(
        label="Local authority", queryset=None, required=False, empty_label="All", to_field_name="slug"
    )
    role_grade = forms.ModelChoiceField(
        label="Role", queryset=None, required=False, empty_label="All", to_field_name="code"
    )
    quarter = forms.CharField(
        label="Quarter", required=False, help_text="Calendar quarters: Q1 is January to March", widget=forms.Select
    )
    sort = forms.ChoiceField(label="Sort by", required=False)

    def __init__(self, *args, statuses, local_authorities, role_grades, sorts: dict, quarter_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "All"), *statuses]
        self.fields["local_authority"].queryset = local_authorities
        self.fields["role_grade"].queryset = role_grades
        self.fields["quarter"].label = quarter_label
        quarters = recent_quarters()
        if self.data.get("quarter") and self.data["quarter"] not in quarters:
            quarters.append(self.data["quarter"])  # an older quarter asked for in the address
        self.fields["quarter"].widget.choices = [("", "All"), *[(q, q) for q in quarters]]
        self.fields["sort"].choices = [(key, label) for key, (label, _order) in sorts.items()]

    def clean_quarter(self) -> str:
        quarter = self.cleaned_data["quarter"].strip().upper()
        if quarter and not QUARTER_PATTERN.match(quarter):
            raise forms.ValidationError("Enter a quarter like 2026-Q3")
        return quarter

    def filters(self) -> RequestFilters:
        if not self.is_bound:
            return RequestFilters()
        data = self.cleaned_data
        return RequestFilters(
            status=data.get("status", ""),
            local_authority=data.get("local_authority"),
            role_grade=data.get("role_grade"),
            quarter=data.get("quarter", ""),
            sort=data.get("sort", ""),
        )
