"""Breach request pages. Each POST validates a form, calls one service and redirects; GET never writes."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breaches.forms.requests import (
    BreachRequestForm,
    DecideForm,
    RequestFilterForm,
    ReturnForm,
    SignForm,
    initial_from_query,
)
from breaches.models import BreachRequest, BreachRequestStatus, Decision
from breaches.rules import is_decider_for
from breaches.selectors import request_lists as lists
from breaches.selectors import requests as selectors
from breaches.services import requests as services
from datareturns.selectors import placements_using_breach_request
from rates.models import EngagementType, RoleGrade
from riia.errors import DomainError
from riia.models import LocalAuthority, Role
from riia.rules import is_chief_executive_of, is_dcs_of, is_workforce_lead_of
from riia.selectors import region_get


def _require_role(allowed: bool, who: str) -> None:
    """Refuse someone without the role before reading the form. The state (already signed, withdrawn
    meanwhile) is the service's to check, so that its refusal can say why."""
    if not allowed:
        raise PermissionDenied(f"Only {who} can do this.")


def _is_signatory(user, breach_request: BreachRequest) -> bool:
    la = breach_request.local_authority
    return is_dcs_of(user, la) or is_chief_executive_of(user, la)


PAGE_SIZE = 50


def _request_filter_form(request: HttpRequest, requests_qs, *, statuses, sorts, quarter_label) -> RequestFilterForm:
    return RequestFilterForm(
        request.GET or None,
        statuses=statuses,
        local_authorities=LocalAuthority.objects.filter(breach_requests__in=requests_qs).distinct().order_by("name"),
        role_grades=RoleGrade.objects.filter(breach_requests__in=requests_qs).distinct().order_by("display_order"),
        sorts=sorts,
        quarter_label=quarter_label,
    )


def _filtered_requests(request: HttpRequest):
    visible = selectors.breach_requests_visible_to(user=request.user)
    form = _request_filter_form(
        request,
        visible,
        statuses=BreachRequestStatus.choices,
        sorts=lists.REQUEST_SORTS,
        quarter_label="Quarter sent",
    )
    if form.is_bound and not form.is_valid():
        return form, visible.none()
    return form, lists.with_submitted_by(lists.breach_requests_filter(visible, form.filters()))


