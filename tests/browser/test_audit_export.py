"""The audit trail export in a real browser, with axe on every page: a service administrator finds
it in the navigation, is told what is wrong with a bad range, and downloads the CSV."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from riia.models import AuditRecord
from riia.services import audit_record
from tests.govuk import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_service_admin_downloads_a_day_of_the_audit_trail(sign_in):
    admin = get_user_model().objects.create_superuser(
        "admin@example.gov.uk", "correct-horse-battery", full_name="Service Admin"
    )
    audit_record(actor=admin, action="caps.published", after={"rate": "35.00"})
    page = sign_in(admin)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Export the audit trail")).to_be_visible()
    page.get_by_role("button", name="Download CSV").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date to export from")
    summary.get_by_role("link", name="Enter the date to export from").click()
    expect(page.get_by_role("group", name="From").get_by_label("Day")).to_be_focused()

    today = timezone.localdate()
    fill_date(page, "From", today)
    fill_date(page, "To", today)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == f"audit-trail-{today:%Y-%m-%d}-to-{today:%Y-%m-%d}.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))

    assert "caps.published" in [r["action"] for r in rows]
    assert AuditRecord.objects.get(action="audit_trail.exported").after["rows"] == len(rows)
