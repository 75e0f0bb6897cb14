"""Training fund pages in a real browser. Recording a breach, fining the LA, paying and the fund's new
balance are part of the issue-4 journey in test_breach_journey.py."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.govuk import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_spending_more_than_the_fund_holds_shows_the_error_summary(sign_in, programme_manager, region):
    page = sign_in(programme_manager)

    page.goto(f"/breaches/training-fund/{region.slug}/spend/")
    page.get_by_label("Amount spent").fill("90.00")
    page.get_by_label("Training paid for").fill("Court skills")
    fill_date(page, "Date of the spend", timezone.localdate())
    page.get_by_role("button", name="Record the spend").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("You cannot spend £90.00: the training fund holds £0.00.")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Amount spent")).to_be_focused()
