"""Issue 12, volume of email: each person chooses per kind of event how they are told (straight away,
a daily digest, or in the service only). By default a region-wide breach decision reaches the other
LAs' people in the next day's digest, not as an email each at once; the digest sends once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from breaches.services.requests import breach_request_decide, breach_request_sign
from riia.models import (
    AuditRecord,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    Role,
)
from riia.services import notification_preferences_set, notification_send
from riia.tasks import notification_digests_send, notification_emails_retry_unsent
from tests.breaches.factories import BreachRequestFactory
from tests.riia.factories import LocalAuthorityFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_decision(la, workforce_lead, dcs, chief_executive):
    breach_request = BreachRequestFactory(local_authority=la, submitted=True)
    breach_request_sign(breach_request=breach_request, actor=dcs, role=Role.DCS)
    return breach_request_sign(breach_request=breach_request, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)


@pytest.fixture
def region_people(region):
    """Everyone else in the region: four more LAs with a lead, DCS, chief executive and viewer each."""
    people = []
    for _ in range(4):
        other = LocalAuthorityFactory(region=region)
        people += [person_with_role(role, other) for role in Role.la_roles()]
    return people


def test_one_decision_emails_only_the_requesting_la_straight_away(
    awaiting_decision,
    programme_manager,
    workforce_lead,
    dcs,
    chief_executive,
    region_people,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        breach_request_decide(breach_request=awaiting_decision, actor=programme_manager, outcome="approved")

    emailed = {m.to[0] for m in mail.outbox}
    assert emailed == {workforce_lead.email, dcs.email, chief_executive.email}
    news = Notification.objects.filter(kind=NotificationKind.REGION)
    assert news.count() == len(region_people) == 16
    assert set(news.values_list("delivery", flat=True)) == {NotificationDelivery.DIGEST}
    assert not news.filter(emailed_at__isnull=False).exists()


def test_the_daily_digest_sends_each_person_one_email_once(
    awaiting_decision, programme_manager, region_people, django_capture_on_commit_callbacks
):
    reader = region_people[0]
    with django_capture_on_commit_callbacks(execute=True):
        breach_request_decide(breach_request=awaiting_decision, actor=programme_manager, outcome="approved")
        notification_send(
            recipients=[reader], subject="New price caps for the region", url="/x/", kind=NotificationKind.REGION
        )
    mail.outbox.clear()

    assert notification_digests_send() == len(region_people)

    assert len(mail.outbox) == len(region_people)
    assert {m.to[0] for m in mail.outbox} == {p.email for p in region_people}
    theirs = next(m for m in mail.outbox if m.to == [reader.email])
    assert theirs.subject == "Your daily summary from the RIIA service: 2 updates"
    assert f"Breach decision: {awaiting_decision.local_authority}" in theirs.body
    assert "- New price caps for the region\n  " in theirs.body and f"{settings.SITE_URL}/x/" in theirs.body
    assert not Notification.objects.filter(delivery=NotificationDelivery.DIGEST, emailed_at__isnull=True).exists()

    mail.outbox.clear()
    assert notification_digests_send() == 0
    assert mail.outbox == []


def test_in_the_service_only_is_never_emailed(second_la_lead, django_capture_on_commit_callbacks):
    notification_preferences_set(actor=second_la_lead, deliveries={NotificationKind.REGION: "in_service"})
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notification_send(recipients=[second_la_lead], subject="News", kind=NotificationKind.REGION)
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(hours=1))

    notification_emails_retry_unsent()
    notification_digests_send()

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.delivery == NotificationDelivery.IN_SERVICE and notification.emailed_at is None


def test_a_person_who_wants_region_news_straight_away_gets_it(
    second_la_lead, la_viewer, django_capture_on_commit_callbacks
):
    notification_preferences_set(actor=second_la_lead, deliveries={NotificationKind.REGION: "immediately"})

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[second_la_lead, la_viewer], subject="News", kind=NotificationKind.REGION)

    assert [m.to for m in mail.outbox] == [[second_la_lead.email]]


def test_own_business_can_wait_for_the_digest(workforce_lead, django_capture_on_commit_callbacks):
    notification_preferences_set(actor=workforce_lead, deliveries={NotificationKind.ACTION: "digest"})

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[workforce_lead], subject="Sign this", kind=NotificationKind.ACTION)
    assert mail.outbox == []

    notification_digests_send()
    assert len(mail.outbox) == 1 and "- Sign this" in mail.outbox[0].body


def test_the_digest_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "riia.tasks.notification_digests_send" in tasks


# --- The settings page ----------------------------------------------------------------------


def test_the_notifications_page_links_to_the_settings(client_for, la_viewer):
    response = client_for(la_viewer).get(reverse("notifications"))

    assert reverse("notification-preferences") in response.content.decode()


def test_the_settings_page_shows_the_defaults(client_for, la_viewer):
    response = client_for(la_viewer).get(reverse("notification-preferences"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-radios"' in html
    form = response.context["form"]
    assert form["action"].value() == "immediately"
    assert form["own"].value() == "immediately"
    assert form["region"].value() == "digest"


def test_a_person_saves_their_choices_with_an_audit_record(client_for, la_viewer, workforce_lead):
    response = client_for(la_viewer).post(
        reverse("notification-preferences"), {"action": "immediately", "own": "digest", "region": "in_service"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    assert dict(NotificationPreference.objects.filter(user=la_viewer).values_list("kind", "delivery")) == {
        "action": "immediately",
        "own": "digest",
        "region": "in_service",
    }
    assert not NotificationPreference.objects.filter(user=workforce_lead).exists()
    record = AuditRecord.objects.get(action="notification.preferences_changed")
    assert record.actor == la_viewer
    assert record.before == {"own": "immediately", "region": "digest"}
    assert record.after == {"own": "digest", "region": "in_service"}


def test_a_missing_or_unknown_choice_is_refused_and_nothing_saved(client_for, la_viewer):
    response = client_for(la_viewer).post(reverse("notification-preferences"), {"action": "hourly", "own": "digest"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and html.count("Select how you want to be told about this") >= 2
    assert not NotificationPreference.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("notification-preferences"))

    assert response.status_code == 302 and reverse("login") in response["Location"]
