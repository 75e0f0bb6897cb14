import pytest
from playwright.sync_api import expect

from casestudies.models import CaseStudy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTCOME = "The agency agreed in writing to stop approaching workers on live assignments."


def _sign_out(page):
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_agency_raises_pm_triages_closes_and_shares_msp_sees_outcome_and_draft_case_study_exists(
    sign_in, agency_contact, programme_manager, msp_viewer, region, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # An agency contact raises an escalation, with a text file as evidence.
    evidence = tmp_path / "message.txt"
    evidence.write_text("Call me about a better rate next door.")
    page = sign_in(agency_contact)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Escalations").click()
    page.get_by_role("link", name="Raise an escalation").click()
    page.get_by_label("Which region is it about?").select_option(label=region.name)
    page.get_by_label("Soliciting or headhunting").check()
    page.get_by_label("What happened").fill("A rival agency phoned our locums offering more to move LA.")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Attach a file (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Raise the escalation").click()
    expect(page.get_by_role("heading", name="Escalation raised")).to_be_visible()
    reference = page.locator(".govuk-panel__body strong").inner_text()
    _sign_out(page)

    # The programme manager finds it on their home page, triages, records a contact and closes it.
    sign_in(programme_manager)
    page.get_by_role("link", name=f"{reference}: Soliciting or headhunting").click()
    page.get_by_role("link", name="Triage").click()
    page.get_by_label("Accepted").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Triage recorded")).to_be_visible()
    page.get_by_role("link", name="Record an action or a contact").click()
    page.get_by_label("Contact made").check()
    page.get_by_label("Who was contacted (for a contact)").fill("The agency's managing director")
    page.get_by_label("What was done").fill("Explained the MOU's rule on headhunting.")
    page.get_by_role("button", name="Record", exact=True).click()
    page.get_by_role("link", name="Close with an outcome").click()
    page.get_by_label("Outcome").fill(OUTCOME)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the outcome before you close the escalation")).to_be_visible()
    page.get_by_role("button", name="Close the escalation").click()
    expect(page.get_by_text("Escalation closed")).to_be_visible()

    # ... shares the outcome with the MSPs (after checking who is told) ...
    page.get_by_role("link", name="Share the outcome with MSPs").click()
    expect(page.get_by_role("heading", name="Check before you share the outcome with the MSPs")).to_be_visible()
    page.get_by_role("button", name="Share the outcome").click()
    expect(page.get_by_text("Outcome shared with 1 MSP")).to_be_visible()

    # ... and turns it into a draft case study in one step.
    page.get_by_role("link", name="Turn into a case study").click()
    page.get_by_role("button", name="Create the draft case study").click()
    expect(page.get_by_text("Draft case study created from the escalation")).to_be_visible()
    _sign_out(page)
    case_study = CaseStudy.objects.get()
    assert case_study.case_type == "escalation" and case_study.status == "draft"
    assert case_study.outcome_assessment == OUTCOME

    # An MSP user sees the outcome on the outcomes page.
    sign_in(msp_viewer)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Escalations").click()
    page.get_by_role("link", name="Outcomes shared with MSPs").click()
    expect(page.get_by_text(OUTCOME)).to_be_visible()
