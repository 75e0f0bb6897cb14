"""Headers, the request-size policy, the trusted proxy, the idle session and API pagination."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from riia.middleware import TrustedProxyMiddleware, client_ip
from riia.pagination import LimitOffsetPagination

pytestmark = pytest.mark.django_db


# --- Content-Security-Policy and Permissions-Policy -------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("page", ["/sign-in/", "/"])
def test_pages_carry_a_csp_with_no_inline_script_or_style_and_a_permissions_policy(
    client_for, workforce_lead, page, settings
):
    response = client_for(workforce_lead).get(page)

    csp = _csp(response)
    assert csp["script-src"] == ["'self'", "'report-sample'"]
    assert csp["style-src"] == ["'self'", settings.EMPTY_STYLE_HASH, "'report-sample'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    for feature in ["camera", "microphone", "geolocation"]:
        assert f"{feature}=()" in response["Permissions-Policy"]


def test_the_rendered_base_page_has_no_inline_script_style_or_event_handler(client_for, workforce_lead):
    html = client_for(workforce_lead).get("/").text

    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts, "the page loads its scripts"
    assert all(body.strip() == "" for body in scripts), "every script is a file"
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_api_answers_carry_the_headers_too(client_for, workforce_lead):
    response = client_for(workforce_lead).get("/api/v1/breach-requests/")

    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


# --- Request size ---------------------------------------------------------------------------


@pytest.fixture
def small_bodies(settings):
    settings.RIIA_REQUEST_MAX_BYTES = 1024
    settings.RIIA_REQUEST_MAX_BYTES_BY_PATH = {"/case-studies/": 4096, "/case-studies/resources/": 8192}


def test_an_oversized_form_is_refused_with_a_govuk_page_before_it_is_read(client_for, workforce_lead, small_bodies):
    response = client_for(workforce_lead).post(reverse("notifications-read-all"), {"padding": "x" * 2000})

    assert response.status_code == 413
    assert "What you sent is too large" in response.text
    assert "1 KB" in response.text
    assert "Content-Security-Policy" in response


def test_an_oversized_api_request_is_refused_with_json(client_for, workforce_lead, small_bodies):
    response = client_for(workforce_lead).post(
        "/api/v1/breach-requests/", data="x" * 2000, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {"field": None, "message": "The request body is 2000 bytes; the largest accepted here is 1024 bytes."}
        ]
    }


def test_a_body_within_its_paths_larger_limit_reaches_the_view(client_for, workforce_lead, small_bodies):
    client = client_for(workforce_lead)

    # Over the default, within /case-studies/: the view answers (here: GET-only, so 405).
    assert client.post("/case-studies/", {"padding": "x" * 3000}).status_code == 405
    # The longest prefix wins.
    assert client.post("/case-studies/resources/", {"padding": "x" * 6000}).status_code == 405
    assert client.post("/case-studies/resources/", {"padding": "x" * 9000}).status_code == 413


def test_the_msp_upload_endpoints_accept_64_mb(settings):
    from riia.middleware import request_max_bytes

    assert request_max_bytes("/api/v1/placements/uploads/") == 64 * 1024 * 1024
    assert request_max_bytes("/api/v1/leavers/uploads/") == 64 * 1024 * 1024
    assert request_max_bytes("/case-studies/resources/new/") == settings.CASESTUDIES_RESOURCE_MAX_BYTES + 64 * 1024
    assert request_max_bytes("/breaches/requests/new/") == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


# --- Trusted proxy --------------------------------------------------------------------------


def _through_proxy_middleware(request):
    seen = {}

    def view(req):
        seen["secure"] = req.is_secure()
        seen["client"] = client_ip(req)
        return

    TrustedProxyMiddleware(view)(request)
    return seen


@pytest.fixture
def behind_proxy(settings):
    settings.RIIA_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_forwarded_headers_are_believed_from_the_configured_proxy(behind_proxy):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )

    assert _through_proxy_middleware(request) == {"secure": True, "client": "203.0.113.9"}


def test_forwarded_headers_are_ignored_from_anyone_else(behind_proxy):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="10.0.0.7"
    )

    assert _through_proxy_middleware(request) == {"secure": False, "client": "203.0.113.9"}


def test_with_no_proxy_configured_forwarded_headers_are_ignored(settings):
    settings.RIIA_TRUSTED_PROXIES = []
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )

    assert _through_proxy_middleware(request) == {"secure": False, "client": "127.0.0.1"}


# --- Idle session ---------------------------------------------------------------------------


def test_a_session_ends_after_eight_idle_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.RIIA_SESSION_WARNING_SECONDS == 5 * 60


def _stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_using_the_service_slides_the_expiry_at_most_once_a_minute(client_for, workforce_lead):
    client = client_for(workforce_lead)
    client.get("/")
    first = _stored_expiry(client)

    client.get("/")
    assert _stored_expiry(client) == first  # within the minute: not written again

    session = client.session
    session["riia_refreshed_at"] = int(time.time()) - 3600
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + timedelta(hours=7))
    client.get("/")

    assert client.session["riia_refreshed_at"] >= int(time.time()) - 5
    assert _stored_expiry(client) > first


def test_an_idle_session_is_signed_out(client_for, workforce_lead, settings):
    settings.SESSION_COOKIE_AGE = 1
    client = client_for(workforce_lead)
    client.get("/")
    time.sleep(2)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_a_signed_in_page_offers_the_timeout_warning(client_for, workforce_lead):
    html = client_for(workforce_lead).get("/").text

    assert 'data-module="app-session-timeout"' in html
    assert 'data-warn-before="300"' in html
    assert re.search(r'data-expires-in="(28[0-9]{3})"', html)
    assert "Stay signed in" in html


def test_the_sign_in_page_has_no_timeout_warning_and_says_why_after_a_timeout(client):
    html = client.get("/sign-in/?timeout=1").text

    assert "app-session-timeout" not in html
    assert "We signed you out because you had not done anything for a while" in html


def test_keep_alive_restarts_the_idle_time(client_for, workforce_lead):
    client = client_for(workforce_lead)
    client.get("/")
    session = client.session
    session["riia_refreshed_at"] = int(time.time()) - 30  # within the minute: a page would not refresh
    session.save()

    response = client.post(reverse("session-keep-alive"))

    assert response.status_code == 200
    assert response.json() == {"expires_in": 8 * 60 * 60}
    assert client.session["riia_refreshed_at"] >= int(time.time()) - 5


def test_keep_alive_needs_sign_in_and_post(client, client_for, workforce_lead):
    anonymous = client.post(reverse("session-keep-alive"))
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/sign-in/")
    assert "_auth_user_id" not in client.session

    assert client_for(workforce_lead).get(reverse("session-keep-alive")).status_code == 405


# --- API pagination -------------------------------------------------------------------------


def test_api_pagination_has_a_ceiling(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] == "riia.pagination.LimitOffsetPagination"
    assert LimitOffsetPagination.max_limit == 1000


def test_a_huge_limit_returns_at_most_the_maximum(client_for, workforce_lead, la, region, monkeypatch):
    from tests.breaches.factories import BreachRequestFactory, cap_in

    cap_in(region)
    monkeypatch.setattr(LimitOffsetPagination, "max_limit", 3)
    for _ in range(5):
        BreachRequestFactory(local_authority=la)

    body = client_for(workforce_lead).get("/api/v1/breach-requests/?limit=100000000").json()

    assert body["count"] == 5
    assert len(body["results"]) == 3
