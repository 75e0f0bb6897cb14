"""Placement data pages. GET never writes; an upload POST calls one service and redirects.

Who sees what is decided by the selectors (scoped reads) and the named rules in datareturns/rules.py."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from datareturns import selectors, services
from datareturns.forms import PlacementFilterForm, UploadForm
from datareturns.models import Flag, Upload
from datareturns.validation import LABELS

PAGE_SIZE = 50
SUMMARY_ERRORS = 50  # row errors listed on the page; every error is in the CSV
ERRORS_KEPT_SECONDS = 60 * 60


def _require_placement_data(request: HttpRequest) -> None:
    if not request.user.has_perm("datareturns.use_placement_data"):
        raise PermissionDenied("Placement data is for local authorities, MSPs and programme managers.")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filtered_placements(request: HttpRequest):
    user = request.user
    form = PlacementFilterForm(
        request.GET or None,
        local_authorities=selectors.placement_las_for(user),
        role_grades=selectors.placement_role_grades_for(user),
        agencies=selectors.placement_agencies_for(user),
    )
    if not form.is_bound:
        return form, selectors.placements_visible_to(user)
    if not form.is_valid():
        return form, selectors.placements_visible_to(user).none()
    return form, selectors.placements_visible_to(user, **form.filters())


@require_GET
def placement_list(request: HttpRequest) -> HttpResponse:
    _require_placement_data(request)
    form, placements = _filtered_placements(request)
    page = Paginator(placements.order_by("-start_date", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    entries = selectors.placement_breach_records(request.user, rows)
    for placement in rows:
        placement.register_entry = entries.get(placement.pk)
    user = request.user
    return render(
        request,
        "datareturns/placement_list.html",
        {
            "form": form,
            "page": page,
            "placements": rows,
            "query": _query_without_page(request),
            "upload_filter": form.cleaned_data.get("upload") if form.is_bound and form.is_valid() else None,
            "can_upload_placements": bool(selectors.placement_upload_las_for(user)),
            "can_upload_leavers": bool(selectors.leaver_upload_las_for(user)),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def placement_export(request: HttpRequest) -> StreamingHttpResponse:
    _require_placement_data(request)
    _form, placements = _filtered_placements(request)
    return _csv_response(
        selectors.placement_csv_rows(placements.order_by("-start_date", "pk")),
        f"placements-{timezone.localdate():%Y-%m-%d}.csv",
    )


@require_GET
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get(request.user, pk=pk)
    entry = selectors.placement_breach_records(request.user, [placement]).get(placement.pk)
    breach_request = placement.breach_request
    return render(
        request,
        "datareturns/placement_detail.html",
        {
            "placement": placement,
            "register_entry": entry,
            "can_view_breach_request": breach_request is not None
            and request.user.has_perm("breaches.view_breachrequest", breach_request),
            "can_view_upload": selectors.uploads_visible_to(request.user).filter(pk=placement.upload_id).exists(),
            "history": selectors.placement_history(placement=placement),
        },
    )


@require_GET
def upload_list(request: HttpRequest) -> HttpResponse:
    _require_placement_data(request)
    uploads = selectors.uploads_visible_to(request.user)
    page = Paginator(uploads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "datareturns/upload_list.html", {"page": page})


@require_GET
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = selectors.upload_get(request.user, pk=pk)
    flags = [(code, label, upload.flags.get(code, 0)) for code, label in Flag.choices]
    rechecked = (upload.response or {}).get("placements_rechecked")
    return render(request, "datareturns/upload_detail.html", {"upload": upload, "flags": flags, "rechecked": rechecked})


@require_GET
def leaver_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datareturns.view_leavers"):
        raise PermissionDenied("Permanent leavers are seen by their local authority and its programme manager.")
    leavers = selectors.leavers_visible_to(request.user).order_by("-leave_date", "pk")
    page = Paginator(leavers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "datareturns/leaver_list.html",
        {"page": page, "can_upload_leavers": bool(selectors.leaver_upload_las_for(request.user))},
    )


# --- Uploading in the browser -------------------------------------------------------------------


@dataclass(frozen=True)
class _UploadKind:
    kind: str
    title: str
    hint: str
    local_authorities: Callable
    create: Callable
    refusal: str


PLACEMENTS = _UploadKind(
    kind=Upload.Kind.PLACEMENTS,
    title="Upload placements",
    hint="The same columns as the MSP upload, with a header row. Save a spreadsheet as “CSV UTF-8”.",
    local_authorities=selectors.placement_upload_las_for,
    create=services.placement_upload_create,
    refusal="Only a local authority's workforce lead can upload its placements.",
)
LEAVERS = _UploadKind(
    kind=Upload.Kind.LEAVERS,
    title="Upload permanent leavers",
    hint="Columns la_code, worker_registration, leave_date and leave_reason, with a header row.",
    local_authorities=selectors.leaver_upload_las_for,
    create=services.leaver_upload_create,
    refusal="Only a local authority's workforce lead can upload its permanent leavers.",
)


def _error_line(error: dict) -> str:
    """ "Row 12, hourly pay rate: Enter the hourly pay rate ..." """
    where = []
    if error.get("row") is not None:
        where.append(f"Row {error['row']}")
    if error.get("field"):
        where.append(LABELS.get(error["field"], error["field"].replace("_", " ")))
    return f"{', '.join(where)}: {error['message']}" if where else error["message"]


def _errors_keep(request: HttpRequest, error: services.UploadError) -> str:
    """Keep every error for an hour under an unguessable token, for this person only: nothing about a
    refused upload is stored in the database."""
    token = secrets.token_urlsafe(32)
    cache.set(
        f"datareturns:upload-errors:{token}",
        {"user": request.user.pk, "errors": error.errors, "error_count": error.error_count},
        ERRORS_KEPT_SECONDS,
    )
    return token


def _upload_page(request: HttpRequest, what: _UploadKind) -> HttpResponse:
    las = what.local_authorities(request.user)
    if not las:
        raise PermissionDenied(what.refusal)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = UploadForm(*data, local_authorities=las, hint=what.hint)
    context = {"form": form, "what": what, "row_errors": [], "error_count": 0, "errors_token": None}
    if request.method == "POST" and form.is_valid():
        source = services.UploadSource(local_authority=form.chosen_local_authority(), user=request.user)
        try:
            answer = _send(form.cleaned_data["file"], source=source, create=what.create)
        except services.UploadError as error:
            _show_upload_error(request, form, error, context)
        else:
            if "duplicate_of" in answer.body:
                messages.info(request, "This file was uploaded before: nothing new was stored.")
            return redirect("datareturns:upload-detail", pk=answer.upload.pk)
    return render(request, "datareturns/upload_form.html", context, status=400 if form.errors else 200)


def _send(file, *, source: services.UploadSource, create: Callable) -> services.UploadAnswer:
    body = services.upload_body_spool(file, declared_length=file.size)
    with body.file:
        # The page takes CSV only (clean_file), whatever content type the browser guessed.
        return create(source=source, body=body, content_type="text/csv")


def _show_upload_error(request: HttpRequest, form: UploadForm, error: services.UploadError, context: dict) -> None:
    row_errors = [e for e in error.errors if e.get("row") is not None]
    if not row_errors:
        form.add_error("file", " ".join(e["message"] for e in error.errors))
        return
    count = error.error_count
    form.add_error(
        "file",
        f"The file has {count:,} error{'s' if count != 1 else ''}, so nothing was stored. "
        "Correct the file and upload it again",
    )
    context.update(
        row_errors=[_error_line(e) for e in error.errors[:SUMMARY_ERRORS]],
        error_count=count,
        errors_token=_errors_keep(request, error),
    )


@require_http_methods(["GET", "POST"])
def placement_upload(request: HttpRequest) -> HttpResponse:
    return _upload_page(request, PLACEMENTS)


@require_http_methods(["GET", "POST"])
def leaver_upload(request: HttpRequest) -> HttpResponse:
    return _upload_page(request, LEAVERS)


@require_GET
def upload_errors(request: HttpRequest, token: str) -> StreamingHttpResponse:
    """The errors of a refused upload as CSV, for the person who uploaded it, for an hour."""
    kept = cache.get(f"datareturns:upload-errors:{token}")
    if kept is None or kept["user"] != request.user.pk:
        raise Http404("This list of errors has expired or is not yours. Upload the file again to see them.")

    def rows():
        yield ["row", "field", "value", "message"]
        for e in kept["errors"]:
            yield [selectors.spreadsheet_cell(e.get(k)) for k in ("row", "field", "value", "message")]
        if kept["error_count"] > len(kept["errors"]):
            yield ["", "", "", f"The first {len(kept['errors']):,} of {kept['error_count']:,} errors are listed."]

    return _csv_response(rows(), f"upload-errors-{timezone.localdate():%Y-%m-%d}.csv")
