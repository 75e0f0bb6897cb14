"""Rate card and exemption pages: validate, call one service, redirect. GET never writes."""

from __future__ import annotations

import csv
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rates import selectors, services
from rates.forms import (
    DraftStartForm,
    ExemptionForm,
    PublishForm,
    RevokeForm,
    UpliftForm,
    rate_card_lines_form,
)
from rates.lookup import paye_equivalent
from riia.errors import DomainError
from riia.selectors import region_get

GET_POST = require_http_methods(["GET", "POST"])


@require_GET
def rate_card(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm=selectors.VIEW)
    caps = selectors.region_caps(region=region)
    return render(
        request,
        "rates/rate_card.html",
        {
            "region": region,
            "today": timezone.localdate(),
            "caps": caps,
            "current_notes": {c.rate_card.notes for c in caps.current if c.rate_card and c.rate_card.notes},
            "upcoming": selectors.caps_by_effective_date(caps=caps.upcoming),
            "exemptions": selectors.exemptions_for_region(user=request.user, region=region),
            "drafts": selectors.rate_card_drafts(user=request.user, region=region),
            "can_manage": request.user.has_perm(selectors.MANAGE, region),
        },
    )


@require_GET
def caps_csv(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm=selectors.VIEW)
    caps = selectors.region_caps(region=region)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="price-caps-{region.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "region",
            "role_grade_code",
            "role_grade",
            "core_type",
            "limited_company_umbrella_hourly_cap",
            "paye_hourly_cap",
            "effective_from",
            "effective_to",
            "status",
        ]  # fmt: skip
    )
    for status, rows in (("current", caps.current), ("upcoming", caps.upcoming), ("ended", caps.history)):
        for cap in rows:
            grade = cap.role_grade
            writer.writerow(
                [
                    region.name,
                    grade.code,
                    grade.name,
                    grade.core_type,
                    cap.hourly_rate,
                    cap.paye_hourly_rate,
                    cap.effective_from.isoformat(),
                    cap.effective_to.isoformat() if cap.effective_to else "",
                    status,
                ]  # fmt: skip
            )
    return response


@GET_POST
def draft_new(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm=selectors.MANAGE)
    form = DraftStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = services.rate_card_draft_create(
                region=region,
                actor=request.user,
                from_current=form.cleaned_data["start"] == "current",
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("rates:draft-edit", pk=card.pk)
    return render(request, "rates/draft_new.html", {"region": region, "form": form})


@GET_POST
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    card = selectors.rate_card_draft_get(user=request.user, pk=pk)
    grades = list(selectors.region_role_grades(region=card.region))
    initial = {f"grade_{line.role_grade_id}": line.hourly_rate for line in card.lines.all()}
    form = rate_card_lines_form(grades=grades, data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_card_lines_set(rate_card=card, actor=request.user, rates=form.rates())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("rates:draft-check", pk=card.pk)
    return render(request, "rates/draft_edit.html", {"card": card, "region": card.region, "form": form})


@GET_POST
def draft_uplift(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a percentage, see every new rate rounded to the penny, then save (two POSTs)."""
    card = selectors.rate_card_draft_get(user=request.user, pk=pk)
    form = UpliftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        percent = form.cleaned_data["percent"]
        try:
            if request.POST.get("confirm") == "yes":
                services.rate_card_uplift(rate_card=card, actor=request.user, percent=percent)
                messages.success(request, f"Every role uplifted by {percent}%.")
                return redirect("rates:draft-edit", pk=card.pk)
            preview = services.rate_card_uplift_preview(rate_card=card, percent=percent)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            latest = selectors.latest_caps_by_grade(region=card.region)
            rows = [(line, latest.get(line.role_grade.pk), _change(latest, line, new=True)) for line in preview]
            context = {"card": card, "region": card.region, "percent": percent, "rows": rows}
            return render(request, "rates/uplift_preview.html", context)
    return render(request, "rates/uplift.html", {"card": card, "region": card.region, "form": form})


def _change(latest: dict, line, *, new: bool = False) -> Decimal | None:
    """The percentage change of a draft line from the role's latest published cap, to 0.1%."""
    cap = latest.get(line.role_grade.pk)
    rate = line.new_hourly_rate if new else line.hourly_rate
    if cap is None:
        return None
    return ((rate - cap.hourly_rate) * 100 / cap.hourly_rate).quantize(Decimal("0.1"))


@GET_POST
def draft_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then publish with an effective date."""
    card = selectors.rate_card_draft_get(user=request.user, pk=pk)
    form = PublishForm(request.POST or None, example=selectors.publish_date_example(region=card.region))
    if request.method == "POST" and form.is_valid():
        effective_from = form.cleaned_data["effective_from"]
        try:
            services.rate_card_publish(rate_card=card, actor=request.user, effective_from=effective_from)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Rate card published. The new caps take effect on {effective_from:%-d %B %Y}; every local "
                f"authority in {card.region} has been told.",
            )
            return redirect("rates:region", slug=card.region.slug)
    latest = selectors.latest_caps_by_grade(region=card.region)
    lines = [
        (line, paye_equivalent(line.hourly_rate), latest.get(line.role_grade_id), _change(latest, line))
        for line in card.lines.select_related("role_grade")
    ]
    missing = services.rate_card_missing_core_roles(rate_card=card)
    context = {"card": card, "region": card.region, "form": form, "lines": lines, "missing": missing}
    return render(request, "rates/draft_check.html", context)


@GET_POST
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    card = selectors.rate_card_draft_get(user=request.user, pk=pk)
    if request.method == "POST":
        services.rate_card_discard(rate_card=card, actor=request.user)
        messages.success(request, "Draft rate card discarded.")
        return redirect("rates:region", slug=card.region.slug)
    return render(request, "rates/draft_discard.html", {"card": card, "region": card.region})


@GET_POST
def exemption_new(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm=selectors.MANAGE_EXEMPTION)
    form = ExemptionForm(
        request.POST or None,
        region=region,
        las=selectors.region_local_authorities(region=region),
        grades=selectors.region_role_grades(region=region),
    )
    if request.method == "POST" and form.is_valid():
        try:
            exemption = services.exemption_record(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Exemption recorded for {exemption.local_authority}.")
            return redirect("rates:region", slug=region.slug)
    return render(request, "rates/exemption_new.html", {"region": region, "form": form})


@GET_POST
def exemption_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    exemption = selectors.exemption_get(user=request.user, pk=pk)
    region = exemption.local_authority.region
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_revoke(exemption=exemption, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Exemption for {exemption.local_authority} revoked.")
            return redirect("rates:region", slug=region.slug)
    return render(request, "rates/exemption_revoke.html", {"exemption": exemption, "region": region, "form": form})
