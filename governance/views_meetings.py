"""Thin views of governance meetings, the region governance page and the contact directory."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import selectors_meetings as selectors
from governance import services_meetings as services
from governance.forms_meetings import ActionForm, AttendeeForm, MeetingForm, MinutesForm
from governance.models import MeetingAction
from riia.errors import DomainError
from riia.selectors import region_get


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("You cannot do that for this meeting.")


@require_GET
def region(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug)
    meetings = selectors.meetings_visible_to(user=request.user, region=region)
    return render(
        request,
        "governance/region.html",
        {
            "region": region,
            "meetings": meetings,
            "approved": meetings.filter(minutes_approved_at__isnull=False, scope="sub_regional"),
            "can_add": request.user.has_perm("governance.add_meeting", region),
            "can_directory": request.user.has_perm("governance.view_region_governance", region),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm="governance.add_meeting")
    form = MeetingForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, region=region, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Meeting added. You chair it.")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "governance/meeting_form.html", {"form": form, "title": "Add a meeting", "region": region})


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "governance/meeting_detail.html", {"meeting": meeting})


def _step(request: HttpRequest, pk: int, *, form_class, call, title: str, done: str, initial=None) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _require(request, "governance.run_meeting", meeting)
    form = form_class(request.POST or None, meeting=meeting, initial=initial(meeting) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            call(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("meetings:detail", pk=pk)
    return render(request, "governance/meeting_form.html", {"form": form, "title": title, "meeting": meeting})


class _MinutesForm(MinutesForm):
    def __init__(self, *args, meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)


@require_http_methods(["GET", "POST"])
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=AttendeeForm,
        call=services.meeting_attendee_add,
        title="Add an attendee",
        done="Attendee added.",
    )


@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=_MinutesForm,
        call=services.meeting_minutes_record,
        title="Agenda, minutes and decisions",
        done="Minutes saved.",
        initial=lambda m: {"agenda": m.agenda, "minutes": m.minutes, "decisions": m.decisions},
    )


@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        form_class=ActionForm,
        call=services.meeting_action_add,
        title="Add an action",
        done="Action added. Its owner has been told.",
    )


@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _require(request, "governance.approve_minutes", meeting)
    if request.method == "POST":
        try:
            services.meeting_minutes_approve(actor=request.user, meeting=meeting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Minutes approved and shared.")
        return redirect("meetings:detail", pk=pk)
    return render(request, "governance/meeting_approve.html", {"meeting": meeting})


@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = MeetingAction.objects.select_related("meeting__region").filter(pk=pk).first()
    if action is None or not request.user.has_perm("governance.view_meeting", action.meeting):
        raise PermissionDenied("You cannot see this action.")
    try:
        services.meeting_action_complete(actor=request.user, action=action)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Action marked done.")
    return redirect("meetings:detail", pk=action.meeting_id)


@require_GET
def directory(request: HttpRequest, slug: str) -> HttpResponse:
    region = region_get(user=request.user, slug=slug, perm="governance.view_region_governance")
    return render(
        request, "governance/directory.html", {"region": region, "entries": selectors.region_directory(region=region)}
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def directory_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    region = region_get(user=request.user, slug=slug, perm="governance.view_region_governance")
    writer = csv.writer(_Echo())
    rows = selectors.region_directory_rows(selectors.region_directory(region=region))
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{region.slug}-contacts.csv"'
    return response


# --- The quarterly MSP meeting pack ------------------------------------------------------------


@require_GET
def pack(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    from governance.selectors_pack import meeting_pack

    region = region_get(user=request.user, slug=slug)
    contents = meeting_pack(user=request.user, region=region, quarter=quarter)
    can_manage = request.user.has_perm("riia.manage_region", region)
    return render(request, "governance/pack.html", {"pack": contents, "can_manage": can_manage})


@require_GET
def pack_export(request: HttpRequest, slug: str, quarter: str) -> StreamingHttpResponse:
    from governance.selectors_pack import meeting_pack, pack_csv_rows

    region = region_get(user=request.user, slug=slug)
    contents = meeting_pack(user=request.user, region=region, quarter=quarter)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in pack_csv_rows(contents)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{region.slug}-{quarter}-msp-meeting-pack.csv"'
    return response


@require_http_methods(["GET", "POST"])
def pack_notes(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    from governance.forms_meetings import PackNotesForm
    from governance.selectors_pack import pack_find
    from governance.services_pack import meeting_pack_notes_save

    region = region_get(user=request.user, slug=slug, perm="riia.manage_region")
    form = PackNotesForm(request.POST or None, region=region, pack=pack_find(region=region, quarter=quarter))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_pack_notes_save(
                actor=request.user,
                region=region,
                quarter=quarter,
                notes=form.cleaned_data["notes"],
                la_notes=form.la_notes(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Notes saved.")
            return redirect("meetings:pack", slug=slug, quarter=quarter)
    context = {"form": form, "title": f"Notes for the {quarter} MSP meeting pack", "region": region}
    return render(request, "governance/meeting_form.html", context)


@require_http_methods(["GET", "POST"])
def pack_share(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    from governance.services_pack import meeting_pack_share

    region = region_get(user=request.user, slug=slug, perm="riia.manage_region")
    if request.method == "POST":
        try:
            meeting_pack_share(actor=request.user, region=region, quarter=quarter)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Pack shared with the MSPs and the region's LAs.")
        return redirect("meetings:pack", slug=slug, quarter=quarter)
    return render(request, "governance/pack_share.html", {"region": region, "quarter": quarter})
