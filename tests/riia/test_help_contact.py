"""Issue 12: a help contact per region, set in the admin, shown in the page footer and in every
email's "who to contact"."""

import pytest
from django.core import mail
from django.urls import reverse

from riia.models import AuditRecord, Notification, Region
from riia.services import notification_digest_send, notification_email_send

pytestmark = pytest.mark.django_db

CONTACT = "Jane Smith, RIIA programme manager, riia@wm.example.gov.uk, 0121 496 0000"


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.gov.uk", password="x" * 12, is_staff=True)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_staff_set_the_help_contact_in_the_admin_with_an_audit_record(staff_client, region):
    data = {
        "programme_body": region.programme_body,
        "cool_off_months": str(region.cool_off_months),
        "breach_decision_level": region.breach_decision_level,
        "regional_decision_required": "on",
        "help_contact": f"  {CONTACT} ",
    }

    response = staff_client.post(reverse("admin:riia_region_change", args=[region.pk]), data)

    assert response.status_code == 302
    assert Region.objects.get(pk=region.pk).help_contact == CONTACT
    record = AuditRecord.objects.get(action="region.settings_changed")
    assert record.after["help_contact"] == CONTACT


def test_the_footer_names_the_regions_help_contact(client_for, region, workforce_lead):
    Region.objects.filter(pk=region.pk).update(help_contact=CONTACT)

    html = client_for(workforce_lead).get(reverse("home")).content.decode()

    assert "Get help" in html and CONTACT in html


def test_another_regions_contact_is_not_shown(client_for, region, foreign_lead):
    Region.objects.filter(pk=region.pk).update(help_contact=CONTACT)

    html = client_for(foreign_lead).get(reverse("home")).content.decode()

    assert CONTACT not in html and "Contact your region's programme manager." in html


def test_emails_say_who_to_contact(region, workforce_lead, foreign_lead):
    Region.objects.filter(pk=region.pk).update(help_contact=CONTACT)
    ours = Notification.objects.create(recipient=workforce_lead, subject="Hello", body="News.")
    theirs = Notification.objects.create(recipient=foreign_lead, subject="Hello", body="News.")

    notification_email_send(notification_id=ours.pk)
    notification_email_send(notification_id=theirs.pk)

    assert f"If you have a question about this, contact {CONTACT}." in mail.outbox[0].body
    assert "contact your region's programme manager." in mail.outbox[1].body


def test_the_digest_says_who_to_contact(region, workforce_lead):
    Region.objects.filter(pk=region.pk).update(help_contact=CONTACT)
    Notification.objects.create(recipient=workforce_lead, subject="News", delivery="digest")

    notification_digest_send(user_id=workforce_lead.pk)

    assert f"contact {CONTACT}." in mail.outbox[0].body


def test_msp_people_see_the_contact_of_the_regions_their_msp_serves(client_for, region, msp_uploader):
    Region.objects.filter(pk=region.pk).update(help_contact=CONTACT)

    html = client_for(msp_uploader).get(reverse("home")).content.decode()

    assert CONTACT in html
