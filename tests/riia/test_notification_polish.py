"""Issue 12, notifications and emails: written for a person (greeting, grammar, figures, link, who to
ask), the requesting LA's own message, a rejection's reason, and no "your case study is published"
for the person who published it themselves."""

import pytest
from django.core import mail

from breaches.services.requests import breach_request_decide, breach_request_sign
from casestudies import services as case_study_services
from riia.models import Notification, Role
from riia.services import notification_email_send
from tests.breaches.factories import BreachRequestFactory
from tests.casestudies.factories import CaseStudyFactory
from tests.rates.factories import core_grade

pytestmark = pytest.mark.django_db


def test_email_has_a_greeting_the_link_and_who_to_contact(dcs):
    notification = Notification.objects.create(recipient=dcs, subject="Hello", body="Something happened.", url="/x/")

    notification_email_send(notification_id=notification.pk)

    text = mail.outbox[0].body
    assert text.startswith("Dear Dana,\n\nSomething happened.")
    assert "/x/" in text and "contact your region's programme manager" in text


@pytest.fixture
def awaiting_decision(la, workforce_lead, dcs, chief_executive):
    breach_request = BreachRequestFactory(
        local_authority=la, submitted=True, role_grade=core_grade("advanced_practitioner"), number_of_roles=2
    )
    breach_request_sign(breach_request=breach_request, actor=dcs, role=Role.DCS)
    return breach_request_sign(breach_request=breach_request, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)


def test_a_rejection_tells_the_la_in_its_own_words_with_the_reason(
    awaiting_decision, programme_manager, workforce_lead, second_la_lead
):
    breach_request_decide(
        breach_request=awaiting_decision, actor=programme_manager, outcome="rejected", comment="The cap is enough."
    )

    own = Notification.objects.get(recipient=workforce_lead, subject__startswith="Your breach request")
    assert own.subject == f"Your breach request {awaiting_decision.reference} was rejected"
    assert "pay an advanced practitioner above the cap" in own.body
    assert "Reason: The cap is enough." in own.body and "Roles: 2 roles" in own.body
    other = Notification.objects.get(recipient=second_la_lead)
    assert "Reason: The cap is enough." in other.body and "role(s)" not in other.body
    assert not Notification.objects.filter(recipient=workforce_lead, subject__startswith="Breach decision").exists()


def test_an_approval_carries_its_conditions_and_figures(awaiting_decision, programme_manager, second_la_lead):
    breach_request_decide(
        breach_request=awaiting_decision, actor=programme_manager, outcome="approved", conditions="Review in May."
    )

    body = Notification.objects.get(recipient=second_la_lead).body
    assert "Conditions: Review in May." in body
    assert f"Rate: £{awaiting_decision.proposed_rate} an hour" in body and "1 role" not in body


def test_publishing_ones_own_case_study_sends_no_your_case_study_notice(la, programme_manager, region):
    study = CaseStudyFactory(author_la=None, region=region, author=programme_manager, status="submitted")

    case_study_services.case_study_publish(case_study=study, actor=programme_manager)

    assert not Notification.objects.filter(recipient=programme_manager, subject__startswith="Case study published")


def test_the_author_is_still_told_when_someone_else_publishes(la, workforce_lead, programme_manager):
    study = CaseStudyFactory(author_la=la, author=workforce_lead, status="submitted")

    case_study_services.case_study_publish(case_study=study, actor=programme_manager)

    assert Notification.objects.filter(recipient=workforce_lead, subject__startswith="Case study published").exists()
