import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.rates.factories import core_grades, publish_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOCIAL_WORKER = re.compile(r"^Social worker ")  # not "Senior social worker"


def test_programme_manager_uplifts_and_publishes_and_an_la_user_sees_the_new_caps(
    sign_in, region, la, programme_manager, workforce_lead
):
    core_grades()
    publish_card(region, programme_manager, effective_from=date(2026, 4, 1), notify=False)

    page = sign_in(programme_manager)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Price caps").click()
    expect(page.get_by_role("heading", name="Price caps")).to_be_visible()
    page.get_by_role("link", name="Draft a new rate card").click()
    page.get_by_label("From the latest published caps").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Uplift every role by a percentage").click()
    page.get_by_label("Uplift every role by").fill("3")
    page.get_by_role("button", name="Show the new rates").click()
    preview = page.get_by_role("table", name="Hourly caps before and after the uplift")
    expect(preview.get_by_role("row", name=SOCIAL_WORKER)).to_contain_text("£36.05")
    expect(preview.get_by_role("row", name=re.compile(r"^Senior social worker "))).to_contain_text(
        "£38.63"
    )  # 38.625 rounds up
    page.get_by_role("button", name="Save these rates").click()
    expect(page.get_by_text("Every role uplifted by 3%.")).to_be_visible()
    expect(page.get_by_label("Social worker", exact=True)).to_have_value("36.05")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Check the rate card before publishing")).to_be_visible()
    page.get_by_role("button", name="Publish rate card").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date the new caps take effect")
    page.locator(".govuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Day")).to_be_focused()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Publish rate card").click()
    expect(page.get_by_text("Rate card published. The new caps take effect on 1 April 2027")).to_be_visible()
    menu.get_by_role("button", name="Sign out").click()

    page = sign_in(workforce_lead)
    expect(page.get_by_text("New price caps for West Midlands from 1 April 2027")).to_be_visible()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Price caps").click()
    expect(page.get_by_role("heading", name="Upcoming changes")).to_be_visible()
    upcoming = page.get_by_role("table", name="Caps from 1 April 2027")  # grouped by the date they take effect
    expect(upcoming.get_by_role("row", name=SOCIAL_WORKER)).to_contain_text("£36.05")
    expect(upcoming.get_by_role("row", name=SOCIAL_WORKER)).to_contain_text("1 April 2027")
    current = page.get_by_role("table", name="Current caps")
    expect(current.get_by_role("row", name=SOCIAL_WORKER)).to_contain_text("31 March 2027")
    expect(page.get_by_role("link", name="Draft a new rate card")).to_have_count(0)
