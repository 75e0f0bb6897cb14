"""Issue 4 in a real browser, as one journey: the lead drafts and submits a breach request, the DCS and
chief executive sign, the programme manager approves, and another LA in the region sees the decision on
its home page; then the programme manager records a breach that LA made without permission, fines it
under the region's sanction policy, marks the fine paid, and the training fund shows the money."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.breaches.factories import cap_in
from tests.breaches.factories_register import SanctionPolicyFactory
from tests.govuk import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_person(page, sign_in):
    def _as(user):
        page.context.clear_cookies()
        return sign_in(user)

    return _as


def open_request(page, reference):
    page.goto("/")
    page.get_by_role("link", name=re.compile(reference)).first.click()
    expect(page.get_by_role("heading", name=f"Breach request {reference}")).to_be_visible()


def test_breach_request_journey(
    as_person, region, la, workforce_lead, dcs, chief_executive, programme_manager, second_la_lead
):
    cap_in(region)
    SanctionPolicyFactory(region=region, default_amount=Decimal("250.00"))
    today = timezone.localdate()

    # The workforce lead starts a request; the cap figures appear as they type.
    page = as_person(workforce_lead)
    page.get_by_role("link", name="Start a breach request").click()
    page.get_by_label("Role", exact=True).select_option(label="Social worker")
    fill_date(page, "Contract start date", date(2026, 5, 1))
    page.get_by_label("Proposed hourly pay rate").fill("40.00")
    expect(page.locator("#cap-figures")).to_contain_text(
        "The cap in force is £35.00 an hour. £40.00 is £5.00 (14.3%) over it."
    )
    page.get_by_label("Number of roles").fill("2")
    page.get_by_label("Contract length in weeks").fill("26")
    page.get_by_label("Hard-to-fill post after repeated recruitment").check()
    page.get_by_label("Explain why the breach is needed").fill("Three recruitment rounds have failed.")

    # Continue without the confirmation: a clear error, nothing lost.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm that no other term of the agreement")
    page.get_by_label("I confirm that no other term of the agreement").check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text(re.compile(r"Draft BR-\d{3}-00001 saved"))).to_be_visible()
    reference = re.search(r"BR-\d{3}-00001", page.locator("h1").inner_text()).group(0)

    # Back from the home page, check the answers and send it.
    open_request(page, reference)
    page.get_by_role("link", name="Check and send").click()
    expect(page.get_by_test_id("over-by")).to_have_text("£5.00 an hour (14.3%)")
    page.get_by_role("button", name="Send for signature").click()
    expect(page.get_by_text("sent to your DCS and chief executive")).to_be_visible()

    # The DCS and the chief executive sign.
    for signatory in (dcs, chief_executive):
        page = as_person(signatory)
        expect(page.get_by_role("heading", name="Breach requests to sign")).to_be_visible()
        open_request(page, reference)
        page.get_by_role("link", name="Sign the request").click()
        page.get_by_label(re.compile(r"^I confirm that paying £40\.00 an hour")).check()
        page.get_by_role("button", name="Sign and approve").click()
        expect(page.get_by_text(f"You signed breach request {reference}.")).to_be_visible()
    expect(page.locator("main .govuk-tag").first).to_have_text("Awaiting regional decision")

    # The programme manager approves with a condition.
    page = as_person(programme_manager)
    expect(page.get_by_role("heading", name="Breach requests to decide")).to_be_visible()
    open_request(page, reference)
    page.get_by_label("Approved").check()
    page.get_by_label("Conditions (if approving)").fill("Review at three months.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Approved")

    # Another LA in the region sees the decision on its home page and in the register.
    page = as_person(second_la_lead)
    panel = page.get_by_role("heading", name="Recent breach decisions in your region")
    expect(panel).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(reference))).to_be_visible()
    page.get_by_role("link", name="All West Midlands breach decisions").click()
    expect(page.get_by_role("cell", name="Review at three months.", exact=False)).to_be_visible()

    # That LA, Coventry, paid above the cap without asking: the programme manager records the breach.
    page = as_person(programme_manager)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Breach register").click()
    page.get_by_role("link", name="Record a breach").click()
    page.get_by_label("Local authority").select_option(label="Coventry")
    page.get_by_label("Pay rate above cap").check()
    fill_date(page, "Date the breach happened", today)
    page.get_by_label("What happened").fill("Team manager engaged at £52 an hour against a £45 cap.")
    page.get_by_label("Reason for the breach").fill("Urgent interim cover.")
    page.get_by_label("Actions taken").fill("Engagement ended at the cap review.")
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Record the breach").click()
    expect(page.get_by_role("alert")).to_contain_text("Breach recorded for Coventry.")
    expect(page.get_by_text("Without permission")).to_be_visible()

    # A fine under the region's policy, for that breach.
    page.get_by_role("link", name="Issue a sanction for this breach").click()
    page.get_by_label("Fine for breaching without permission (£250.00)").check()
    page.get_by_label("Local authority").select_option(label="Coventry")
    expect(page.get_by_label(f"Coventry, {today:%d/%m/%Y}: Pay rate above cap")).to_be_checked()
    page.get_by_label("Reason for the sanction").fill("Pay cap breached without asking permission.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before issuing the sanction")).to_be_visible()
    expect(page.get_by_text("£250.00")).to_be_visible()
    page.get_by_role("button", name="Issue the sanction").click()
    expect(page.get_by_role("alert")).to_contain_text("Sanction issued to Coventry")

    # Coventry pays; the money lands in the West Midlands training fund.
    page.get_by_role("link", name="Mark as paid").click()
    fill_date(page, "Date paid", today)
    page.get_by_role("button", name="Mark as paid").click()
    expect(page.get_by_role("alert")).to_contain_text("Fine marked as paid and added to the training fund.")
    page.goto("/breaches/training-fund/")
    expect(page.get_by_test_id("fund-balance")).to_have_text("£250.00")
    expect(page.get_by_role("table", name="Ledger, oldest first")).to_contain_text("Fine paid")

    # Coventry's workforce lead sees the sanction, paid, on their home page.
    page = as_person(second_la_lead)
    expect(page.get_by_role("heading", name="Sanctions issued to your local authority")).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text="Coventry: Fine for breaching without permission")
    ).to_contain_text("Paid")


def test_without_javascript_the_figures_appear_on_check_your_answers(browser, live_server, region, la, workforce_lead):
    cap_in(region)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(workforce_lead.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    page.goto("/breaches/requests/new/")
    expect(page.locator("#cap-figures")).to_be_hidden()
    page.get_by_label("Role", exact=True).select_option(label="Social worker")
    fill_date(page, "Contract start date", date(2026, 5, 1))
    page.get_by_label("Proposed hourly pay rate").fill("42.00")
    page.get_by_label("Number of roles").fill("1")
    fill_date(page, "Contract end date", date(2026, 7, 31))
    page.get_by_label("Caseload or safeguarding risk").check()
    page.get_by_label("Explain why the breach is needed").fill("Caseloads are too high.")
    page.get_by_label("I confirm that no other term of the agreement").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check your answers before sending the request")).to_be_visible()
    expect(page.get_by_test_id("over-by")).to_have_text("£7.00 an hour (20.0%)")
    context.close()
