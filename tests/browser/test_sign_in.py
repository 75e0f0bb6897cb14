import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_visitor_is_sent_to_sign_in(page):
    page.goto("/")

    expect(page).to_have_url("/sign-in/?next=/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_workforce_lead_signs_in_and_sees_their_home_page(sign_in, workforce_lead, region):
    page = sign_in(workforce_lead)

    expect(page.get_by_role("heading", name="What is waiting for you")).to_be_visible()
    expect(page.get_by_text("Wendy Lead")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="West Midlands")).to_be_visible()
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_wrong_password_shows_the_error_summary(page, workforce_lead):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(workforce_lead.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def test_demo_workforce_lead_signs_in_with_the_printed_password(page, settings):
    from riia.demo import DEMO_DOMAIN, demo_load
    from riia.models import User

    settings.DEBUG = True
    password = demo_load(reset_password=True).password
    lead = User.objects.get(email=f"lead.birmingham@{DEMO_DOMAIN}")

    page.goto("/")
    page.get_by_label("Email address").fill(lead.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="What is waiting for you")).to_be_visible()
    expect(page.get_by_text("Birmingham", exact=True)).to_be_visible()
