"""Pages of sanction policies, sanctions and the training fund."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from breaches.forms.sanctions import (
    FundSpendForm,
    SanctionFilterForm,
    SanctionIssueForm,
    SanctionPaidForm,
    SanctionPolicyForm,
    SanctionWaiveForm,
)
from breaches.models import Sanction, SanctionPolicy
from breaches.selectors import sanctions as selectors
from breaches.services import sanctions as services
from riia.errors import DomainError
from riia.selectors import region_get

MANAGE_SANCTIONS = "breaches.manage_sanctions"


PAGE_SIZE = 50


@require_GET
def sanction_list(request: HttpRequest) -> HttpResponse:
    managed = selectors.managed_regions_for(user=request.user)
    form = SanctionFilterForm(request.GET or None)
    sanctions = selectors.sanctions_visible_to(user=request.user).order_by("-issued_on", "-pk")
    if form.is_bound:
        sanctions = selectors.sanctions_filter(sanctions, form.filters()) if form.is_valid() else sanctions.none()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "breaches/sanction_list.html",
        {
            "form": form,
            "page": Paginator(sanctions, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "managed": [(region, selectors.sanction_policies_for(region=region)) for region in managed],
        },
    )


@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm=MANAGE_SANCTIONS)
    form = SanctionPolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.sanction_policy_create(actor=request.user, region=region, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Policy added: {policy}.")
            return redirect("breaches:sanction-list")
    return render(request, "breaches/sanction_policy_form.html", {"form": form, "region": region})


@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.sanction_policy_get(user=request.user, pk=pk)
    initial = {f: getattr(policy, f) for f in ("name", "default_amount", "description", "is_active")}
    form = SanctionPolicyForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.sanction_policy_update(actor=request.user, policy=policy, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Policy updated: {policy.name}.")
            return redirect("breaches:sanction-list")
    return render(
        request, "breaches/sanction_policy_form.html", {"form": form, "region": policy.region, "policy": policy}
    )


@require_http_methods(["GET", "POST"])
def sanction_issue(request: HttpRequest, slug: str) -> HttpResponse:
    """Fill in, check your answers, then issue. The answers page re-posts the same fields with confirm."""
    region = region_get(user=request.user, slug=slug, perm=MANAGE_SANCTIONS)
    form = SanctionIssueForm(
        request.POST or None,
        initial={"breach_records": request.GET.getlist("breach")},
        region=region,
        policies=selectors.sanction_policies_for(region=region, active_only=True),
        breach_records=selectors.sanctionable_breach_records(region=region),
    )
    if request.method == "POST" and form.is_valid():
        if "confirm" in request.POST:
            try:
                sanction = services.sanction_issue(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Sanction issued to {sanction.target}. They have been told.")
                return redirect("breaches:sanction-detail", pk=sanction.pk)
        elif "change" not in request.POST:
            data = form.cleaned_data
            hidden = [
                (k, v)
                for k in request.POST
                if k not in ("csrfmiddlewaretoken", "change")
                for v in request.POST.getlist(k)
            ]
            policy: SanctionPolicy = data["policy"]
            amount = data["amount"] if data["amount"] is not None else policy.default_amount
            target = data["local_authority"] or data["msp"] or data["agency"]
            return render(
                request,
                "breaches/sanction_check.html",
                {"region": region, "data": data, "hidden": hidden, "amount": amount, "target": target},
            )
    return render(request, "breaches/sanction_form.html", {"form": form, "region": region})


@require_GET
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = selectors.sanction_get(user=request.user, pk=pk)
    return render(
        request,
        "breaches/sanction_detail.html",
        {
            "sanction": sanction,
            "breach_records": selectors.sanction_breach_records(sanction=sanction),
            "can_manage": request.user.has_perm("breaches.manage_sanctions", sanction.region),
        },
    )


def _transition(request: HttpRequest, pk: int, form_class, service, template: str, done: str) -> HttpResponse:
    sanction: Sanction = selectors.sanction_get(user=request.user, pk=pk)
    if not request.user.has_perm("breaches.manage_sanctions", sanction.region):
        raise PermissionDenied(f"Only the programme manager of {sanction.region} manages its sanctions.")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, sanction=sanction, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("breaches:sanction-detail", pk=sanction.pk)
    return render(request, template, {"form": form, "sanction": sanction})


@require_http_methods(["GET", "POST"])
def sanction_paid(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        SanctionPaidForm,
        services.sanction_mark_paid,
        "breaches/sanction_paid.html",
        "Fine marked as paid and added to the training fund.",
    )


@require_http_methods(["GET", "POST"])
def sanction_waive(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, SanctionWaiveForm, services.sanction_waive, "breaches/sanction_waive.html", "Sanction waived."
    )


@require_GET
def fund_index(request: HttpRequest) -> HttpResponse:
    regions = list(selectors.training_fund_regions_for(user=request.user))
    if len(regions) == 1:
        return redirect("breaches:fund-ledger", slug=regions[0].slug)
    return render(request, "breaches/fund_index.html", {"regions": regions})


@require_GET
def fund_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm="breaches.view_training_fund")
    return render(
        request,
        "breaches/fund_ledger.html",
        {
            "region": region,
            "entries": selectors.training_fund_ledger(region=region),
            "balance": selectors.training_fund_balance(region=region),
            "can_manage": request.user.has_perm("breaches.manage_sanctions", region),
        },
    )


@require_http_methods(["GET", "POST"])
def fund_spend(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm=MANAGE_SANCTIONS)
    form = FundSpendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_spend_record(actor=request.user, region=region, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Training spend recorded.")
            return redirect("breaches:fund-ledger", slug=region.slug)
    return render(
        request,
        "breaches/fund_spend.html",
        {"form": form, "region": region, "balance": selectors.training_fund_balance(region=region)},
    )
