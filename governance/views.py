"""Thin views: GET reads through selectors; POST validates a form, calls one service and redirects."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from casestudies.services import resource_max_bytes
from governance import selectors, services
from governance.forms import CloseForm, EntryForm, EscalationForm, RespondForm, ShareRegionForm, TriageForm
from riia.errors import DomainError

REFUSALS = {
    "governance.add_escalation": "Only someone from a local authority, an MSP, an agency or a RIIA can raise an escalation.",
    "governance.handle_escalation": "Only the region's programme manager can do this.",
    "governance.respond_escalation": "Only the person who raised it can add information, when it is asked for.",
    "governance.view_shared_outcomes": "Only MSPs and the region's staff see the outcomes shared with MSPs.",
}
# A request body this much bigger than the file limit is refused before Django parses it.
_FORM_OVERHEAD = 64 * 1024


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(REFUSALS.get(perm, "You cannot do that."))


def _body_too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > resource_max_bytes() + _FORM_OVERHEAD
    except ValueError:
        return True


@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.escalations_visible_to(user=request.user)
    return render(
        request,
        "governance/escalation_list.html",
        {
            "raised_by_me": visible.filter(raised_by=request.user),
            "handled": visible.exclude(raised_by=request.user)[:200],
            "can_raise": request.user.has_perm("governance.add_escalation"),
        },
    )


@require_http_methods(["GET", "POST"])
def escalation_raise(request: HttpRequest) -> HttpResponse:
    _require(request, "governance.add_escalation")
    if request.method == "POST" and _body_too_large(request):
        form = EscalationForm()
        form.full_clean()
        form.cleaned_data = {}
        form.add_error(
            "evidence_file", f"The selected file must be smaller than {resource_max_bytes() // (1024 * 1024)} MB"
        )
    else:
        form = EscalationForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                escalation = services.escalation_raise(actor=request.user, data=form.to_data())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("governance:escalation-raised", pk=escalation.pk)
    return render(request, "governance/escalation_form.html", {"form": form})


@require_GET
def escalation_raised(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_get(user=request.user, pk=pk)
    return render(request, "governance/escalation_raised.html", {"escalation": escalation})


@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_get(user=request.user, pk=pk)
    return render(
        request,
        "governance/escalation_detail.html",
        {"escalation": escalation, "msps_serving": services.msps_serving(escalation.region)},
    )


def _form_step(
    request: HttpRequest, pk: int, *, perm: str, form_class, call: Callable, done: str, title: str, **form_kwargs
) -> HttpResponse:
    """One transition page: a form whose cleaned data go to one service."""
    escalation = selectors.escalation_get(user=request.user, pk=pk)
    _require(request, perm, escalation)
    kwargs = {"escalation": escalation} if form_kwargs.pop("with_escalation", False) else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            call(actor=request.user, escalation=escalation, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("governance:escalation-detail", pk=pk)
    context = {"form": form, "escalation": escalation, "title": title, "button": form_kwargs.get("button", "Continue")}
    return render(request, "governance/escalation_step.html", context)


@require_http_methods(["GET", "POST"])
def escalation_triage(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        perm="governance.handle_escalation",
        form_class=TriageForm,
        call=services.escalation_triage,
        done="Triage recorded. The raiser has been told.",
        title="Triage the escalation",
        button="Record decision",
    )


@require_http_methods(["GET", "POST"])
def escalation_entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        perm="governance.handle_escalation",
        form_class=EntryForm,
        call=services.escalation_entry_record,
        done="Recorded.",
        title="Record an action or a contact",
        button="Record",
    )


@require_http_methods(["GET", "POST"])
def escalation_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome, then a check-your-answers page (the outcome carried in the form), then closing."""
    escalation = selectors.escalation_get(user=request.user, pk=pk)
    _require(request, "governance.handle_escalation", escalation)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        if request.POST.get("confirmed") != "yes":
            context = {"escalation": escalation, "outcome": form.cleaned_data["outcome"]}
            return render(request, "governance/escalation_close_check.html", context)
        try:
            services.escalation_close(actor=request.user, escalation=escalation, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Escalation closed. The raiser has been told the outcome.")
            return redirect("governance:escalation-detail", pk=pk)
    context = {"form": form, "escalation": escalation, "title": "Close the escalation", "button": "Continue"}
    return render(request, "governance/escalation_step.html", context)


@require_http_methods(["GET", "POST"])
def escalation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        perm="governance.respond_escalation",
        form_class=RespondForm,
        call=services.escalation_respond,
        done="Information sent to the programme manager.",
        title="Add the information asked for",
        button="Send",
    )


@require_http_methods(["GET", "POST"])
def escalation_share_region(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        perm="governance.handle_escalation",
        form_class=ShareRegionForm,
        call=services.escalation_share_with_region,
        done="Shared. That region's programme manager has been told.",
        title="Share with another region's programme manager",
        button="Share",
        with_escalation=True,
    )


def _confirm_step(request: HttpRequest, pk: int, *, template: str, call: Callable, done: str) -> HttpResponse:
    """A check-your-answers page on GET; the transition on POST."""
    escalation = selectors.escalation_get(user=request.user, pk=pk)
    _require(request, "governance.handle_escalation", escalation)
    if request.method == "POST":
        try:
            result = call(actor=request.user, escalation=escalation)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("governance:escalation-detail", pk=pk)
        messages.success(request, done)
        return _after(result, pk)
    return render(
        request, template, {"escalation": escalation, "msps_serving": services.msps_serving(escalation.region)}
    )


def _after(result, pk: int) -> HttpResponse:
    from casestudies.models import CaseStudy

    if isinstance(result, CaseStudy):
        return redirect("casestudies:detail", pk=result.pk)
    return redirect("governance:escalation-detail", pk=pk)


@require_http_methods(["GET", "POST"])
def escalation_outcome_share(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        template="governance/escalation_share_outcome.html",
        call=services.escalation_outcome_share,
        done="Outcome shared. Every MSP serving the region has been told.",
    )


@require_http_methods(["GET", "POST"])
def escalation_case_study(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_step(
        request,
        pk,
        template="governance/escalation_case_study.html",
        call=services.escalation_case_study_create,
        done="Draft case study created from the escalation. Complete it, then publish it.",
    )


@require_GET
def escalation_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_get(user=request.user, pk=pk)
    if not escalation.evidence_file:
        raise PermissionDenied("This escalation has no file attached.")
    return FileResponse(
        escalation.evidence_file.open("rb"),
        as_attachment=True,
        filename=escalation.evidence_name,
        content_type=escalation.evidence_content_type,
    )


@require_GET
def outcomes(request: HttpRequest) -> HttpResponse:
    _require(request, "governance.view_shared_outcomes")
    return render(request, "governance/outcomes.html", {"outcomes": selectors.outcomes_shared_with(user=request.user)})
