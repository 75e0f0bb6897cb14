"""A region's KPIs on its benchmarking dashboard: the return due date and the RAG (red, amber, green)
status of an LA against the region's thresholds (``RegionKpiSettings``). Pure functions of figures
already read from a snapshot and the returns, so the page does no aggregation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from datareturns.models import RegionKpiSettings

GREEN, AMBER, RED, NOT_RATED = "green", "amber", "red", "not_rated"
RAG_LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red", NOT_RATED: "Not rated"}
RAG_TAGS = {GREEN: "govuk-tag--green", AMBER: "govuk-tag--orange", RED: "govuk-tag--red", NOT_RATED: "govuk-tag--grey"}
RAG_ORDER = {NOT_RATED: 0, GREEN: 1, AMBER: 2, RED: 3}


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def region_kpi_settings_for(region) -> RegionKpiSettings:
    """The region's thresholds, or the defaults (unsaved) when its programme manager has set none."""
    try:
        return region.kpi_settings
    except RegionKpiSettings.DoesNotExist:
        return RegionKpiSettings(region=region)


@dataclass(frozen=True)
class Rating:
    rag: str
    text: str

    @property
    def label(self) -> str:
        return RAG_LABELS[self.rag]

    @property
    def tag_class(self) -> str:
        return RAG_TAGS[self.rag]


def _band(value, green, amber) -> str:
    if value <= green:
        return GREEN
    return AMBER if value <= amber else RED


def rate_share_above_cap(share: Decimal | None, kpis: RegionKpiSettings) -> Rating:
    if share is None:
        return Rating(NOT_RATED, "No placements")
    return Rating(_band(share, kpis.share_above_cap_green, kpis.share_above_cap_amber), f"{share * 100:.1f}%")


def rate_unauthorised(count: int, kpis: RegionKpiSettings) -> Rating:
    return Rating(_band(count, kpis.unauthorised_green, kpis.unauthorised_amber), f"{count:,}")


def rate_return(
    *, due: date, signed_off_at: datetime | None, kpis: RegionKpiSettings, today: date | None = None
) -> Rating:
    """Signed off by the due date: green; late by up to ``return_late_amber_days``: amber; later, or
    still not signed off after that: red. Not yet due and not signed off: not rated."""
    if signed_off_at is not None:
        signed = timezone.localtime(signed_off_at).date()
        late = (signed - due).days
        if late <= 0:
            return Rating(GREEN, f"Signed off {signed:%-d %b %Y}")
        return Rating(AMBER if late <= kpis.return_late_amber_days else RED, f"Signed off {_days(late)} late")
    late = ((today or timezone.localdate()) - due).days
    if late <= 0:
        return Rating(NOT_RATED, f"Due {due:%-d %b %Y}")
    return Rating(AMBER if late <= kpis.return_late_amber_days else RED, f"Not signed off, {_days(late)} late")


def overall(ratings: list[Rating]) -> Rating:
    """The worst of an LA's ratings."""
    worst = max((r.rag for r in ratings), key=RAG_ORDER.__getitem__, default=NOT_RATED)
    return Rating(worst, RAG_LABELS[worst])
