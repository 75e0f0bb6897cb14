import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEARNED = "check the MSP system for candidates presented twice"


def _sign_out(page):
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_lead_drafts_with_a_template_email_pm_publishes_another_la_finds_it(
    sign_in, workforce_lead, programme_manager, second_la_lead, la, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # The LA lead drafts the case study.
    page = sign_in(workforce_lead)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Case studies").click()
    page.get_by_role("link", name="Write a case study").click()
    page.get_by_label("Title").fill("Project team offer turned down")
    page.get_by_label("Breaches").check()
    page.get_by_label("The issue").fill("An agency offered four candidates as a project team above the cap.")
    page.get_by_label("How the decision to respond was made").fill("The DCS agreed we would negotiate directly.")
    page.get_by_label("Successful", exact=True).check()
    page.get_by_label("Your assessment of the outcome").fill("All four accepted the capped rate.")
    page.get_by_label("What was learned").fill(f"Always {LEARNED} before accepting a project team.")
    page.get_by_label("Behaviour to reduce").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers before sending it for review")).to_be_visible()

    # ... attaches a template email ...
    page.get_by_role("link", name="Add a template or resource").click()
    page.get_by_label("Title").fill("Email to the agency")
    page.get_by_label("Template email").check()
    page.get_by_label("Template text").fill("Dear {{ agency name }},\nThese candidates were offered at {{ rate }}.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Email to the agency")).to_be_visible()

    # ... and sends it for review.
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Case study sent for review")).to_be_visible()
    expect(page.get_by_text("In review", exact=True)).to_be_visible()
    _sign_out(page)

    # The programme manager sees it waiting and publishes it.
    sign_in(programme_manager)
    page.get_by_role("link", name="Project team offer turned down").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Case study published")).to_be_visible()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    _sign_out(page)

    # Another LA in the region finds it by a phrase from what was learned, and the template email.
    sign_in(second_la_lead)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Case studies").click()
    page.get_by_label("Search case studies").fill(LEARNED)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 case study matching")).to_be_visible()
    page.locator("#results").get_by_role("link", name="Project team offer turned down").click()
    expect(page.get_by_text(f"Always {LEARNED}")).to_be_visible()
    page.get_by_role("link", name="Email to the agency").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    assert "{{ agency name }}" in download.value.path().read_text()
