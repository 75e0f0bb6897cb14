"""Thin views: GET reads through selectors; POST validates a form, calls one service and redirects."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casestudies import selectors, services
from casestudies.forms import CaseStudyForm, ResourceForm, ResourceVersionForm, ReturnForm, SearchForm
from casestudies.rules import library_regions, writer_las
from riia.errors import DomainError
from riia.models import LocalAuthority, Region

# A request body this much bigger than the file limit is refused before Django parses it.
_FORM_OVERHEAD = 64 * 1024


def _body_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > services.resource_max_bytes() + _FORM_OVERHEAD


def _refuse_large(request: HttpRequest, form_class, **kwargs) -> forms.Form:
    """An unbound form carrying only the file error: the body is never parsed."""
    form = form_class(**kwargs)
    form.full_clean()  # an unbound form: this only gives it an empty error list
    form.cleaned_data = {}
    limit = services.resource_max_bytes() // (1024 * 1024)
    form.add_error("file", f"The selected file must be smaller than {limit} MB")
    return form


# What a refused person is told; the rules themselves are in casestudies/rules.py.
REFUSALS = {
    "casestudies.add_casestudy": "Only a local authority's workforce lead, DCS or chief executive can write a case study.",
    "casestudies.add_resource": "Only a local authority's workforce lead, DCS or chief executive, or the programme "
    "manager, can add a resource to a region's library.",
    "casestudies.change_casestudy": "You cannot change this case study.",
    "casestudies.change_resource": "You cannot add a version of this resource.",
}


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(REFUSALS.get(perm, "You cannot do that."))


# --- Case studies ---------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require(request, "casestudies.use_library")
    form = SearchForm(
        request.GET or None, tags=selectors.tags_all(), regions=selectors.regions_for_filter(user=request.user)
    )
    query, filters = "", selectors.SearchFilters()
    if form.is_valid():
        c = form.cleaned_data
        query = c["q"]
        filters = selectors.SearchFilters(c["case_type"], c["tag"], c["region"], c["outcome"])
    return render(
        request,
        "casestudies/index.html",
        {
            "form": form,
            "query": query,
            "results": selectors.case_study_search(user=request.user, query=query, filters=filters)[:50],
            "unpublished": selectors.case_studies_unpublished_for(user=request.user)[:50],
            "can_draft": request.user.has_perm("casestudies.add_casestudy"),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    _require(request, "casestudies.add_casestudy")
    form = CaseStudyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case_study = services.case_study_create(
                actor=request.user, local_authority=form.cleaned_data["local_authority"], data=form.to_data()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Draft saved. Check your answers before you send it for review.")
            return redirect("casestudies:detail", pk=case_study.pk)
    return render(request, "casestudies/form.html", {"form": form, "title": "Write a case study"})


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.case_study_get(user=request.user, pk=pk)
    return render(
        request,
        "casestudies/detail.html",
        {
            "case_study": case_study,
            "missing": services.missing_parts(case_study),
            "return_form": ReturnForm(),
            "related": selectors.related_case_studies(
                user=request.user,
                tags=[t.slug for t in case_study.tags.all()],
                case_type=case_study.case_type,
                exclude=case_study,
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.case_study_get(user=request.user, pk=pk)
    _require(request, "casestudies.change_casestudy", case_study)
    initial = CaseStudyForm.initial_from(case_study)
    form = CaseStudyForm(request.POST or None, user=request.user, case_study=case_study, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_study_update(case_study=case_study, actor=request.user, data=form.to_data())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Case study saved.")
            return redirect("casestudies:detail", pk=case_study.pk)
    return render(
        request, "casestudies/form.html", {"form": form, "title": "Change the case study", "case_study": case_study}
    )


def _transition(request: HttpRequest, pk: int, service, done: str, **kwargs) -> HttpResponse:
    case_study = selectors.case_study_get(user=request.user, pk=pk)
    try:
        service(case_study=case_study, actor=request.user, **kwargs)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("casestudies:detail", pk=pk)


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, services.case_study_submit, "Case study sent for review. The programme manager has been told."
    )


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.case_study_publish, "Case study published. The author has been told.")


@require_http_methods(["GET", "POST"])
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    case_study = selectors.case_study_get(user=request.user, pk=pk)
    _require(request, "casestudies.publish_casestudy", case_study)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_study_return(
                case_study=case_study, actor=request.user, comments=form.cleaned_data["comments"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Case study returned to the author with your comments.")
            return redirect("casestudies:detail", pk=pk)
    return render(request, "casestudies/return.html", {"form": form, "case_study": case_study})


# --- Resources ------------------------------------------------------------------------------


class StandaloneResourceForm(ResourceForm):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), empty_label=None)
    share_nationally = forms.BooleanField(
        label="Share nationally", required=False, help_text="Every region can use it, not only your own."
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ids = {region.pk for region in library_regions(user)}
        self.fields["region"].queryset = Region.objects.filter(pk__in=ids)
        if len(ids) == 1:
            # One choice: no question to ask.
            self.fields["region"].widget = forms.HiddenInput(attrs={"class": "govuk-input"})
            self.fields["region"].required = False
            self.only_region = self.fields["region"].queryset.first()

    def clean_region(self) -> Region | None:
        return self.cleaned_data.get("region") or getattr(self, "only_region", None)


def _owner_la(request: HttpRequest, region: Region | None) -> LocalAuthority | None:
    """A library resource belongs to the writer's LA in that region (its people may version it)."""
    return next((la for la in writer_las(request.user) if region and la.region_id == region.pk), None)


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    _require(request, "casestudies.use_library")
    resources = selectors.resources_visible_to(user=request.user).filter(case_study__isnull=True)
    return render(request, "casestudies/resource_list.html", {"resources": resources})


