from django import forms
from django.db.models import Q

from governance.models import Meeting
from riia.forms import GovukDateField, GovukForm
from riia.models import LocalAuthority, Region, SubRegionalGroup, User


class MeetingForm(GovukForm):
    scope = forms.ChoiceField(
        label="Who is the meeting for?",
        choices=Meeting.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the meeting is for"},
    )
    group = forms.ModelChoiceField(
        label="Sub-regional group (for a group meeting)", queryset=SubRegionalGroup.objects.none(), required=False
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title for the meeting"})
    held_on = GovukDateField(label="Date", what="the date of the meeting", help_text="For example, 14 4 2026")
    agenda = forms.CharField(label="Agenda (optional)", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, region: Region, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = region.groups.all()


class AttendeeForm(GovukForm):
    name = forms.CharField(max_length=150, error_messages={"required": "Enter the attendee's name"})
    organisation = forms.CharField(
        label="Organisation (optional when an LA is selected)", max_length=150, required=False
    )
    local_authority = forms.ModelChoiceField(
        label="The LA they represent (optional)", queryset=LocalAuthority.objects.none(), required=False
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = meeting.region.local_authorities.all()


class MinutesForm(GovukForm):
    agenda = forms.CharField(label="Agenda", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    minutes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}), error_messages={"required": "Enter the minutes"}
    )
    decisions = forms.CharField(label="Decisions (optional)", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class ActionForm(GovukForm):
    description = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the action"}
    )
    owner = forms.ModelChoiceField(label="Owner: a person", queryset=User.objects.none(), required=False)
    owner_la = forms.ModelChoiceField(label="Or owner: an LA", queryset=LocalAuthority.objects.none(), required=False)
    due_on = GovukDateField(label="Due date", what="the due date", help_text="For example, 1 5 2026")

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        region = meeting.region
        self.fields["owner_la"].queryset = region.local_authorities.all()
        in_region = Q(memberships__region=region) | Q(memberships__local_authority__region=region)
        self.fields["owner"].queryset = User.objects.filter(
            in_region, is_active=True, memberships__ended_at__isnull=True
        ).distinct()


class PackNotesForm(GovukForm):
    """National and regional notes, and one box per LA of the region (``la_<id>``)."""

    notes = forms.CharField(
        label="National and regional notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, region: Region, pack=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.las = list(region.local_authorities.order_by("name"))
        saved = pack.la_notes if pack else {}
        if pack and not self.is_bound:
            self.initial["notes"] = pack.notes
        for la in self.las:
            self.fields[f"la_{la.pk}"] = forms.CharField(
                label=f"Notes for {la.name} (optional)",
                required=False,
                initial=saved.get(str(la.pk), ""),
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
            )

    def la_notes(self) -> dict[int, str]:
        return {la.pk: self.cleaned_data.get(f"la_{la.pk}", "") for la in self.las}


class MouVersionForm(GovukForm):
    dated = GovukDateField(
        label="Date of this version", what="the date of the version", help_text="For example, 1 4 2026"
    )
    summary = forms.CharField(
        label="What changed",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a summary of what changed"},
    )
    document = forms.FileField(
        label="The MOU document",
        help_text="PDF, DOCX or ODT, smaller than 10 MB.",
        error_messages={"required": "Choose the MOU document"},
    )


class MouSignForm(GovukForm):
    local_authority = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the local authority"},
    )
    signed_on = GovukDateField(
        label="Date signed (optional)", what="the date signed", required=False, help_text="Leave it blank for today."
    )

    def __init__(self, *args, las, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = las
