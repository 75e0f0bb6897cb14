"""Sign-in throttling (django-axes, riia.signin_throttle): per account from one address, per account,
per address; our sign-in page and the admin's; the lockout page; unlocking; what is logged."""

import logging

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from tests.riia.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
WRONG = "Tr0ub4dor&3-wrong-guess"
SIGN_IN = "/sign-in/"
ADMIN_SIGN_IN = "/admin/login/"


def sign_in(client, email, password, *, address="192.0.2.10", url=SIGN_IN):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def small_limits(settings):
    settings.RIIA_SIGNIN_FAILURE_LIMITS = {"account_and_address": 5, "account": 8, "address": 10}


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_the_lockout_page(client, workforce_lead):
    for _ in range(30):
        sign_in(client, workforce_lead.email, WRONG)

    response = sign_in(client, workforce_lead.email, PASSWORD)

    assert response.status_code == 429
    assert "You cannot sign in for 30 minutes" in response.text
    assert "govuk-error-summary" in response.text
    assert not is_signed_in(client)


def test_the_fifth_failure_locks_and_the_fourth_does_not(client, workforce_lead):
    for _ in range(4):
        assert sign_in(client, workforce_lead.email, WRONG).status_code == 200  # the form, with its error

    assert sign_in(client, workforce_lead.email, WRONG).status_code == 429


def test_four_wrong_passwords_then_the_right_one_signs_in_and_clears_them(client, workforce_lead):
    for _ in range(4):
        sign_in(client, workforce_lead.email, WRONG)

    response = sign_in(client, workforce_lead.email, PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)
    assert not AccessAttempt.objects.filter(username=workforce_lead.email).exists()


def test_the_admin_sign_in_is_throttled_the_same_way(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(30):
        client.post(ADMIN_SIGN_IN, {"username": staff.email, "password": WRONG}, REMOTE_ADDR="192.0.2.10")

    response = client.post(ADMIN_SIGN_IN, {"username": staff.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 429
    assert "You cannot sign in for 30 minutes" in response.text
    assert not is_signed_in(client)


def test_failures_count_against_an_account_whatever_the_case_of_its_email(client, workforce_lead):
    email = workforce_lead.email
    for variant in [email.upper(), email.title(), f" {email}", email.capitalize(), email.swapcase()]:
        sign_in(client, variant, WRONG)

    assert sign_in(client, workforce_lead.email, PASSWORD).status_code == 429


def test_one_account_tried_from_many_addresses_is_locked_everywhere(client, small_limits, workforce_lead):
    for n in range(8):
        sign_in(client, workforce_lead.email, WRONG, address=f"198.51.100.{n}")

    response = sign_in(client, workforce_lead.email, PASSWORD, address="203.0.113.1")

    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked_for_every_account(client, small_limits, workforce_lead):
    for n in range(10):
        sign_in(client, f"guess{n}@example.org", WRONG, address="198.51.100.7")

    assert sign_in(client, workforce_lead.email, PASSWORD, address="198.51.100.7").status_code == 429
    # The same person from anywhere else is not held up by someone else's guessing.
    assert sign_in(client, workforce_lead.email, PASSWORD, address="203.0.113.1").status_code == 302


def test_signing_in_does_not_clear_failures_against_other_accounts_from_the_same_address(
    client, small_limits, workforce_lead, dcs
):
    for n in range(9):
        sign_in(client, f"guess{n}@example.org", WRONG, address="198.51.100.7")
    assert sign_in(client, dcs.email, PASSWORD, address="198.51.100.7").status_code == 302
    client.logout()

    assert sign_in(client, f"guess{9}@example.org", WRONG, address="198.51.100.7").status_code == 429


def test_staff_unlock_an_account_with_the_management_command(client, workforce_lead):
    for _ in range(6):
        sign_in(client, workforce_lead.email, WRONG)
    assert sign_in(client, workforce_lead.email, PASSWORD).status_code == 429

    call_command("axes_reset_username", workforce_lead.email, stdout=None)

    assert sign_in(client, workforce_lead.email, PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_staff_see_and_can_remove_locks_in_the_admin(client, workforce_lead):
    for _ in range(6):
        sign_in(client, workforce_lead.email, WRONG)
    attempt = AccessAttempt.objects.get(username=workforce_lead.email)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert workforce_lead.email in listing.text
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    client.logout()

    assert sign_in(client, workforce_lead.email, PASSWORD).status_code == 302


def test_failures_are_logged_with_the_account_and_address_but_never_the_password(client, caplog, workforce_lead):
    with caplog.at_level(logging.INFO, logger="axes"):
        for _ in range(5):
            sign_in(client, workforce_lead.email, WRONG)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "login failure" in logged
    assert "Locking out" in logged
    assert workforce_lead.email in logged
    assert "192.0.2.10" in logged
    assert WRONG not in logged
    assert WRONG not in AccessAttempt.objects.get(username=workforce_lead.email).post_data
