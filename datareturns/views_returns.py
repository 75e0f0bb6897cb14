"""Quarterly return pages. Each POST validates a form, calls one service and redirects; GET never writes.
Who may do what is the named rules' (datareturns/rules.py); whether the return's state allows it is
the service's to say."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breaches.selectors.register import recent_quarters
from datareturns import selectors_returns as selectors
from datareturns import services_returns as services
from datareturns.forms_returns import DueDateForm, RemindForm, ReopenForm, ReturnForm
from datareturns.models import Placement
from riia.errors import DomainError
from riia.models import Agency, LocalAuthority
from riia.selectors import region_get

QUARTERS_LISTED = 6


def _la(request: HttpRequest, la_code: str, quarter: str, perm: str | None = None, who: str = "") -> LocalAuthority:
    la = selectors.return_la_get(user=request.user, la_code=la_code, quarter=quarter)
    if perm is not None and not request.user.has_perm(perm, la):
        raise PermissionDenied(f"Only {who} can do this.")
    return la


def _to_detail(la: LocalAuthority, quarter: str) -> HttpResponse:
    return redirect("returns:detail", la_code=la.old_code, quarter=quarter)


def _existing(la: LocalAuthority, quarter: str):
    quarterly_return = selectors.return_find(local_authority=la, quarter=quarter)
    if quarterly_return is None:
        raise Http404("This return has not been started.")
    return quarterly_return


@require_GET
def return_index(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datareturns.use_returns"):
        raise PermissionDenied("Quarterly returns are for local authorities and programme managers.")
    quarters = recent_quarters(count=QUARTERS_LISTED)
    return render(
        request,
        "datareturns/return_index.html",
        {
            "rows": selectors.returns_for(user=request.user, quarters=quarters),
            "regions": selectors.managed_regions_for(user=request.user),
            "quarters": quarters,
        },
    )


@require_GET
def return_detail(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter)
    user = request.user
    context = selectors.return_overview(user=user, local_authority=la, quarter=quarter)
    context |= {
        "can_prepare": user.has_perm("datareturns.prepare_return", la),
        "can_sign_off": user.has_perm("datareturns.sign_off_return", la),
        "can_reopen": user.has_perm("datareturns.reopen_return", la),
    }
    return render(request, "datareturns/return_detail.html", context)


@require_POST
def return_start(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter, "datareturns.prepare_return", "the workforce lead")
    try:
        services.return_start(actor=request.user, local_authority=la, quarter=quarter)
    except DomainError as error:
        messages.error(request, error.message)
        return _to_detail(la, quarter)
    return redirect("returns:edit", la_code=la.old_code, quarter=quarter)


def _agencies_for(la: LocalAuthority):
    return Agency.objects.filter(pk__in=Placement.objects.filter(local_authority=la).values("agency_id")).order_by(
        "name"
    )


@require_http_methods(["GET", "POST"])
def return_edit(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter, "datareturns.prepare_return", "the workforce lead")
    quarterly_return = _existing(la, quarter)
    form = ReturnForm(request.POST or None, agencies=_agencies_for(la), quarterly_return=quarterly_return)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_update(actor=request.user, quarterly_return=quarterly_return, details=form.details())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if request.POST.get("action") == "continue":
                return redirect("returns:check", la_code=la.old_code, quarter=quarter)
            messages.success(request, f"Your changes to the {quarter} return are saved.")
            return _to_detail(la, quarter)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "datareturns/return_form.html",
        {"form": form, "la": la, "quarter": quarter, "quarterly_return": quarterly_return},
        status=status,
    )


def _check_context(request: HttpRequest, la: LocalAuthority, quarter: str) -> dict:
    return selectors.return_overview(user=request.user, local_authority=la, quarter=quarter)


@require_GET
def return_check(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter, "datareturns.prepare_return", "the workforce lead")
    _existing(la, quarter)
    return render(request, "datareturns/return_check.html", _check_context(request, la, quarter))


@require_POST
def return_submit(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter, "datareturns.prepare_return", "the workforce lead")
    quarterly_return = _existing(la, quarter)
    try:
        services.return_submit(actor=request.user, quarterly_return=quarterly_return)
    except DomainError as error:
        context = {**_check_context(request, la, quarter), "error": error}
        return render(request, "datareturns/return_check.html", context, status=400)
    messages.success(request, f"The {quarter} return is sent to your DCS to sign off.")
    return _to_detail(la, quarter)


@require_http_methods(["GET", "POST"])
def return_sign_off(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter, "datareturns.sign_off_return", "the local authority's DCS")
    quarterly_return = _existing(la, quarter)
    error = None
    if request.method == "POST":
        try:
            services.return_sign_off(actor=request.user, quarterly_return=quarterly_return)
        except DomainError as refused:
            error = refused
        else:
            messages.success(request, f"You signed off the {quarter} return of {la}. It is now locked.")
            return _to_detail(la, quarter)
    context = {**_check_context(request, la, quarter), "error": error}
    return render(request, "datareturns/return_sign_off.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def return_reopen(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter, "datareturns.reopen_return", "the region's programme manager")
    quarterly_return = _existing(la, quarter)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_reopen(
                actor=request.user, quarterly_return=quarterly_return, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"The {quarter} return of {la} is reopened; its workforce lead and DCS are told.")
            return _to_detail(la, quarter)
    return render(
        request,
        "datareturns/return_reopen.html",
        {"form": form, "la": la, "quarter": quarter, "quarterly_return": quarterly_return},
        status=400 if request.method == "POST" else 200,
    )


def _zip_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def return_export(request: HttpRequest, la_code: str, quarter: str) -> HttpResponse:
    la = _la(request, la_code, quarter)
    return _zip_response(
        selectors.return_export_zip(local_authority=la, quarter=quarter), f"return-{la.old_code}-{quarter}.zip"
    )


# --- The region's quarter (programme manager) -------------------------------------------------


def _region(request: HttpRequest, slug: str, quarter: str):
    if not selectors.is_quarter(quarter):
        raise Http404("That is not a quarter like 2025-Q1.")
    return region_get(user=request.user, slug=slug, perm="datareturns.manage_region_returns")


def _render_region(
    request: HttpRequest, region, quarter: str, *, due_form=None, remind_form=None, status: int = 200
) -> HttpResponse:
    due_on = selectors.due_date_for(region=region, quarter=quarter)
    return render(
        request,
        "datareturns/region_quarter.html",
        {
            "region": region,
            "quarter": quarter,
            "quarters": recent_quarters(count=QUARTERS_LISTED),
            "rows": selectors.region_quarter(user=request.user, region=region, quarter=quarter),
            "due_on": due_on,
            "due_form": due_form or DueDateForm(initial={"due_on": due_on}),
            "remind_form": remind_form,
        },
        status=status,
    )


@require_GET
def region_quarter(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    return _render_region(request, _region(request, slug, quarter), quarter)


@require_POST
def region_remind(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    region = _region(request, slug, quarter)
    form = RemindForm(request.POST, local_authorities=LocalAuthority.objects.filter(region=region))
    if not form.is_valid():
        return _render_region(request, region, quarter, remind_form=form, status=400)
    la = form.cleaned_data["local_authority"]
    try:
        sent = services.return_remind(actor=request.user, local_authority=la, quarter=quarter)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Reminder sent to {sent} {'person' if sent == 1 else 'people'} at {la}.")
    return redirect("returns:region-quarter", slug=slug, quarter=quarter)


@require_POST
def region_due_date(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    region = _region(request, slug, quarter)
    form = DueDateForm(request.POST)
    if form.is_valid():
        try:
            services.return_due_date_set(
                actor=request.user, region=region, quarter=quarter, due_on=form.cleaned_data["due_on"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Returns for {quarter} are now due on {form.cleaned_data['due_on']:%-d %B %Y}.")
            return redirect("returns:region-quarter", slug=slug, quarter=quarter)
    return _render_region(request, region, quarter, due_form=form, status=400)


@require_GET
def region_export(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    region = _region(request, slug, quarter)
    return _zip_response(
        selectors.region_quarter_export_zip(region=region, quarter=quarter), f"returns-{region.slug}-{quarter}.zip"
    )
