"""The audit trail export (``/audit/export/``): a service administrator picks a date range and gets
every audit record in it as CSV, streamed, for information-governance requests."""

import csv
import json

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from riia import selectors
from riia.forms_audit import AuditExportForm
from riia.services_audit import audit_trail_export_record

CSV_HEADER = ["created_at", "actor_label", "action", "object_type", "object_id", "object_repr", "before", "after"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """Text for a spreadsheet: a leading = + - @ would run as a formula in Excel, so it is quoted."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def audit_csv_rows(records):
    """The header, then one row per record, read in chunks (a year of records never sits in memory)."""
    yield CSV_HEADER
    fields = ("created_at", "actor_label", "action", "content_type__app_label", "content_type__model")
    for created, actor, action, app, model, object_id, object_repr, before, after in records.values_list(
        *fields, "object_id", "object_repr", "before", "after"
    ).iterator(chunk_size=2000):
        object_type = f"{app}.{model}" if app else ""
        yield [
            created.isoformat(),
            *(_cell(v) for v in (actor, action, object_type, object_id, object_repr)),
            _cell(_json(before)),
            _cell(_json(after)),
        ]


@require_http_methods(["GET", "POST"])
def audit_export(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST answers the CSV (a POST, because the export is audited)."""
    if not request.user.has_perm("riia.export_audit_trail"):
        raise PermissionDenied("Only service administrators can export the audit trail.")
    form = AuditExportForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "riia/audit_export.html", {"form": form}, status=400 if form.is_bound else 200)
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    records = selectors.audit_records_in_range(user=request.user, date_from=start, date_to=end)
    audit_trail_export_record(actor=request.user, date_from=start, date_to=end, rows=records.count())
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(r) for r in audit_csv_rows(records)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"'
    return response
