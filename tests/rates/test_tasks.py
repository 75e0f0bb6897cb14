from datetime import timedelta

import pytest
from django.conf import settings

from rates.models import Exemption
from rates.tasks import exemptions_expire_task, exemptions_warn_ending_task
from riia.models import Notification
from tests.rates.factories import ExemptionFactory

pytestmark = pytest.mark.django_db


def test_both_tasks_run_daily_from_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"rates.tasks.exemptions_warn_ending_task", "rates.tasks.exemptions_expire_task"} <= tasks


def test_warn_task_tells_the_la_and_programme_manager_once(la, workforce_lead, programme_manager, today):
    ExemptionFactory(local_authority=la, starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=3))

    assert exemptions_warn_ending_task.delay().get() == 1
    assert exemptions_warn_ending_task.delay().get() == 0
    assert set(Notification.objects.values_list("recipient", flat=True)) == {workforce_lead.pk, programme_manager.pk}


def test_expire_task_marks_ended_exemptions_once(la, today):
    exemption = ExemptionFactory(
        local_authority=la, starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=1)
    )

    assert exemptions_expire_task.delay().get() == 1
    assert exemptions_expire_task.delay().get() == 0
    exemption.refresh_from_db()
    assert exemption.status == Exemption.Status.EXPIRED
