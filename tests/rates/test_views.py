import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from rates.models import CoreJobType, Exemption, PriceCap, RateCard
from rates.services import rate_card_draft_create
from tests.rates.factories import CORE_RATES, ExemptionFactory, publish_card

pytestmark = pytest.mark.django_db

MEMBERS = [
    "programme_manager",
    "workforce_lead",
    "la_viewer",
    "second_la_lead",
    "riia_member",
    "sub_regional_lead",
    "msp_viewer",
]
NON_MEMBERS = ["foreign_programme_manager", "foreign_lead", "agency_contact", "nobody"]
NOT_MANAGERS = ["foreign_programme_manager", "workforce_lead", "riia_member", "sub_regional_lead", "nobody"]


@pytest.fixture
def published(region, programme_manager, grades):
    return publish_card(region, programme_manager, effective_from=date(2026, 4, 1), notify=False)


@pytest.fixture
def draft(region, programme_manager, published):
    return rate_card_draft_create(region=region, actor=programme_manager)


def freeze_today(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def lines_post(grades, **overrides):
    data = {f"grade_{grades[t].pk}": str(v) for t, v in CORE_RATES.items()}
    data.update(overrides)
    return data


# --- Who may see and do what ------------------------------------------------------------------


@pytest.mark.parametrize("person", MEMBERS)
def test_region_members_can_read_the_rate_card_and_download_it(request, client_for, region, published, person):
    client = client_for(request.getfixturevalue(person))

    page = client.get(reverse("rates:region", args=[region.slug]))
    download = client.get(reverse("rates:caps-csv", args=[region.slug]))

    assert page.status_code == 200 and "£35.00" in page.text and "Current caps" in page.text
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("person", NON_MEMBERS)
def test_non_members_are_refused_the_rate_card(request, client_for, region, published, person):
    client = client_for(request.getfixturevalue(person))

    assert client.get(reverse("rates:region", args=[region.slug])).status_code == 403
    assert client.get(reverse("rates:caps-csv", args=[region.slug])).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, region):
    response = client.get(reverse("rates:region", args=[region.slug]))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_only_the_programme_manager_sees_the_manage_buttons(
    client_for, region, published, programme_manager, workforce_lead
):
    assert (
        "Draft a new rate card" in client_for(programme_manager).get(reverse("rates:region", args=[region.slug])).text
    )
    assert (
        "Draft a new rate card" not in client_for(workforce_lead).get(reverse("rates:region", args=[region.slug])).text
    )


def manage_urls(region, draft, exemption):
    return [
        reverse("rates:draft-new", args=[region.slug]),
        reverse("rates:exemption-new", args=[region.slug]),
        reverse("rates:draft-edit", args=[draft.pk]),
        reverse("rates:draft-uplift", args=[draft.pk]),
        reverse("rates:draft-check", args=[draft.pk]),
        reverse("rates:draft-discard", args=[draft.pk]),
        reverse("rates:exemption-revoke", args=[exemption.pk]),
    ]


def test_programme_manager_may_open_every_manage_page(client_for, region, la, draft, programme_manager):
    exemption = ExemptionFactory(local_authority=la)
    client = client_for(programme_manager)

    for url in manage_urls(region, draft, exemption):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("person", NOT_MANAGERS)
def test_everyone_else_is_refused_every_manage_page(request, client_for, region, la, draft, person):
    exemption = ExemptionFactory(local_authority=la)
    client = client_for(request.getfixturevalue(person))

    for url in manage_urls(region, draft, exemption):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


@pytest.mark.parametrize("person", NOT_MANAGERS)
def test_only_that_regions_programme_manager_may_publish(request, client_for, draft, person):
    response = client_for(request.getfixturevalue(person)).post(
        reverse("rates:draft-check", args=[draft.pk]),
        {"effective_from_day": "1", "effective_from_month": "4", "effective_from_year": "2027"},
    )

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == RateCard.Status.DRAFT and not draft.price_caps.exists()


# --- The drafting journey ---------------------------------------------------------------------


