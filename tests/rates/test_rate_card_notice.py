"""Issue 12: the MSPs serving a region are told when a rate card is published, and the notice (and
so its email) lists the new rates: role, engagement type and rate, with the cap each replaces."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from rates.lookup import paye_equivalent
from rates.models import CoreJobType
from riia.models import Notification, NotificationPreference
from tests.rates.factories import CORE_RATES, publish_card
from tests.riia.factories import MSPFactory, person_with_role

pytestmark = pytest.mark.django_db


def test_the_msps_serving_the_region_are_told(
    region, programme_manager, grades, msp_uploader, msp_viewer, workforce_lead, foreign_la
):
    elsewhere = MSPFactory(name="Elsewhere MSP")
    elsewhere.local_authorities.add(foreign_la)
    outsider = person_with_role("msp_uploader", elsewhere)

    publish_card(region, programme_manager)

    told = set(Notification.objects.values_list("recipient", flat=True))
    assert {msp_uploader.pk, msp_viewer.pk, workforce_lead.pk} <= told
    assert outsider.pk not in told
    assert Notification.objects.filter(recipient=msp_uploader).count() == 1


def test_the_notice_lists_each_role_engagement_type_and_rate(region, programme_manager, grades, msp_uploader):
    publish_card(region, programme_manager, effective_from=date(2026, 4, 1))
    rates = {**CORE_RATES, CoreJobType.SOCIAL_WORKER: Decimal("36.05")}
    publish_card(region, programme_manager, effective_from=date(2027, 4, 1), rates=rates)

    body = Notification.objects.filter(recipient=msp_uploader).order_by("-pk").first().body
    social_worker = grades[CoreJobType.SOCIAL_WORKER].name
    assert (
        f"- {social_worker}: Limited company or umbrella company £36.05 an hour (was £35.00); "
        f"PAYE (agency payroll) £{paye_equivalent(Decimal('36.05'))} an hour"
    ) in body
    assert f"- {grades[CoreJobType.TEAM_MANAGER].name}: Limited company or umbrella company £45.00 an hour" in body


def test_the_email_carries_the_rates(
    region, programme_manager, grades, msp_uploader, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=msp_uploader, kind="region", delivery="immediately")

    with django_capture_on_commit_callbacks(execute=True):
        publish_card(region, programme_manager)

    (email,) = [m for m in mail.outbox if m.to == [msp_uploader.email]]
    assert "The new hourly caps:" in email.body and "£40.00 an hour (new)" in email.body
