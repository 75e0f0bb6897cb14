"""Home page panels of placement data: the latest uploads a person may see, and where placements
are paid above the cap without permission."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from datareturns.models import Flag, Upload
from datareturns.selectors import placements_visible_to, uploads_visible_to
from riia.home import HomeItem, HomePanel
from riia.models import Role, User
from riia.rules import current_memberships


def _describe(upload: Upload) -> str:
    above = upload.flags.get(Flag.ABOVE_CAP_UNAUTHORISED, 0)
    flagged = f", {above} above the cap without permission" if above else ""
    rows = f"{upload.rows:,} row{'' if upload.rows == 1 else 's'}"
    return f"{upload.received_at:%-d %B %Y}, {upload.sender_name}: {rows}{flagged}"


def panels_for(user: User) -> list[HomePanel]:
    roles = {m.role for m in current_memberships(user)}
    panels: list[HomePanel] = []
    if roles & {Role.MSP_UPLOADER, Role.MSP_VIEWER, Role.WORKFORCE_LEAD, Role.PROGRAMME_MANAGER}:
        uploads = uploads_visible_to(user=user).filter(status=Upload.Status.COMPLETE)[:5]
        panels.append(
            HomePanel(
                title="Latest placement data",
                items=[
                    HomeItem(_describe(u), reverse("datareturns:upload-detail", args=[u.pk]), u.get_kind_display())
                    for u in uploads
                ],
                empty_text="No placement data has been sent yet.",
                more_url=reverse("datareturns:upload-list"),
                more_text="All uploads",
            )
        )
    if roles & {Role.WORKFORCE_LEAD, Role.DCS, Role.CHIEF_EXECUTIVE, Role.PROGRAMME_MANAGER}:
        above = (
            placements_visible_to(user=user, flag=Flag.ABOVE_CAP_UNAUTHORISED)
            .values("local_authority__name", "local_authority__old_code")
            .annotate(count=Count("pk"))
            .order_by("-count", "local_authority__name")[:10]
        )
        list_url = reverse("datareturns:placement-list")
        panels.append(
            HomePanel(
                title="Placements above the cap without permission",
                items=[
                    HomeItem(
                        f"{row['local_authority__name']}: {row['count']:,}",
                        f"{list_url}?flag={Flag.ABOVE_CAP_UNAUTHORISED}&local_authority={row['local_authority__old_code']}",
                    )
                    for row in above
                ],
                empty_text="No placement is paid above the cap without permission.",
            )
        )
    return panels


def return_panels_for(user: User) -> list[HomePanel]:
    """The workforce lead's returns to complete or submit and the DCS's returns to sign off, for the
    quarters whose returns are open (the last two ended quarters), and the programme manager's
    region quarter."""
    from breaches.selectors.register import recent_quarters
    from datareturns.selectors_returns import managed_regions_for, returns_for

    roles = {m.role for m in current_memberships(user)}
    panels: list[HomePanel] = []
    quarters = recent_quarters(count=3)[1:]  # the quarters that have ended, newest first
    if roles & {Role.WORKFORCE_LEAD, Role.DCS}:
        items = []
        for row in returns_for(user=user, quarters=quarters):
            la = row["la"]
            stored = row["return"].status if row["return"] else "not_started"
            url = reverse("returns:detail", args=[la.old_code, row["quarter"]])
            due = f"due {row['due_on']:%-d %B %Y}"
            lead_todo = stored in ("not_started", "in_progress") and user.has_perm("datareturns.prepare_return", la)
            dcs_todo = stored == "awaiting_sign_off" and user.has_perm("datareturns.sign_off_return", la)
            if lead_todo:
                verb = "Start" if stored == "not_started" else "Complete and submit"
                items.append(
                    HomeItem(f"{verb} the {row['quarter']} return of {la.name} ({due})", url, row["status_label"])
                )
            elif dcs_todo:
                items.append(HomeItem(f"Sign off the {row['quarter']} return of {la.name} ({due})", url, "To sign off"))
        panels.append(
            HomePanel(
                title="Quarterly returns to do",
                items=items,
                empty_text="No quarterly return is waiting for you.",
                more_url=reverse("returns:index"),
                more_text="All quarterly returns",
            )
        )
    if Role.PROGRAMME_MANAGER in roles and quarters:
        panels.append(
            HomePanel(
                title="Quarterly returns of your region",
                items=[
                    HomeItem(
                        f"{region.name}: {quarters[0]}",
                        reverse("returns:region-quarter", args=[region.slug, quarters[0]]),
                    )
                    for region in managed_regions_for(user=user)
                ],
                more_url=reverse("returns:index"),
                more_text="All quarterly returns",
            )
        )
    return panels
