"""A region's KPI thresholds: the due-date rule, the RAG ratings, the audited settings service and
its page (the region's programme manager only)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from datareturns import kpis
from datareturns.models import RegionKpiSettings
from datareturns.selectors_returns import default_due_date
from datareturns.services_kpis import region_kpi_settings_update
from riia.errors import DomainError
from riia.models import AuditRecord

DEFAULTS = RegionKpiSettings()


@pytest.mark.parametrize(
    "quarter, due",
    [
        ("2025-Q1", date(2025, 5, 31)),
        ("2025-Q2", date(2025, 8, 31)),
        ("2025-Q3", date(2025, 11, 30)),
        ("2025-Q4", date(2026, 2, 28)),
        ("2023-Q4", date(2024, 2, 29)),
    ],
)
def test_a_return_is_due_on_the_last_day_of_the_second_month_after_the_quarter(quarter, due):
    assert default_due_date(quarter) == due


@pytest.mark.parametrize(
    "share, rag",
    [
        (Decimal("0"), "green"),
        (Decimal("0.05"), "green"),
        (Decimal("0.0501"), "amber"),
        (Decimal("0.1"), "amber"),
        (Decimal("0.1001"), "red"),
    ],
)
def test_share_above_cap_bands_include_their_limits(share, rag):
    assert kpis.rate_share_above_cap(share, DEFAULTS).rag == rag


def test_no_placements_is_not_rated():
    assert kpis.rate_share_above_cap(None, DEFAULTS) == kpis.Rating("not_rated", "No placements")


@pytest.mark.parametrize("count, rag", [(0, "green"), (1, "amber"), (2, "amber"), (3, "red")])
def test_unauthorised_breaches_bands(count, rag):
    assert kpis.rate_unauthorised(count, DEFAULTS).rag == rag


@pytest.mark.parametrize(
    "signed, today, rag, text",
    [
        (datetime(2025, 5, 31, 23, 30, tzinfo=UTC), None, "amber", "Signed off 1 day late"),  # 1 June in London
        (datetime(2025, 5, 31, 12, 0, tzinfo=UTC), None, "green", "Signed off 31 May 2025"),
        (datetime(2025, 6, 14, 12, 0, tzinfo=UTC), None, "amber", "Signed off 14 days late"),
        (datetime(2025, 6, 15, 12, 0, tzinfo=UTC), None, "red", "Signed off 15 days late"),
        (None, date(2025, 5, 31), "not_rated", "Due 31 May 2025"),
        (None, date(2025, 6, 3), "amber", "Not signed off, 3 days late"),
        (None, date(2025, 7, 1), "red", "Not signed off, 31 days late"),
    ],
)
def test_return_signed_off_on_time(signed, today, rag, text):
    rating = kpis.rate_return(due=date(2025, 5, 31), signed_off_at=signed, kpis=DEFAULTS, today=today)
    assert (rating.rag, rating.text) == (rag, text)


def test_overall_is_the_worst_rating():
    ratings = [kpis.Rating("green", ""), kpis.Rating("not_rated", ""), kpis.Rating("amber", "")]
    assert kpis.overall(ratings).rag == "amber"
    assert kpis.overall([kpis.Rating("not_rated", "")]).rag == "not_rated"


def _values(**changes):
    values = {
        "share_above_cap_green": Decimal("0.03"),
        "share_above_cap_amber": Decimal("0.08"),
        "unauthorised_green": 1,
        "unauthorised_amber": 4,
        "return_late_amber_days": 7,
    }
    return values | changes


def test_the_programme_manager_sets_the_thresholds_audited(programme_manager, region):
    settings = region_kpi_settings_update(actor=programme_manager, region=region, **_values())
    assert kpis.region_kpi_settings_for(region).share_above_cap_amber == Decimal("0.0800")
    assert settings.updated_by == programme_manager
    record = AuditRecord.objects.get(action="region.kpis_changed")
    assert record.before is None and record.after["unauthorised_amber"] == 4
    # Saving the same values again changes and audits nothing.
    region_kpi_settings_update(actor=programme_manager, region=region, **_values())
    assert AuditRecord.objects.filter(action="region.kpis_changed").count() == 1
    region_kpi_settings_update(actor=programme_manager, region=region, **_values(return_late_amber_days=10))
    changed = AuditRecord.objects.filter(action="region.kpis_changed").latest("pk")
    assert changed.before["return_late_amber_days"] == 7 and changed.after["return_late_amber_days"] == 10


@pytest.mark.parametrize("person", ["sub_regional_lead", "riia_member", "workforce_lead", "foreign_programme_manager"])
def test_only_the_regions_programme_manager_sets_them(request, person, region):
    with pytest.raises(DomainError):
        region_kpi_settings_update(actor=request.getfixturevalue(person), region=region, **_values())
    assert not RegionKpiSettings.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"share_above_cap_green": Decimal("0.09")}, "share_above_cap_amber"),
        ({"share_above_cap_amber": Decimal("1.5")}, "share_above_cap_amber"),
        ({"unauthorised_green": 5}, "unauthorised_amber"),
    ],
)
def test_thresholds_out_of_order_are_refused(programme_manager, region, changes, field):
    with pytest.raises(DomainError) as error:
        region_kpi_settings_update(actor=programme_manager, region=region, **_values(**changes))
    assert error.value.field == field


def test_a_region_without_settings_uses_the_defaults(region):
    settings = kpis.region_kpi_settings_for(region)
    assert settings.pk is None
    assert (settings.share_above_cap_green, settings.unauthorised_amber) == (Decimal("0.0500"), 2)


def test_settings_page_saves_percentages_as_ratios(client_for, programme_manager, region):
    url = reverse("dashboards:region-kpis", args=[region.slug])
    client = client_for(programme_manager)
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="5"' in page.content.decode() and 'value="10"' in page.content.decode()
    response = client.post(
        url,
        {
            "share_above_cap_green": "7.25",
            "share_above_cap_amber": "12",
            "unauthorised_green": "0",
            "unauthorised_amber": "3",
            "return_late_amber_days": "5",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:region", args=[region.slug])
    saved = RegionKpiSettings.objects.get(region=region)
    assert (saved.share_above_cap_green, saved.share_above_cap_amber) == (Decimal("0.0725"), Decimal("0.1200"))


def test_settings_page_shows_what_is_wrong(client_for, programme_manager, region):
    response = client_for(programme_manager).post(
        reverse("dashboards:region-kpis", args=[region.slug]),
        {
            "share_above_cap_green": "20",
            "share_above_cap_amber": "10",
            "unauthorised_green": "-1",
            "unauthorised_amber": "",
            "return_late_amber_days": "x",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "The green limit for unauthorised breaches must be 0 or more" in text
    assert "The days late a return may be signed off and be amber must be a whole number" in text
    assert "Enter the amber limit for unauthorised breaches" in text
    assert not RegionKpiSettings.objects.exists()


@pytest.mark.parametrize("person", ["sub_regional_lead", "riia_member", "workforce_lead", "foreign_programme_manager"])
def test_settings_page_is_refused_to_others(request, client_for, person, region):
    client = client_for(request.getfixturevalue(person))
    url = reverse("dashboards:region-kpis", args=[region.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"share_above_cap_green": "1"}).status_code == 403


def test_demo_sets_the_west_midlands_thresholds_once_through_the_service(region):
    from datareturns.demo_dashboards import load
    from riia.models import Role
    from tests.riia.factories import person_with_role

    person_with_role(Role.PROGRAMME_MANAGER, region, email="pm.west-midlands@demo.riia.test")
    assert load() == ["Benchmark KPI thresholds set for West Midlands by its programme manager."]
    assert load() == []
    assert RegionKpiSettings.objects.get(region=region).unauthorised_amber == 1
    assert AuditRecord.objects.filter(action="region.kpis_changed").count() == 1
