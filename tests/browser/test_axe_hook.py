"""The pytest hook of the accessibility check, end to end: a browser test that passes on its own fails
when the page it ends on has a WCAG violation. It runs pytest on a one-test file in a subprocess."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.browser.test_axe import KNOWN_VIOLATIONS

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]

INNER_TEST = """
import pytest

from tests.browser.conftest import new_checked_page


@pytest.fixture
def axe(browser):  # as conftest's, without the live server: the page never leaves set_content
    page, checker = new_checked_page(browser, "http://127.0.0.1:9")
    yield checker
    page.context.close()


def test_visits_a_page_with_known_violations(page):
    page.set_content(KNOWN_VIOLATIONS)
"""


def _run_pytest_on(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pytest", "-p", "tests.browser.conftest", "-c", str(ROOT / "pyproject.toml")]
        + ["--rootdir", str(path.parent), "-p", "no:cacheprovider", "-q", str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_browser_test_that_ends_on_a_failing_page_fails(browser, tmp_path):
    inner = tmp_path / "test_inner.py"
    inner.write_text(f"KNOWN_VIOLATIONS = {KNOWN_VIOLATIONS!r}\n" + textwrap.dedent(INNER_TEST))

    result = _run_pytest_on(inner)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed" in result.stdout
    assert "AxeCheckFailed: axe-core found 2 WCAG 2.2 AA violation(s)" in result.stdout
    assert "[image-alt] Images must have alternative text" in result.stdout
    assert "[label] Form elements must have labels (critical)" in result.stdout
