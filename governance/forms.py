from django import forms

from casestudies.forms import ResourceFileField
from governance.models import Escalation, EscalationEntry, EscalationStatus
from governance.services import EscalationData
from riia.forms import GovukDateField, GovukForm
from riia.models import MSP, Agency, LocalAuthority, Region


class EscalationForm(GovukForm):
    region = forms.ModelChoiceField(
        label="Which region is it about?",
        queryset=Region.objects.order_by("name"),
        help_text="Its programme manager, the single point of contact, will handle it.",
        error_messages={"required": "Select the region", "invalid_choice": "Select a region from the list"},
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=Escalation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of escalation"},
    )
    what_happened = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what happened"},
    )
    occurred_on = GovukDateField(
        label="When it happened", what="the date it happened", help_text="For example, 27 3 2026"
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies involved (optional)", queryset=Agency.objects.all(), required=False
    )
    msps = forms.ModelMultipleChoiceField(label="MSPs involved (optional)", queryset=MSP.objects.all(), required=False)
    local_authorities = forms.ModelMultipleChoiceField(
        label="Local authorities involved (optional)", queryset=LocalAuthority.objects.all(), required=False
    )
    involved_description = forms.CharField(label="Anyone else involved (optional)", max_length=300, required=False)
    evidence_text = forms.CharField(
        label="Evidence (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example the wording of an advert or a message.",
    )
    evidence_link = forms.URLField(
        label="Link to evidence (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a link in the right format, like https://www.example.com/advert"},
    )
    evidence_file = ResourceFileField(
        label="Attach a file (optional)",
        required=False,
        help_text="PDF, DOCX, XLSX, ODT, TXT or CSV, smaller than 10 MB.",
    )
    other_regions = forms.ModelMultipleChoiceField(
        label="Other regions involved (optional)", queryset=Region.objects.order_by("name"), required=False
    )

    def to_data(self) -> EscalationData:
        return EscalationData(**self.cleaned_data)


class TriageForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (s.value, s.label)
            for s in (EscalationStatus.ACCEPTED, EscalationStatus.NEEDS_INFORMATION, EscalationStatus.NOT_FOR_US)
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select accepted, needs information or not for us"},
    )
    note = forms.CharField(
        label="Note to the raiser",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you ask for information or say it is not for us.",
    )


class EntryForm(GovukForm):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[(k.value, k.label) for k in (EscalationEntry.Kind.ACTION, EscalationEntry.Kind.CONTACT)],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is an action or a contact"},
    )
    contact = forms.CharField(label="Who was contacted (for a contact)", max_length=200, required=False)
    text = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was done"},
    )


class CloseForm(GovukForm):
    outcome = forms.CharField(
        label="Outcome", widget=forms.Textarea(attrs={"rows": 6}), error_messages={"required": "Enter the outcome"}
    )


class RespondForm(GovukForm):
    text = forms.CharField(
        label="The information asked for",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the information"},
    )


class ShareRegionForm(GovukForm):
    region = forms.ModelChoiceField(
        label="Region to share with",
        queryset=Region.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select one of the other regions involved"},
    )

    def __init__(self, *args, escalation: Escalation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = escalation.other_regions.exclude(pk__in=escalation.shared_with_regions.all())
