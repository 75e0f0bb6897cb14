"""Placement data pages. GET never writes; each POST calls one service and redirects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from datareturns.selectors import placements_visible_to

PAGE_SIZE = 50


@require_GET
def placement_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datareturns.use_placement_data"):
        raise PermissionDenied("Placement data is for local authorities, MSPs and programme managers.")
    placements = placements_visible_to(request.user).order_by("-start_date", "pk")
    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "datareturns/placement_list.html", {"page": page})
