"""The programme manager records a breach without permission, fines the LA under the region's
policy, marks the fine paid, and sees it in the training fund."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from breaches.models import BreachRecord, Sanction
from tests.breaches.factories_register import SanctionPolicyFactory
from tests.govuk import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_programme_manager_fines_an_la_and_the_fund_grows(sign_in, programme_manager, region, la, workforce_lead):
    SanctionPolicyFactory(region=region, default_amount=Decimal("250.00"))
    page = sign_in(programme_manager)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Breach register").click()
    page.get_by_role("link", name="Record a breach").click()
    page.get_by_label("Local authority").select_option(label="Dudley")
    page.get_by_label("Pay rate above cap").check()
    fill_date(page, "Date the breach happened", timezone.localdate())
    page.get_by_label("What happened").fill("Team manager engaged at £52 an hour against a £45 cap.")
    page.get_by_label("Reason for the breach").fill("Urgent interim cover.")
    page.get_by_label("Actions taken").fill("Engagement ended at the cap review.")
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Record the breach").click()

    expect(page.get_by_role("alert")).to_contain_text("Breach recorded for Dudley.")
    expect(page.get_by_text("Without permission")).to_be_visible()
    record = BreachRecord.objects.get()

    page.get_by_role("link", name="Issue a sanction for this breach").click()
    page.get_by_label("Fine for breaching without permission (£250.00)").check()
    page.get_by_label("Local authority").select_option(label="Dudley")
    expect(page.get_by_label(f"Dudley, {record.occurred_on:%d/%m/%Y}: Pay rate above cap")).to_be_checked()
    page.get_by_label("Reason for the sanction").fill("Pay cap breached without asking permission.")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check your answers before issuing the sanction")).to_be_visible()
    expect(page.get_by_text("£250.00")).to_be_visible()
    page.get_by_role("button", name="Issue the sanction").click()

    expect(page.get_by_role("alert")).to_contain_text("Sanction issued to Dudley")
    page.get_by_role("link", name="Mark as paid").click()
    fill_date(page, "Date paid", timezone.localdate())
    page.get_by_role("button", name="Mark as paid").click()

    expect(page.get_by_role("alert")).to_contain_text("Fine marked as paid and added to the training fund.")
    assert Sanction.objects.get().status == Sanction.Status.PAID

    page.goto("/breaches/training-fund/")
    expect(page.get_by_test_id("fund-balance")).to_have_text("£250.00")
    expect(page.get_by_role("table", name="Ledger, oldest first")).to_contain_text("Fine paid")


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
