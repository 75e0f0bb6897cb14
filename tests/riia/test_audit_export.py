"""The audit trail export: a service administrator downloads the audit records of a date range as CSV
(streamed), the export is itself audited, and everyone else is refused."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from riia import selectors
from riia.models import AuditRecord
from riia.services import audit_record
from riia.views_audit import CSV_HEADER

pytestmark = pytest.mark.django_db

URL = "/audit/export/"


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("admin@example.gov.uk", "pw", full_name="Service Admin")


def _record(when: datetime, action: str, obj=None, **values) -> AuditRecord:
    """A record made at ``when`` (the service stamps the present, and the trail cannot be updated)."""
    return AuditRecord.objects.create(
        actor_label="System",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj) if obj is not None else "",
        created_at=when,
        **values,
    )


@pytest.fixture
def trail(la):
    """Records either side of a range, in UK time: 31 March 23:30 BST is 22:30 UTC, still 31 March."""
    return {
        "before": _record(datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "range.before"),
        "first": _record(datetime(2026, 3, 31, 23, 0, tzinfo=UTC), "range.first", obj=la, after={"rate": "35.00"}),
        "formula": _record(datetime(2026, 4, 15, 9, 0, tzinfo=UTC), "=HYPERLINK(1)", before={"a": 1}),
        "last": _record(datetime(2026, 4, 30, 22, 59, tzinfo=UTC), "range.last"),
        "after": _record(datetime(2026, 4, 30, 23, 0, tzinfo=UTC), "range.after"),
    }


def _post(client, **dates):
    data = {}
    for name, value in dates.items():
        data |= {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}
    return client.post(URL, data)


def _rows(response) -> list[list[str]]:
    assert response.streaming, "the CSV is streamed"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_admin_gets_every_record_of_the_range_in_uk_days(client, admin, trail, la):
    client.force_login(admin)
    response = _post(client, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert 'filename="audit-trail-2026-04-01-to-2026-04-30.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == CSV_HEADER
    assert [r[2] for r in rows[1:]] == ["range.first", "'=HYPERLINK(1)", "range.last"]
    first = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert first["created_at"] == "2026-03-31T23:00:00+00:00"
    assert first["actor_label"] == "System"
    assert first["object_type"] == "riia.localauthority"
    assert first["object_id"] == str(la.pk)
    assert first["object_repr"] == str(la)
    assert json.loads(first["after"]) == {"rate": "35.00"}
    assert first["before"] == ""


def test_the_export_is_audited_with_who_the_range_and_the_count(client, admin, trail):
    client.force_login(admin)
    rows = _rows(_post(client, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)))

    record = AuditRecord.objects.get(action="audit_trail.exported")
    assert record.actor == admin
    assert record.after == {"from": "2026-04-01", "to": "2026-04-30", "rows": 3}
    assert len(rows) == 1 + 3


def test_an_export_up_to_today_holds_exactly_the_counted_rows(client, admin):
    """Its own audit record is written before the rows stream, yet is not among them."""
    client.force_login(admin)
    audit_record(actor=None, action="today.something")
    today = timezone.localdate()
    rows = _rows(_post(client, date_from=today, date_to=today))

    assert [r[2] for r in rows[1:]] == ["today.something"]
    assert AuditRecord.objects.get(action="audit_trail.exported").after["rows"] == 1


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({}, "date_from", "Enter the date to export from"),
        ({"date_from": date(2026, 4, 1)}, "date_to", "Enter the date to export to"),
        (
            {"date_from": date(2026, 4, 30), "date_to": date(2026, 4, 1)},
            "date_to",
            "The date to export to must be the same as or after the date to export from",
        ),
        (
            {"date_from": date(2026, 4, 1), "date_to": date(2999, 1, 1)},
            "date_to",
            "The date to export to must be today or in the past",
        ),
    ],
)
def test_a_bad_range_is_refused_with_a_message_on_its_field(client, admin, dates, field, message):
    client.force_login(admin)
    response = _post(client, **dates)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert message in response.context["form"].errors[field]
    assert not AuditRecord.objects.filter(action="audit_trail.exported").exists()


def test_an_impossible_date_is_refused(client, admin):
    client.force_login(admin)
    response = client.post(URL, {"date_from_day": 31, "date_from_month": 2, "date_from_year": 2026, "date_to_day": 1})
    assert response.status_code == 400
    assert "The date to export from must be a real date" in response.content.decode()


def test_everyone_but_a_service_admin_is_refused(client, programme_manager, workforce_lead, trail):
    staff_only = get_user_model().objects.create_user("staff@example.gov.uk", "pw", full_name="Staff", is_staff=True)
    for person in (programme_manager, workforce_lead, staff_only):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert _post(client, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)).status_code == 403
        with pytest.raises(PermissionDenied):
            selectors.audit_records_in_range(user=person, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    assert not AuditRecord.objects.filter(action="audit_trail.exported").exists()


def test_the_admin_reaches_the_page_from_the_navigation(client, admin, workforce_lead):
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page
    client.force_login(workforce_lead)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()