def test_draft_uplift_check_and_publish(client_for, region, published, programme_manager, workforce_lead, grades):
    client = client_for(programme_manager)

    response = client.post(reverse("rates:draft-new", args=[region.slug]), {"start": "current", "notes": "April 2027"})
    card = RateCard.objects.get(status=RateCard.Status.DRAFT)
    assert response.url == reverse("rates:draft-edit", args=[card.pk])

    preview = client.post(reverse("rates:draft-uplift", args=[card.pk]), {"percent": "3"})
    assert "£36.05" in preview.text and "£38.63" in preview.text and "Nothing has been saved yet" in preview.text
    assert card.lines.get(role_grade=grades[CoreJobType.SOCIAL_WORKER]).hourly_rate == Decimal("35.00")

    saved = client.post(reverse("rates:draft-uplift", args=[card.pk]), {"percent": "3", "confirm": "yes"})
    assert saved.url == reverse("rates:draft-edit", args=[card.pk])
    assert card.lines.get(role_grade=grades[CoreJobType.SOCIAL_WORKER]).hourly_rate == Decimal("36.05")

    check = client.get(reverse("rates:draft-check", args=[card.pk]))
    assert (
        "Check the rate card before publishing" in check.text
        and "Latest cap £35.00 (from 1 April 2026): +3.0%" in check.text
    )

    done = client.post(
        reverse("rates:draft-check", args=[card.pk]),
        {"effective_from_day": "1", "effective_from_month": "4", "effective_from_year": "2027"},
        follow=True,
    )
    assert "Rate card published. The new caps take effect on 1 April 2027" in done.text
    assert "Upcoming changes" in done.text and "£36.05" in done.text
    assert PriceCap.objects.filter(rate_card=card).count() == 5
    assert workforce_lead.notifications.filter(subject__contains="1 April 2027").exists()


def test_lines_form_saves_rates_and_goes_to_check(client_for, draft, programme_manager, grades):
    response = client_for(programme_manager).post(
        reverse("rates:draft-edit", args=[draft.pk]),
        lines_post(grades, **{f"grade_{grades['social_worker'].pk}": "£36.40"}),
    )

    assert response.url == reverse("rates:draft-check", args=[draft.pk])
    assert draft.lines.get(role_grade=grades["social_worker"]).hourly_rate == Decimal("36.40")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the hourly rate for Social worker in pounds"),
        ("abc", "Enter the hourly rate for Social worker as an amount in pounds, like 35.50"),
        ("0", "The hourly rate for Social worker must be more than £0"),
        ("-3.00", "The hourly rate for Social worker must be more than £0"),
        ("35.005", "The hourly rate for Social worker must be in pounds and pence, like 35.50"),
        ("150.01", "The hourly rate for Social worker must be £150.00 or less"),
    ],
)
def test_bad_rate_on_the_page_shows_the_error_summary_and_saves_nothing(
    client_for, draft, programme_manager, grades, value, message
):
    field = f"grade_{grades['social_worker'].pk}"
    response = client_for(programme_manager).post(
        reverse("rates:draft-edit", args=[draft.pk]), lines_post(grades, **{field: value})
    )

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'href="#id_{field}">{message}' in response.text.replace("&#x27;", "'")
    assert draft.lines.get(role_grade=grades["social_worker"]).hourly_rate == Decimal("35.00")


@pytest.mark.parametrize(
    ("percent", "message"),
    [("abc", "Enter the uplift as a percentage, like 3 or 2.5"), ("0", "not 0"), ("200", "between -50% and 100%")],
)
def test_bad_uplift_on_the_page_is_explained(client_for, draft, programme_manager, percent, message):
    response = client_for(programme_manager).post(
        reverse("rates:draft-uplift", args=[draft.pk]), {"percent": percent, "confirm": "yes"}
    )

    assert response.status_code == 200 and message in response.text
    assert draft.lines.get(role_grade__core_type="social_worker").hourly_rate == Decimal("35.00")


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date the new caps take effect"),
        ("31", "2", "2027", "The date the new caps take effect must be a real date"),
        ("1", "", "2027", "must include a day, month and year"),
        ("1", "4", "2026", "1 April 2026 is in the past"),  # before today: says so, not that it overlaps
    ],
)
def test_bad_effective_date_is_explained_and_nothing_published(
    client_for, draft, programme_manager, day, month, year, message
):
    response = client_for(programme_manager).post(
        reverse("rates:draft-check", args=[draft.pk]),
        {"effective_from_day": day, "effective_from_month": month, "effective_from_year": year},
    )

    assert response.status_code == 200 and "There is a problem" in response.text
    assert message in response.text
    draft.refresh_from_db()
    assert draft.status == RateCard.Status.DRAFT


def test_rate_card_missing_a_core_role_is_not_published_from_the_page(client_for, region, published, programme_manager):
    card = rate_card_draft_create(region=region, actor=programme_manager, from_current=False)
    client = client_for(programme_manager)

    check = client.get(reverse("rates:draft-check", args=[card.pk]))
    response = client.post(
        reverse("rates:draft-check", args=[card.pk]),
        {"effective_from_day": "1", "effective_from_month": "4", "effective_from_year": "2027"},
    )

    assert "Every core role needs a cap before you can publish" in check.text
    assert "Enter a cap for every core role: Social worker, Senior social worker" in response.text
    card.refresh_from_db()
    assert card.status == RateCard.Status.DRAFT


