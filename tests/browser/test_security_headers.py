"""The Content Security Policy in a real browser: pages (GOV.UK Frontend, our scripts, the API docs, the
admin) and plotly run under it with no violation; and the "you're about to be signed out" warning."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.govuk import fill_date
from tests.riia.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's CSP, so this listener sees every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def test_pages_run_under_the_csp_with_no_violation(watched, sign_in, workforce_lead, la, region):
    from tests.breaches.factories import cap_in

    cap_in(region)
    page = sign_in(workforce_lead)
    # js-enabled.js ran (no inline script) and GOV.UK Frontend started (its menu toggle is shown).
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert violations(page) == []

    # Our own script fetches the cap from our own address as the lead types (connect-src 'self').
    page.get_by_role("link", name="Start a breach request").click()
    page.get_by_label("Role", exact=True).select_option(label="Social worker")
    fill_date(page, "Contract start date", date(2026, 5, 1))
    page.get_by_label("Proposed hourly pay rate").fill("40.00")
    expect(page.locator("#cap-figures")).to_contain_text("The cap in force is £35.00 an hour.")
    assert violations(page) == []

    page.goto("/api/docs/")
    expect(page.get_by_text("Regional MOU governance API").first).to_be_visible()
    assert violations(page) == []


def test_the_admin_runs_under_the_csp_with_no_violation(watched, la):
    staff = UserFactory(is_staff=True, is_superuser=True)
    page = watched
    page.goto("/admin/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"/admin/riia/localauthority/{la.pk}/change/")
    expect(page.get_by_role("heading", name="Change local authority")).to_be_visible()

    assert violations(page) == []


def test_plotly_draws_a_chart_under_the_csp(watched, live_server, client_for, workforce_lead):
    """No page draws a chart yet; this serves one from the service's own address with the service's
    own CSP header, loading the plotly.js file the service ships, so charts can rely on it."""
    page = watched
    csp = client_for(workforce_lead).get("/").headers["Content-Security-Policy"]
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>Chart</title></head><body><div id="chart"></div>'
        '<script src="/static/build/plotly.min.js"></script><script src="/chart-check.js"></script></body></html>'
    )
    script = (
        "Plotly.newPlot('chart', [{type: 'bar', x: ['Q1', 'Q2'], y: [35, 36]},"
        " {type: 'scatter', mode: 'lines', x: ['Q1', 'Q2'], y: [34, 37]}],"
        " {title: {text: 'Rates'}}, {displayModeBar: false, staticPlot: false})"
        ".then(() => { document.body.dataset.drawn = 'yes' })"
    )
    page.route(
        "**/chart-check/",
        lambda route: route.fulfill(body=html, content_type="text/html", headers={"Content-Security-Policy": csp}),
    )
    page.route(
        "**/chart-check.js",
        lambda route: route.fulfill(
            body=script, content_type="text/javascript", headers={"Content-Security-Policy": csp}
        ),
    )

    page.goto(f"{live_server.url}/chart-check/")

    expect(page.locator("body")).to_have_attribute("data-drawn", "yes")
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    expect(page.locator("#chart .bars path")).to_have_count(2)
    # Only the stylesheet of plotly's map traces (maplibre), which the service does not use, is refused.
    assert [v for v in violations(page) if " .maplibregl-map{" not in v] == []


def test_the_timeout_warning_keeps_a_session_alive_or_signs_out(sign_in, workforce_lead, settings):
    settings.SESSION_COOKIE_AGE = 6
    settings.RIIA_SESSION_WARNING_SECONDS = 5
    settings.RIIA_SESSION_REFRESH_SECONDS = 0
    page = sign_in(workforce_lead)
    dialog = page.get_by_role("dialog", name="You're about to be signed out")

    expect(dialog).to_be_visible(timeout=5_000)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()

    # Kept alive: the warning comes back for the new idle period; doing nothing then signs out.
    expect(dialog).to_be_visible(timeout=5_000)
    page.wait_for_url("**/sign-in/?timeout=1&next=%2F", timeout=10_000)
    expect(page.get_by_text("We signed you out because you had not done anything")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url("/sign-in/?next=/")
