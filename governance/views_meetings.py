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


# --- The MOU register and induction ------------------------------------------------------------


@require_GET
def mou(request: HttpRequest, slug: str) -> HttpResponse:
    from governance.selectors_mou import mou_register

    region = region_get(user=request.user, slug=slug, perm="governance.view_region_governance")
    context = {
        "register": mou_register(region=region),
        "can_manage": request.user.has_perm("riia.manage_region", region),
        "can_sign": bool(_signable_las(request, region).exists()),
    }
    return render(request, "governance/mou.html", context)


@require_http_methods(["GET", "POST"])
def mou_version_add(request: HttpRequest, slug: str) -> HttpResponse:
    from governance.forms_meetings import MouVersionForm
    from governance.services_mou import mou_version_add as add

    region = region_get(user=request.user, slug=slug, perm="riia.manage_region")
    form = MouVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(actor=request.user, region=region, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "New version added. The region's DCSs and chief executives have been told.")
            return redirect("meetings:mou", slug=slug)
    return render(request, "governance/mou_form.html", {"form": form, "region": region})


def _signable_las(request: HttpRequest, region):
    from riia.models import LocalAuthority, Role
    from riia.rules import is_programme_manager_of, las_where

    if is_programme_manager_of(request.user, region):
        return region.local_authorities.order_by("name")
    ids = [la.pk for la in las_where(request.user, [Role.DCS, Role.CHIEF_EXECUTIVE]) if la.region_id == region.pk]
    return LocalAuthority.objects.filter(pk__in=ids).order_by("name")


@require_http_methods(["GET", "POST"])
def mou_sign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from governance.forms_meetings import MouSignForm
    from governance.selectors_mou import mou_version_get
    from governance.services_mou import mou_sign as sign

    region = region_get(user=request.user, slug=slug, perm="governance.view_region_governance")
    version = mou_version_get(region=region, pk=pk)
    las = _signable_las(request, region)
    if not las.exists():
        raise PermissionDenied("Only an LA's DCS or chief executive, or the programme manager, records a signature.")
    form = MouSignForm(request.POST or None, las=las)
    if request.method == "POST" and form.is_valid():
        try:
            sign(actor=request.user, version=version, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Signature recorded.")
            return redirect("meetings:mou", slug=slug)
    context = {"form": form, "title": f"Sign version {version.number} of the MOU", "region": region}
    return render(request, "governance/meeting_form.html", context)


@require_GET
def mou_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from django.http import FileResponse

    from governance.selectors_mou import mou_version_get

    region = region_get(user=request.user, slug=slug, perm="governance.view_region_governance")
    version = mou_version_get(region=region, pk=pk)
    return FileResponse(
        version.document.open("rb"),
        as_attachment=True,
        filename=version.document_name,
        content_type=version.document_content_type,
    )


@require_GET
def induction(request: HttpRequest, la_slug: str) -> HttpResponse:
    from django.shortcuts import get_object_or_404
    from django.utils import timezone

    from governance.selectors_mou import induction_for
    from rates.selectors import caps_on
    from riia.models import LocalAuthority

    la = get_object_or_404(LocalAuthority.objects.select_related("region"), slug=la_slug)
    if not request.user.has_perm("riia.view_localauthority", la) or not request.user.has_perm(
        "governance.view_region_governance", la.region
    ):
        raise PermissionDenied("The induction is for the LA's own people and the region's staff.")
    context = {
        "induction": induction_for(user=request.user, la=la),
        "caps": caps_on(region=la.region, on=timezone.localdate()),
    }
    return render(request, "governance/induction.html", context)
