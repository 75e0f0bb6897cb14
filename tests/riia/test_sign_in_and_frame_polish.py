"""Issue 12, sign-in and the page frame: the "forgotten your password?" journey, the footer's pages,
the phase banner inside a landmark, times written GOV.UK style, and "Print this page" links."""

import re
from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from riia.templatetags.govuk import govuk_datetime, govuk_time

pytestmark = pytest.mark.django_db


def test_forgotten_password_journey(client, workforce_lead):
    assert "Forgotten your password?" in client.get(reverse("login")).text

    response = client.post(reverse("password_reset"), {"email": workforce_lead.email.upper()})

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.startswith(f"Dear {workforce_lead.full_name},")
    link = re.search(r"https?://\S+/password-reset/\S+/", body).group(0)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "a-much-longer-passphrase-42", "new_password2": "a-much-longer-passphrase-42"},
        follow=True,
    )
    assert "Password changed" in done.text
    workforce_lead.refresh_from_db()
    assert workforce_lead.check_password("a-much-longer-passphrase-42")


def test_an_unknown_address_is_not_revealed(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.uk"})

    assert response.status_code == 302 and not mail.outbox


def test_an_empty_address_is_explained(client):
    response = client.post(reverse("password_reset"), {"email": ""})

    assert 'href="#id_email">Enter your email address' in response.text


def test_a_used_or_bad_link_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))

    assert "This link has expired or has been used" in response.text


@pytest.mark.parametrize(
    ("name", "heading"),
    [("accessibility", "Accessibility statement"), ("privacy", "Privacy notice"), ("cookies", "Cookies")],
)
def test_footer_pages_are_linked_and_public(client, name, heading):
    sign_in = client.get(reverse("login")).text
    assert f'href="{reverse(name)}"' in sign_in

    page = client.get(reverse(name))

    assert page.status_code == 200 and f">{heading}</h1>" in page.text


def test_privacy_notice_covers_placement_data(client):
    assert "placement data" in client.get(reverse("privacy")).text.lower()


def test_phase_banner_sits_inside_the_header_landmark(client):
    page = client.get(reverse("login")).text

    assert page.index("<header") < page.index("govuk-phase-banner") < page.index("</header>")


@pytest.mark.parametrize(
    ("hour", "minute", "expected"), [(16, 40, "4:40pm"), (9, 5, "9:05am"), (12, 0, "midday"), (0, 0, "midnight")]
)
def test_times_read_govuk_style(hour, minute, expected):
    moment = timezone.make_aware(datetime(2026, 11, 23, hour, minute))

    assert govuk_time(moment) == expected
    assert govuk_datetime(moment) == f"23 November 2026 at {expected}"


def test_request_page_has_a_print_link(client_for, workforce_lead, la):
    from tests.breaches.factories import BreachRequestFactory

    breach_request = BreachRequestFactory(local_authority=la)
    page = client_for(workforce_lead).get(reverse("breaches:request-detail", args=[breach_request.pk])).text

    assert 'data-module="app-print">Print this page</a>' in page
