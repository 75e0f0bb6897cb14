"""The pre-offer check on a page, and the counts of checks a programme manager sees.

The page POSTs one proposed placement and answers on the same request (no redirect): the answer is
not stored anywhere, so there is nothing to redirect to, and the registration number is never put
in an address, a session or a log (``sensitive_post_parameters`` keeps it out of error reports)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from breaches.selectors.requests import local_authorities_where_lead
from datareturns import prechecks
from datareturns.api.throttling import check_wait
from datareturns.forms import PlacementCheckForm
from datareturns.models import Flag
from datareturns.selectors_prechecks import check_role_grades_for, check_scope_for, check_tallies_visible_to
from rates.models import EngagementType

PAGE_SIZE = 100


def _breach_request_link(checked: prechecks.CheckedRow) -> str:
    """The new breach request form, pre-filled from the checked placement (never the worker)."""
    query = {
        "local_authority": checked.local_authority_id,
        "role_grade": checked.role_grade_id,
        "engagement_type": checked.engagement_type,
        "proposed_rate": f"{checked.hourly_pay_rate:.2f}",
        "number_of_roles": 1,
        "contract_start": checked.start_date.isoformat(),
    }
    if checked.end_date:
        query["contract_end"] = checked.end_date.isoformat()
    if checked.project_team:
        query["is_project_team"] = "1"
    return f"{reverse('breaches:request-new')}?{urlencode(query)}"


@sensitive_post_parameters("worker_registration")
@require_http_methods(["GET", "POST"])
def placement_check(request: HttpRequest) -> HttpResponse:
    scope = check_scope_for(user=request.user) if request.user.has_perm("datareturns.check_placements") else None
    if scope is None:
        raise PermissionDenied("The pre-offer check is for an MSP's uploaders and an LA's workforce leads.")
    form = PlacementCheckForm(
        request.POST or None,
        local_authorities=scope.local_authorities,
        role_grades=check_role_grades_for(local_authorities=scope.local_authorities),
    )
    if request.method == "POST" and form.is_valid():
        wait = check_wait(request)
        if wait is not None:
            response = render(request, "datareturns/check_throttled.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        la = form.chosen_local_authority()
        source = scope.source(local_authority=la, user=request.user)
        [checked] = prechecks.placements_check(source=source, rows=[(1, form.row())]).results
        prechecks.check_tally_add(source=source, rows=1)
        if checked.valid:
            return _answer(
                request, checked, la=la, role_name=dict(form.fields["role"].choices)[form.cleaned_data["role"]]
            )
        form.add_row_errors(checked.errors)
    return render(
        request, "datareturns/check_form.html", {"form": form, "scope": scope}, status=400 if form.errors else 200
    )


def _answer(request: HttpRequest, checked: prechecks.CheckedRow, *, la, role_name: str) -> HttpResponse:
    above_cap_unauthorised = Flag.ABOVE_CAP_UNAUTHORISED in checked.flags
    # Only the LA's workforce lead can ask for a breach; an MSP user is told so instead.
    can_request = above_cap_unauthorised and local_authorities_where_lead(user=request.user).filter(pk=la.pk).exists()
    return render(
        request,
        "datareturns/check_answer.html",
        {
            "checked": checked,
            "local_authority": la,
            "role_name": role_name,
            "engagement": EngagementType(checked.engagement_type).label,
            "flags": [(code, label, checked.flags[code]) for code, label in Flag.choices if code in checked.flags],
            "breach_request_link": _breach_request_link(checked) if can_request else None,
            "above_cap_unauthorised": above_cap_unauthorised,
        },
    )


@require_GET
def check_tallies(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datareturns.view_check_tallies"):
        raise PermissionDenied("How often checks are made is for the region's programme manager.")
    tallies = check_tallies_visible_to(user=request.user)
    page = Paginator(tallies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "datareturns/check_tallies.html", {"page": page})