def _page_context(request: HttpRequest, queryset) -> dict:
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")), "query": query.urlencode()}


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    form, breach_requests = _filtered_requests(request)
    return render(
        request,
        "breaches/request_list.html",
        {
            "form": form,
            **_page_context(request, breach_requests),
            "can_start": selectors.local_authorities_where_lead(user=request.user).exists(),
            "audience": selectors.breach_request_audience(user=request.user),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@require_GET
def request_export(request: HttpRequest) -> StreamingHttpResponse:
    """The list as filtered on the page, every row (not one page), as CSV."""
    _form, breach_requests = _filtered_requests(request)
    return _csv_response(lists.breach_request_csv_rows(breach_requests.iterator(chunk_size=500)), "breach-requests")


def _request_form(request: HttpRequest, instance: BreachRequest | None = None) -> BreachRequestForm:
    las = selectors.local_authorities_where_lead(user=request.user)
    if instance is not None:
        las = las.filter(pk=instance.local_authority_id)
    if not las:
        raise PermissionDenied("Only a local authority's workforce lead can start or change a breach request.")
    role_grades = selectors.role_grades_for(local_authorities=las)
    initial = None
    if instance is not None:
        initial = {name: getattr(instance, name) for name in BreachRequestForm.base_fields if hasattr(instance, name)}
    elif request.method == "GET":
        # Pre-filled from the address, e.g. by the pre-offer check's "Start a breach request" link.
        initial = initial_from_query(request.GET, local_authorities=las, role_grades=role_grades)
    return BreachRequestForm(
        request.POST or None,
        initial=initial,
        local_authorities=las,
        role_grades=role_grades,
        complete=request.POST.get("action") == "continue",
    )


def _after_save(request: HttpRequest, breach_request: BreachRequest, *, created: bool = False) -> HttpResponse:
    if request.POST.get("action") == "continue":
        if created:
            # Checking the answers needs the request stored, so say so, and how to get rid of it.
            messages.info(
                request,
                f"We saved your answers as draft {breach_request.reference}. Nothing is sent until you "
                "choose 'Send for signature'. If you do not want to keep it, you can delete the draft.",
            )
        return redirect("breaches:request-check", pk=breach_request.pk)
    messages.success(request, f"Draft {breach_request.reference} saved. You can come back to it from your home page.")
    return redirect("breaches:request-detail", pk=breach_request.pk)


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    form = _request_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            breach_request = services.breach_request_create(
                actor=request.user, local_authority=form.cleaned_data["local_authority"], details=form.details()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _after_save(request, breach_request, created=True)
    return render(request, "breaches/request_form.html", {"form": form, "breach_request": None})


@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    if not request.user.has_perm("breaches.change_breachrequest", breach_request):
        raise PermissionDenied("This request cannot be changed now, or not by you.")
    form = _request_form(request, breach_request)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_request_update(breach_request=breach_request, actor=request.user, details=form.details())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _after_save(request, breach_request)
    return render(request, "breaches/request_form.html", {"form": form, "breach_request": breach_request})


def _check_context(request: HttpRequest, breach_request: BreachRequest) -> dict:
    cap = selectors.breach_request_cap(
        local_authority=breach_request.local_authority,
        role_grade=breach_request.role_grade,
        on=breach_request.contract_start,
        engagement_type=breach_request.engagement_type,
    )
    return {
        "breach_request": breach_request,
        "cap": cap,
        "over_by": cap.over_by(breach_request.proposed_rate) if cap else None,
        "over_by_percent": cap.over_by_percent(breach_request.proposed_rate) if cap else None,
        "similar": selectors.similar_breach_requests(
            user=request.user,
            local_authority=breach_request.local_authority,
            role_grade=breach_request.role_grade,
            proposed_rate=breach_request.proposed_rate,
            exclude_pk=breach_request.pk,
        ),
        "related": selectors.related_case_studies_for(user=request.user, breach_request=breach_request),
    }


@require_GET
def request_check(request: HttpRequest, pk: int) -> HttpResponse:
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    if not request.user.has_perm("breaches.change_breachrequest", breach_request):
        return redirect("breaches:request-detail", pk=pk)
    return render(request, "breaches/request_check.html", _check_context(request, breach_request))


@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    _require_role(is_workforce_lead_of(request.user, breach_request.local_authority), "the workforce lead")
    try:
        services.breach_request_submit(breach_request=breach_request, actor=request.user)
    except DomainError as error:
        context = _check_context(request, breach_request)
        return render(request, "breaches/request_check.html", {**context, "error": error}, status=400)
    messages.success(
        request, f"Breach request {breach_request.reference} sent to your DCS and chief executive to sign."
    )
    return redirect("breaches:request-detail", pk=pk)


def _render_detail(request: HttpRequest, breach_request: BreachRequest, status: int = 200, **forms) -> HttpResponse:
    history = selectors.breach_request_history(breach_request=breach_request)
    user = request.user
    roles = selectors.signing_roles_for(user=user, breach_request=breach_request, signatures=history["signatures"])
    can_sign = bool(roles) and user.has_perm("breaches.sign_breachrequest", breach_request)
    can_decide = user.has_perm("breaches.decide_breachrequest", breach_request)
    can_delete = user.has_perm("breaches.delete_breachrequest", breach_request)
    context = {
        "breach_request": breach_request,
        **history,
        "signature_lines": selectors.breach_request_signature_lines(
            breach_request=breach_request, signatures=history["signatures"]
        ),
        "waiting_for": selectors.breach_request_waiting_for(
            breach_request=breach_request, signatures=history["signatures"]
        ),
        "timeline": selectors.breach_request_timeline(breach_request=breach_request),
        "audience": selectors.breach_request_audience(user=user, breach_request=breach_request),
        "decision": getattr(breach_request, "decision", None),
        "can_edit": user.has_perm("breaches.change_breachrequest", breach_request),
        "can_delete": can_delete,
        "can_withdraw": not can_delete and user.has_perm("breaches.withdraw_breachrequest", breach_request),
        "can_sign": can_sign,
        # A form is offered only while its action is open: after someone else decided first, the
        # refused form's errors show in the summary, but not the form inviting a second decision.
        "return_form": (forms.get("return_form") or ReturnForm()) if can_sign or can_decide else None,
        "decide_form": (forms.get("decide_form") or DecideForm()) if can_decide else None,
        "related": selectors.related_case_studies_for(user=user, breach_request=breach_request),
        **_placements_using(user, breach_request),
    }
    context["errors_form"] = next((f for f in forms.values() if f is not None and f.errors), None)
    return render(request, "breaches/request_detail.html", context, status=status)


def _placements_using(user, breach_request: BreachRequest) -> dict:
    """The placements whose rate the request allows (those the person may see), and whether more use
    it than the number of roles it allowed."""
    placements = list(placements_using_breach_request(user=user, breach_request=breach_request))
    return {
        "placements_using": placements,
        "placements_over_roles": len(placements) > breach_request.number_of_roles,
    }


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.breach_request_get(user=request.user, pk=pk))


def _act_on_detail(
    request: HttpRequest, breach_request: BreachRequest, form, *, form_name: str, act, done: str
) -> HttpResponse:
    """A form posted from the request's page: when it is valid and ``act`` (one service call) succeeds,
    back to the page with ``done``; otherwise the page again with the form's errors, answering 400."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
            # Read the request again: a refusal is often because someone acted first (decided,
            # withdrew), and the page must show the request as it now stands, not as it was.
            breach_request = selectors.breach_request_get(user=request.user, pk=breach_request.pk)
        else:
            messages.success(request, done)
            return redirect("breaches:request-detail", pk=breach_request.pk)
    return _render_detail(request, breach_request, status=400, **{form_name: form})


@require_http_methods(["GET", "POST"])
def request_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-off confirmation page: the declaration, with the figures the signatory agrees to."""
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    _require_role(_is_signatory(request.user, breach_request), "the local authority's DCS or chief executive")
    history = selectors.breach_request_history(breach_request=breach_request)
    roles = selectors.signing_roles_for(
        user=request.user, breach_request=breach_request, signatures=history["signatures"]
    )
    if request.method == "GET":
        if not (roles and request.user.has_perm("breaches.sign_breachrequest", breach_request)):
            return redirect("breaches:request-detail", pk=pk)
        form = SignForm(roles=roles, breach_request=breach_request)
        return render(
            request, "breaches/request_sign.html", {"breach_request": breach_request, "form": form, "can_sign": True}
        )
    # The role posted is checked by the service, so a refusal says why (already signed, withdrawn).
    posted = request.POST.get("role", "")
    form = SignForm(request.POST, roles=[posted] if posted in Role.values else [], breach_request=breach_request)
    if form.is_valid():
        try:
            services.breach_request_sign(
                breach_request=breach_request,
                actor=request.user,
                role=form.cleaned_data["role"],
                declaration=form.declaration_text,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"You signed breach request {breach_request.reference}.")
            return redirect("breaches:request-detail", pk=pk)
    return _sign_refused(request, pk, form)


def _sign_refused(request: HttpRequest, pk: int, form: SignForm) -> HttpResponse:
    """The sign page again with the errors (400). The form is offered again only while this person may
    still sign: after someone signed first, or the request was withdrawn, the page says why and leads
    back to the request as it now stands."""
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    signatures = selectors.breach_request_history(breach_request=breach_request)["signatures"]
    can_sign = bool(
        selectors.signing_roles_for(user=request.user, breach_request=breach_request, signatures=signatures)
        and request.user.has_perm("breaches.sign_breachrequest", breach_request)
    )
    context = {"breach_request": breach_request, "form": form, "can_sign": can_sign}
    return render(request, "breaches/request_sign.html", context, status=400)


@require_http_methods(["GET", "POST"])
def request_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft that was never sent, after a confirmation page."""
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    _require_role(is_workforce_lead_of(request.user, breach_request.local_authority), "the workforce lead")
    if request.method == "POST":
        try:
            reference = services.breach_request_delete(breach_request=breach_request, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("breaches:request-detail", pk=pk)
        messages.success(request, f"Draft {reference} deleted.")
        return redirect("breaches:request-list")
    if not request.user.has_perm("breaches.delete_breachrequest", breach_request):
        return redirect("breaches:request-detail", pk=pk)
    return render(request, "breaches/request_delete.html", {"breach_request": breach_request})


@require_POST
def request_return(request: HttpRequest, pk: int) -> HttpResponse:
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    _require_role(
        _is_signatory(request.user, breach_request) or is_decider_for(request.user, breach_request.local_authority),
        "the local authority's DCS or chief executive, or the person who decides",
    )
    return _act_on_detail(
        request,
        breach_request,
        ReturnForm(request.POST),
        form_name="return_form",
        act=lambda data: services.breach_request_return(
            breach_request=breach_request, actor=request.user, comment=data["comment"]
        ),
        done=f"Breach request {breach_request.reference} returned to the workforce lead.",
    )


@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject; the decide form also offers "return for more information"."""
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    _require_role(is_decider_for(request.user, breach_request.local_authority), "the person who decides")

    def decide(data: dict) -> None:
        if data["outcome"] == DecideForm.RETURN:
            services.breach_request_return(breach_request=breach_request, actor=request.user, comment=data["comment"])
        else:
            services.breach_request_decide(
                breach_request=breach_request,
                actor=request.user,
                outcome=data["outcome"],
                conditions=data["conditions"],
                expires_on=data["expires_on"],
                comment=data["comment"],
            )

    return _act_on_detail(
        request,
        breach_request,
        DecideForm(request.POST),
        form_name="decide_form",
        act=decide,
        done=f"Your decision on {breach_request.reference} is recorded and every member LA is told.",
    )


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    breach_request = selectors.breach_request_get(user=request.user, pk=pk)
    try:
        services.breach_request_withdraw(breach_request=breach_request, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Breach request {breach_request.reference} withdrawn.")
    return redirect("breaches:request-detail", pk=pk)


def _filtered_decisions(request: HttpRequest, slug: str):
    region = region_get(user=request.user, slug=slug, perm="breaches.view_decisions")
    decisions = selectors.region_breach_decisions(user=request.user, region=region)
    requests_qs = BreachRequest.objects.filter(decision__in=decisions)
    form = _request_filter_form(
        request,
        requests_qs,
        statuses=Decision.Outcome.choices,
        sorts=lists.DECISION_SORTS,
        quarter_label="Quarter decided",
    )
    if form.is_bound and not form.is_valid():
        return region, form, decisions.none()
    filtered = lists.decisions_filter(decisions, form.filters())
    return region, form, lists.with_submitted_by(filtered, request_pk="breach_request_id")


@require_GET
def region_decisions(request: HttpRequest, slug: str) -> HttpResponse:
    region, form, decisions = _filtered_decisions(request, slug)
    return render(
        request,
        "breaches/request_decisions.html",
        {"region": region, "form": form, **_page_context(request, decisions)},
    )


@require_GET
def region_decisions_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    region, _form, decisions = _filtered_decisions(request, slug)

    def rows():
        for decision in decisions.iterator(chunk_size=500):
            breach_request = decision.breach_request
            breach_request.submitted_by = decision.submitted_by
            yield breach_request

    return _csv_response(lists.breach_request_csv_rows(rows()), f"breach-decisions-{region.slug}")


@require_GET
def cap_json(request: HttpRequest) -> JsonResponse:
    """The cap in force for the request form's live figures (the page computes over-by itself)."""
    try:
        la = get_object_or_404(LocalAuthority.objects.select_related("region"), pk=int(request.GET["local_authority"]))
        grade = get_object_or_404(RoleGrade, pk=int(request.GET["role_grade"]))
        on = date.fromisoformat(request.GET["contract_start"])
        engagement = request.GET.get("engagement_type") or EngagementType.LIMITED_COMPANY
        if engagement not in EngagementType.values:
            raise ValueError(engagement)
    except (KeyError, ValueError):
        return JsonResponse({"error": "Give local_authority, role_grade and contract_start (YYYY-MM-DD)."}, status=400)
    answer = selectors.breach_request_cap_for(
        user=request.user, local_authority=la, role_grade=grade, on=on, engagement_type=engagement
    )
    if answer is None:
        return JsonResponse({"cap": None, "message": f"There is no published cap for {grade} on {on:%-d %B %Y}."})
    return JsonResponse(
        {
            "cap": str(answer.cap),
            "allowed_rate": str(answer.allowed_rate),
            "exemption": answer.exemption_id is not None,
            "effective_from": answer.cap_effective_from.isoformat(),
            "url": reverse("breaches:request-cap"),
        }
    )