@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a resource to a case study (``pk``) or, without one, to a region's library."""
    case_study = selectors.case_study_get(user=request.user, pk=pk) if pk else None
    if case_study:
        _require(request, "casestudies.change_casestudy", case_study)
    else:
        _require(request, "casestudies.add_resource")
    form_class, kwargs = (ResourceForm, {}) if case_study else (StandaloneResourceForm, {"user": request.user})
    if request.method == "POST" and _body_too_large(request):
        form = _refuse_large(request, form_class, **kwargs)
    else:
        form = form_class(request.POST or None, request.FILES or None, **kwargs)
        if request.method == "POST" and form.is_valid():
            c = form.cleaned_data
            try:
                resource = services.resource_create(
                    actor=request.user,
                    case_study=case_study,
                    title=c["title"],
                    kind=c["kind"],
                    description=c["description"],
                    body=c["body"],
                    upload=c["file"],
                    region=c.get("region"),
                    owner_la=_owner_la(request, c.get("region")),
                    share_nationally=c.get("share_nationally", False),
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Resource added: {resource.title}.")
                if case_study:
                    return redirect("casestudies:detail", pk=pk)
                return redirect("casestudies:resource-detail", pk=resource.pk)
    context = {"form": form, "case_study": case_study, "title": "Add a resource"}
    return render(request, "casestudies/resource_form.html", context)


@require_GET
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    return render(request, "casestudies/resource_detail.html", {"resource": resource})


@require_http_methods(["GET", "POST"])
def resource_version_add(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    _require(request, "casestudies.change_resource", resource)
    if request.method == "POST" and _body_too_large(request):
        form = _refuse_large(request, ResourceVersionForm)
    else:
        latest = resource.versions.all()[0]
        form = ResourceVersionForm(request.POST or None, request.FILES or None, initial={"body": latest.body})
        if request.method == "POST" and form.is_valid():
            c = form.cleaned_data
            try:
                services.resource_version_add(
                    resource=resource, actor=request.user, body=c["body"], upload=c["file"], note=c["note"]
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "New version saved.")
                return redirect("casestudies:resource-detail", pk=pk)
    context = {"form": form, "resource": resource, "title": f"New version of {resource.title}"}
    return render(request, "casestudies/resource_form.html", context)


@require_GET
def resource_download(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = selectors.resource_version_get(user=request.user, resource_pk=pk, number=number)
    if version.file:
        return FileResponse(
            version.file.open("rb"),
            as_attachment=True,
            filename=version.original_name,
            content_type=version.content_type,
        )
    response = HttpResponse(version.body, content_type="text/plain; charset=utf-8")
    name = slugify(f"{version.resource.title} version {version.number}")
    response["Content-Disposition"] = f'attachment; filename="{name}.txt"'
    return response
