"""The accessibility check every browser test runs (``AxeChecker`` in tests/browser/conftest.py).

It must not be able to pass by doing nothing: a page with known WCAG failures is reported, however the
test leaves it, with the rule, the element and the page, and a test that visits it fails."""

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AxeCheckFailed, new_checked_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Valid apart from two failures: an image with no text alternative (1.1.1) and an unlabelled input (4.1.2).
KNOWN_VIOLATIONS = """<!DOCTYPE html><html lang="en"><head><title>Known violations</title></head><body>
<main><h1>Known violations</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" name="q"><button type="button">Do nothing</button></form></main></body></html>"""

# Passes until the button adds an image without a text alternative.
CHANGES_WHEN_CLICKED = """<!DOCTYPE html><html lang="en"><head><title>Changes</title></head><body>
<main><h1>Changes</h1><button type="button"
onclick="this.after(Object.assign(document.createElement('img'), {src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw='}))"
>Show the picture</button></main></body></html>"""


def _reported(axe) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for violation in axe.violations.values():
        found.setdefault(violation.rule, set()).add((violation.target, violation.html))
    return found


def test_a_page_left_by_goto_is_checked_before_it_goes(axe):
    axe.page.goto("data:text/html," + quote(KNOWN_VIOLATIONS))
    axe.page.goto("/sign-in/")

    assert _reported(axe) == {
        "image-alt": {('["img"]', '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')},
        "label": {('["input"]', '<input type="text" name="q">')},
    }


def test_a_page_is_checked_before_the_first_action_on_it(axe):
    axe.page.set_content(KNOWN_VIOLATIONS)
    axe.page.get_by_role("button", name="Do nothing").click()

    assert set(_reported(axe)) == {"image-alt", "label"}


def test_content_a_script_adds_after_the_check_is_checked_before_the_next_action(axe):
    axe.page.set_content(CHANGES_WHEN_CLICKED)
    axe.page.get_by_role("button", name="Show the picture").click()
    assert axe.violations == {}

    expect(axe.page.locator("img")).to_have_count(1)

    assert set(_reported(axe)) == {"image-alt"}


def test_the_service_sign_in_page_is_checked_and_passes(axe):
    axe.page.goto("/sign-in/")
    axe.page.get_by_label("Email address").fill("someone@example.gov.uk")

    assert axe.pages_checked == 1
    assert axe.violations == {}
    axe.assert_no_violations()


def test_the_failure_names_the_rule_the_element_and_the_page(axe):
    axe.page.set_content(KNOWN_VIOLATIONS)
    axe.check_current_page()

    with pytest.raises(AxeCheckFailed) as failure:
        axe.assert_no_violations()

    message = str(failure.value)
    assert "2 WCAG 2.2 AA violation(s)" in message
    assert "[label] Form elements must have labels" in message
    assert 'element: ["input"]\n    html: <input type="text" name="q">' in message
    assert "“Known violations”, not signed in" in message


def test_rules_that_match_nothing_fail_rather_than_pass(browser, live_server):
    page, checker = new_checked_page(browser, live_server.url)
    checker.tags = ("wcag-no-such-level",)
    page.set_content(KNOWN_VIOLATIONS)

    with pytest.raises(AxeCheckFailed, match="ran no rules"):
        checker.check_current_page()
    page.context.close()
