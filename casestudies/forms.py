from django import forms

from casestudies.models import CaseStudy, Resource, Tag
from casestudies.rules import writer_las
from casestudies.services import CaseStudyData, resource_max_bytes
from riia.forms import GovukForm
from riia.models import MSP, Agency, LocalAuthority


class CaseStudyForm(GovukForm):
    """Drafts may be saved unfinished; the four parts are checked when the case study is sent for review."""

    local_authority = forms.ModelChoiceField(
        label="Local authority", queryset=LocalAuthority.objects.none(), empty_label=None
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    case_type = forms.ChoiceField(
        label="Type",
        choices=CaseStudy.Type.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of case study"},
    )
    tags = forms.ModelMultipleChoiceField(
        label="Topics and roles", queryset=Tag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    issue = forms.CharField(label="The issue", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    decision = forms.CharField(
        label="How the decision to respond was made", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    outcome = forms.ChoiceField(
        label="Was it successful?", choices=CaseStudy.Outcome.choices, required=False, widget=forms.RadioSelect
    )
    outcome_assessment = forms.CharField(
        label="Your assessment of the outcome", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    learning = forms.CharField(label="What was learned", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    behaviour = forms.ChoiceField(
        label="Does it show behaviour to encourage or to reduce?",
        choices=CaseStudy.Behaviour.choices,
        initial=CaseStudy.Behaviour.ENCOURAGE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it shows behaviour to encourage or to reduce"},
    )
    involved_description = forms.CharField(
        label="Who was involved (optional)",
        max_length=300,
        required=False,
        help_text="You can keep organisations anonymous, for example 'a London borough and one agency'.",
    )
    local_authorities = forms.ModelMultipleChoiceField(
        label="Local authorities involved (optional)", queryset=LocalAuthority.objects.none(), required=False
    )
    msps = forms.ModelMultipleChoiceField(label="MSPs involved (optional)", queryset=MSP.objects.all(), required=False)
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies involved (optional)", queryset=Agency.objects.all(), required=False
    )
    share_nationally = forms.BooleanField(
        label="Share nationally",
        required=False,
        help_text="Once published, every region can read it, not only your own.",
    )

    def __init__(self, *args, user, case_study: CaseStudy | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if case_study is None:
            las = writer_las(user)
            self.fields["local_authority"].queryset = LocalAuthority.objects.filter(pk__in=[la.pk for la in las])
            region_ids = {la.region_id for la in las}
            if len(las) == 1:
                # One choice: no question to ask.
                self.fields["local_authority"].widget = forms.HiddenInput(attrs={"class": "govuk-input"})
                self.fields["local_authority"].required = False
                self.only_la = las[0]
        else:
            del self.fields["local_authority"]
            region_ids = {case_study.region_id}
        self.fields["local_authorities"].queryset = LocalAuthority.objects.filter(region_id__in=region_ids)

    def clean_local_authority(self) -> LocalAuthority | None:
        return self.cleaned_data.get("local_authority") or getattr(self, "only_la", None)

    def to_data(self) -> CaseStudyData:
        c = self.cleaned_data
        return CaseStudyData(
            **{name: c[name] for name in CaseStudyData.SCALARS},
            tags=list(c["tags"]),
            local_authorities=list(c["local_authorities"]),
            msps=list(c["msps"]),
            agencies=list(c["agencies"]),
        )

    @staticmethod
    def initial_from(case_study: CaseStudy) -> dict:
        initial = {name: getattr(case_study, name) for name in CaseStudyData.SCALARS}
        for name in ("tags", "local_authorities", "msps", "agencies"):
            initial[name] = list(getattr(case_study, name).all())
        return initial


class ReturnForm(GovukForm):
    comments = forms.CharField(
        label="What does the author need to change?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the author needs to change"},
    )


class SearchForm(GovukForm):
    q = forms.CharField(label="Search case studies", required=False, max_length=200)
    case_type = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *CaseStudy.Type.choices])
    tag = forms.ChoiceField(label="Topic or role", required=False)
    region = forms.ChoiceField(label="Region", required=False)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *CaseStudy.Outcome.choices]
    )

    def __init__(self, *args, tags, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any topic or role")] + [(t.slug, t.name) for t in tags]
        self.fields["region"].choices = [("", "Any region")] + [(r.slug, r.name) for r in regions]


class ResourceFileField(forms.FileField):
    """Refuses an oversized file by its declared size, before its content is read."""

    def validate(self, value) -> None:
        super().validate(value)
        limit = resource_max_bytes()
        if value and value.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")


class ResourceVersionForm(GovukForm):
    body = forms.CharField(
        label="Template text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Put the parts another LA fills in between double curly brackets, for example {{ agency name }}.",
    )
    file = ResourceFileField(
        label="Or attach a file (optional)",
        required=False,
        help_text="PDF, DOCX, XLSX, ODT, TXT or CSV, smaller than 10 MB.",
    )
    note = forms.CharField(label="What changed (optional)", required=False, max_length=200)


class ResourceForm(ResourceVersionForm):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title for the resource"})
    kind = forms.ChoiceField(
        label="Kind of resource",
        choices=Resource.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of resource this is"},
    )
    description = forms.CharField(
        label="When to use it (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["title", "kind", "description", "body", "file"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note"]
