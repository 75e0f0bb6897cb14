import pytest
from django.urls import reverse

from riia.models import Notification

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_sign_in_with_wrong_password_shows_error_summary(client, workforce_lead):
    response = client.post(reverse("login"), {"username": workforce_lead.email, "password": "wrong"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct email address and password" in response.text


def test_sign_in_with_empty_fields_names_each_field(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    assert 'href="#id_username">Enter your email address' in response.text
    assert 'href="#id_password">Enter your password' in response.text


def test_sign_in_and_out(client, workforce_lead):
    response = client.post(reverse("login"), {"username": workforce_lead.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == reverse("home")

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_home_page_shows_roles_and_empty_states(client_for, workforce_lead):
    response = client_for(workforce_lead).get(reverse("home"))

    assert response.status_code == 200
    assert "Workforce lead" in response.text and "Dudley" in response.text
    assert "You have no new notifications." in response.text


def test_home_page_of_a_person_without_roles_says_what_to_do(client_for, nobody):
    response = client_for(nobody).get(reverse("home"))

    assert "Ask your region's programme manager to add you" in response.text


@pytest.mark.parametrize("person", ["workforce_lead", "programme_manager", "msp_viewer", "sub_regional_lead"])
def test_region_page_is_visible_to_region_members(request, client_for, region, la, person):
    response = client_for(request.getfixturevalue(person)).get(reverse("region-detail", args=[region.slug]))

    assert response.status_code == 200
    assert "12 months" in response.text and "Dudley" in response.text


@pytest.mark.parametrize("person", ["foreign_lead", "agency_contact", "nobody"])
def test_region_page_is_refused_to_others(request, client_for, region, person):
    response = client_for(request.getfixturevalue(person)).get(reverse("region-detail", args=[region.slug]))

    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.text


def test_navigation_depends_on_roles(client_for, workforce_lead, agency_contact, region):
    lead_page = client_for(workforce_lead).get(reverse("home")).text
    assert reverse("region-detail", args=[region.slug]) in lead_page

    agency_page = client_for(agency_contact).get(reverse("home")).text
    assert reverse("region-detail", args=[region.slug]) not in agency_page


def test_unknown_page_is_a_govuk_404(client_for, workforce_lead, settings):
    settings.DEBUG = False
    response = client_for(workforce_lead).get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_reading_a_notification_marks_it_and_follows_its_link(client_for, dcs):
    notification = Notification.objects.create(recipient=dcs, subject="Sign this", url="/regions/west-midlands/")

    response = client_for(dcs).post(reverse("notification-read", args=[notification.pk]))

    assert response.status_code == 302 and response.url == "/regions/west-midlands/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_reading_another_person_s_notification_is_refused(client_for, dcs, chief_executive):
    notification = Notification.objects.create(recipient=dcs, subject="For the DCS only")

    response = client_for(chief_executive).post(reverse("notification-read", args=[notification.pk]), follow=True)

    assert "does not exist or is not yours" in response.text
    notification.refresh_from_db()
    assert notification.read_at is None


def test_get_never_marks_notifications_read(client_for, dcs):
    notification = Notification.objects.create(recipient=dcs, subject="Hello")

    response = client_for(dcs).get(reverse("notification-read", args=[notification.pk]))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_demo_command_is_idempotent(db, capsys, settings):
    settings.DEBUG = True  # the command refuses in production mode; pytest-django turns DEBUG off
    from django.core.management import call_command

    from riia.models import User

    call_command("demo")
    first = capsys.readouterr().out
    count = User.objects.count()
    call_command("demo")
    second = capsys.readouterr().out

    assert "Password for the demo people" in first
    assert User.objects.count() == count
    assert "keep the password printed when they were made" in second
    assert (
        User.objects.filter(memberships__role="dcs", memberships__local_authority__region__slug="london").count() == 33
    )


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    assert "govuk-template" in html