def test_discard_removes_the_draft(client_for, region, draft, programme_manager):
    response = client_for(programme_manager).post(reverse("rates:draft-discard", args=[draft.pk]))

    assert response.url == reverse("rates:region", args=[region.slug])
    assert not RateCard.objects.filter(pk=draft.pk).exists()


def test_published_card_cannot_be_edited(client_for, published, programme_manager):
    assert client_for(programme_manager).get(reverse("rates:draft-edit", args=[published.pk])).status_code == 403


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_current_upcoming_and_ended_caps(client_for, region, programme_manager, grades):
    for year in (2025, 2026, 2027):  # ended, current and upcoming on the frozen day below
        publish_card(region, programme_manager, effective_from=date(year, 4, 1), notify=False)
    today = date(2026, 11, 23)
    url = reverse("rates:caps-csv", args=[region.slug])

    with freeze_today(today):
        body = client_for(programme_manager).get(url).content.decode()

    rows = list(csv.DictReader(io.StringIO(body)))
    social = [r for r in rows if r["role_grade_code"] == grades["social_worker"].code]
    assert [r["status"] for r in social] == ["current", "upcoming", "ended"]
    assert [r["effective_from"] for r in social] == ["2026-04-01", "2027-04-01", "2025-04-01"]
    assert social[0]["limited_company_umbrella_hourly_cap"] == "35.00" and social[0]["paye_hourly_cap"] == "27.04"
    assert social[0]["effective_to"] == "2027-03-31" and social[1]["effective_to"] == ""


# --- Exemptions -------------------------------------------------------------------------------


def exemption_post(la, grades, **overrides):
    start = date.today()
    end = start + timedelta(days=120)
    data = {
        "local_authority": str(la.pk),
        "role_grade": str(grades[CoreJobType.TEAM_MANAGER].pk),
        "hourly_rate": "48.00",
        "starts_on_day": str(start.day),
        "starts_on_month": str(start.month),
        "starts_on_year": str(start.year),
        "ends_on_day": str(end.day),
        "ends_on_month": str(end.month),
        "ends_on_year": str(end.year),
        "plan": "Two permanent team managers start in March.",
        "agreed_by": "Regional DCS group",
    }
    data.update(overrides)
    return data


def test_programme_manager_records_an_exemption(client_for, region, la, published, programme_manager, grades):
    response = client_for(programme_manager).post(
        reverse("rates:exemption-new", args=[region.slug]), exemption_post(la, grades), follow=True
    )

    assert "Exemption recorded for Dudley" in response.text
    assert Exemption.objects.get().hourly_rate == Decimal("48.00")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on_day": "", "ends_on_month": "", "ends_on_year": ""}, "Enter the date the exemption ends"),
        ({"plan": ""}, "Enter the plan for how the local authority will return to the cap"),
        ({"hourly_rate": "0"}, "must be more than £0"),
        ({"hourly_rate": "48.123"}, "pounds and pence"),
        ({"hourly_rate": "400"}, "£150.00 or less"),
        ({"ends_on_year": "2001"}, "The end date must be the same as or after the start date"),
        ({"agreed_by": ""}, "Enter who agreed the exemption"),
    ],
)
def test_bad_exemption_is_explained_and_nothing_saved(
    client_for, region, la, published, programme_manager, grades, overrides, message
):
    response = client_for(programme_manager).post(
        reverse("rates:exemption-new", args=[region.slug]), exemption_post(la, grades, **overrides)
    )

    assert response.status_code == 200 and "There is a problem" in response.text
    assert message in response.text
    assert not Exemption.objects.exists()


def test_exemption_for_an_la_outside_the_region_is_refused_on_the_page(
    client_for, region, foreign_la, published, programme_manager, grades
):
    response = client_for(programme_manager).post(
        reverse("rates:exemption-new", args=[region.slug]), exemption_post(foreign_la, grades)
    )

    assert "Select a local authority in West Midlands" in response.text
    assert not Exemption.objects.exists()


def test_programme_manager_revokes_an_exemption(client_for, region, la, programme_manager):
    exemption = ExemptionFactory(local_authority=la)
    client = client_for(programme_manager)

    refused = client.post(reverse("rates:exemption-revoke", args=[exemption.pk]), {"reason": ""})
    done = client.post(reverse("rates:exemption-revoke", args=[exemption.pk]), {"reason": "Filled"}, follow=True)

    assert "Enter why the exemption is being revoked" in refused.text
    assert "Exemption for Dudley revoked" in done.text
    exemption.refresh_from_db()
    assert exemption.status == Exemption.Status.REVOKED
