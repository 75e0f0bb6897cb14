"""Real-browser tests: Playwright drives Debian's Chromium (``apt-get install chromium``).

Outside CI a missing Chromium skips these tests with a message; under CI=true it fails them.

Every page a journey visits, for every person it signs in as, is checked with axe-core against WCAG
2.2 AA (see ``AxeChecker``). Any violation fails the test, naming the rule, the page, who was signed in
and the element."""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous, so Django's async-safety guard would refuse them without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ACTION_TIMEOUT_MS = 15_000
# Assertions wait as long as actions: the accessibility check of a new or changed page runs inside
# whichever of them comes first.
expect.set_options(timeout=ACTION_TIMEOUT_MS)

# axe-core comes from our own node_modules (package.json devDependencies), never from a CDN.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The service aims at WCAG 2.2 AA: every axe rule tagged with an A or AA success criterion up to 2.2.
WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
_CHECKED = "data-axe-checked"  # marks a document already checked, so the locator handler lets go of it

# Marks the document checked; a MutationObserver unmarks it when its content changes afterwards
# (figures a script shows, an error message), so the changed page is checked again before the next
# action. axe's own run and the mark itself are not changes.
_RUN_AXE = """async ({tags, checked, signOut}) => {
  const root = document.documentElement;
  window.__axeObserver?.disconnect();
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  root.setAttribute(checked, '');
  const changed = (change) => {
    if (change.type === 'childList') return true;
    if (change.type === 'characterData') return change.oldValue !== change.target.data;
    if (change.target === root && change.attributeName === checked) return false;
    return change.oldValue !== change.target.getAttribute(change.attributeName);  // not a no-op set
  };
  window.__axeObserver = new MutationObserver((changes) => {
    if (changes.some(changed)) root.removeAttribute(checked);
  });
  window.__axeObserver.observe(root, {
    subtree: true, childList: true, attributes: true, characterData: true,
    attributeOldValue: true, characterDataOldValue: true,
  });
  return {
    signedIn: document.querySelector(`form[action="${signOut}"]`) !== null,
    rulesRun: results.passes.length + results.violations.length + results.incomplete.length
      + results.inapplicable.length,
    violations: results.violations.map((rule) => ({
      id: rule.id, impact: rule.impact, help: rule.help, helpUrl: rule.helpUrl,
      nodes: rule.nodes.map((node) => ({target: JSON.stringify(node.target), html: node.html})),
    })),
  };
}"""


@dataclass(frozen=True)
class AxeViolation:
    rule: str
    impact: str
    help: str
    help_url: str
    url: str
    title: str
    signed_in_as: str
    target: str
    html: str

    def __str__(self) -> str:
        return (
            f"[{self.rule}] {self.help} ({self.impact})\n"
            f"    page: {self.url} “{self.title}”, {self.signed_in_as}\n"
            f"    element: {self.target}\n"
            f"    html: {self.html}\n"
            f"    {self.help_url}"
        )


class AxeCheckFailed(AssertionError):
    pass


# Pages whose markup is not ours: Swagger UI (the API docs) and Django's admin. Their own projects
# answer for their accessibility; checking them would test someone else's code.
NOT_OURS = ("/api/docs/", "/admin/")


class AxeChecker:
    """Runs axe-core on every document a page shows and collects the violations.

    A document is checked before the test's first action or auto-waiting assertion on it (a
    Playwright locator handler on documents not marked as checked), again before the next one if its
    content has changed since, before ``page.goto`` leaves it, and when the test ends
    (``pytest_runtest_call`` below). Checking inside the test's own flow means the check cannot race
    the test's next click. (Holding the navigation request in a route while axe runs does not work:
    Playwright will not evaluate in a frame with a navigation pending.)"""

    def __init__(self, page, tags: tuple[str, ...] = WCAG_22_AA):
        self.page = page
        self.tags = tags
        self.user = None  # the last person the sign_in fixture signed in
        self.pages_checked = 0
        self.violations: dict[tuple, AxeViolation] = {}
        # no_wait_after: a script may change the page just after the check (a fetch filling in figures),
        # which marks it unchecked again; Playwright must not wait for the mark, but check again at the
        # next action.
        page.add_locator_handler(page.locator(f"html:not([{_CHECKED}])"), self.check_current_page, no_wait_after=True)
        goto = page.goto

        def check_then_goto(*args, **kwargs):
            self.check_if_changed()
            return goto(*args, **kwargs)

        page.goto = check_then_goto

    def check_if_changed(self) -> None:
        if not self.page.evaluate(f"document.documentElement.hasAttribute('{_CHECKED}')"):
            self.check_current_page()

    def check_current_page(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        if page.evaluate("location.href === 'about:blank' && !document.body?.children.length"):
            page.evaluate(f"document.documentElement.setAttribute('{_CHECKED}', '')")
            return  # the empty document every new page starts on
        if urlparse(page.url).path.startswith(NOT_OURS):
            page.evaluate(f"document.documentElement.setAttribute('{_CHECKED}', '')")
            return
        result = page.evaluate(_RUN_AXE, {"tags": list(self.tags), "checked": _CHECKED, "signOut": reverse("logout")})
        if not result["rulesRun"]:
            raise AxeCheckFailed(f"axe-core ran no rules for tags {self.tags}: the check would pass vacuously")
        self.pages_checked += 1
        url, title = page.url, page.title()
        if not result["signedIn"]:
            signed_in_as = "not signed in"
        else:
            signed_in_as = f"signed in as {self.user}" if self.user else "signed in"
        for rule in result["violations"]:
            for node in rule["nodes"]:
                violation = AxeViolation(
                    rule=rule["id"],
                    impact=rule["impact"] or "",
                    help=rule["help"],
                    help_url=rule["helpUrl"],
                    url=url,
                    title=title,
                    signed_in_as=signed_in_as,
                    target=node["target"],
                    html=node["html"],
                )
                self.violations.setdefault((violation.rule, url, violation.target, violation.html), violation)

    def assert_no_violations(self) -> None:
        if self.violations:
            listed = "\n".join(f"- {violation}" for violation in self.violations.values())
            raise AxeCheckFailed(
                f"axe-core found {len(self.violations)} WCAG 2.2 AA violation(s) on the pages this test visited:\n"
                f"{listed}"
            )


_AXE_CHECKER = pytest.StashKey[AxeChecker]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a browser test passes, check the page it ended on and fail it on any axe violation."""
    result = yield
    checker = item.stash.get(_AXE_CHECKER, None)
    if checker is not None:
        checker.check_if_changed()
        checker.assert_no_violations()
    return result


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium; `make test` does this as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_checked_page(browser, base_url: str):
    """A page in a fresh context, with axe-core checking every document it shows."""
    # axe-core is loaded as an init script: those run outside the page's Content-Security-Policy, so
    # the policy stays enforced in every journey (an inline <script> tag would be refused by it).
    context = browser.new_context(base_url=base_url, viewport={"width": 1200, "height": 900})
    context.add_init_script(path=AXE_SCRIPT)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    return page, AxeChecker(page)


@pytest.fixture
def axe(browser, live_server) -> AxeChecker:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: `make static` (npm ci) installs axe-core for the accessibility check")
    page, checker = new_checked_page(browser, live_server.url)
    yield checker
    page.context.close()


@pytest.fixture
def page(axe, request):
    request.node.stash[_AXE_CHECKER] = axe
    return axe.page


@pytest.fixture
def sign_in(page, axe):
    def _sign_in(user, password: str = "correct-horse-battery"):
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        axe.user = user
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return _sign_in
