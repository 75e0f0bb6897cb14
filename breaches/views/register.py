"""Pages of the breach register. Each POST validates a form, calls one service and redirects."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breaches.forms.register import BreachActionsForm, BreachRecordForm, DismissForm, RegisterFilterForm
from breaches.selectors import register as selectors
from breaches.services import register as services
from riia.errors import DomainError
from riia.models import Role
from riia.rules import holds_any

PAGE_SIZE = 50


def _require_register(request: HttpRequest) -> None:
    if not request.user.has_perm("breaches.view_breach_register"):
        raise PermissionDenied("Only local authority and regional staff have a breach register.")


def _filtered_register(request: HttpRequest):
    user = request.user
    staff = holds_any(user, Role.region_roles())
    form = RegisterFilterForm(
        request.GET or None,
        regions=selectors.register_regions_for(user=user),
        local_authorities=selectors.register_las_for(user=user),
        show_status=staff,
    )
    records = selectors.breach_records_visible_to(user=user)
    if form.is_bound:
        records = selectors.breach_records_filter(records, form.filters()) if form.is_valid() else records.none()
    return form, records


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    form, records = _filtered_register(request)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "breaches/register_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_record": selectors.las_recordable_by(user=request.user).exists(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def register_export(request: HttpRequest) -> StreamingHttpResponse:
    _require_register(request)
    _form, records = _filtered_register(request)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in selectors.breach_register_rows(records)), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="breach-register-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest) -> HttpResponse:
    las = selectors.las_recordable_by(user=request.user)
    if not las.exists():
        raise PermissionDenied("Only a local authority's workforce lead or the programme manager can record breaches.")
    form = BreachRecordForm(
        request.POST or None,
        local_authorities=las,
        breach_requests=selectors.approved_requests_for(local_authorities=las),
        initial={"local_authority": las.first() if las.count() == 1 else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.breach_record_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Breach recorded for {record.local_authority}.")
            return redirect("breaches:register-detail", pk=record.pk)
    return render(request, "breaches/register_form.html", {"form": form})


@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.breach_record_get(user=request.user, pk=pk)
    return render(
        request,
        "breaches/register_detail.html",
        {
            "record": record,
            "history": selectors.breach_record_history(record=record),
            "dismiss_form": DismissForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def record_actions(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.breach_record_get(user=request.user, pk=pk)
    if not request.user.has_perm("breaches.change_breachrecord", record):
        raise PermissionDenied("You cannot change the actions on this breach.")
    form = BreachActionsForm(
        request.POST or None, initial={"actions_taken": record.actions_taken, "prevents_repeat": record.prevents_repeat}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_record_update_actions(actor=request.user, breach_record=record, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Actions updated.")
            return redirect("breaches:register-detail", pk=record.pk)
    return render(request, "breaches/register_actions.html", {"form": form, "record": record})


@require_POST
def record_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.breach_record_get(user=request.user, pk=pk)
    try:
        services.breach_record_confirm(actor=request.user, breach_record=record)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Breach confirmed: it is now in the register.")
    return redirect("breaches:register-detail", pk=record.pk)


@require_http_methods(["GET", "POST"])
def record_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.breach_record_get(user=request.user, pk=pk)
    if not request.user.has_perm("breaches.review_breachrecord", record):
        raise PermissionDenied("Only the region's programme manager can dismiss a suggested breach.")
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_record_dismiss(actor=request.user, breach_record=record, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Suggestion dismissed.")
            return redirect("breaches:register-detail", pk=record.pk)
    return render(request, "breaches/register_dismiss.html", {"form": form, "record": record})
