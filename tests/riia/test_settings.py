"""Production mode refuses to start without a real secret and hosts; check --deploy passes."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "mou.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://mou.example.org",
    "RIIA_REGISTRATION_HMAC_KEY": secrets.token_urlsafe(40),
}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 50}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must list"),
        ({"RIIA_REGISTRATION_HMAC_KEY": ""}, "RIIA_REGISTRATION_HMAC_KEY must be set"),
        ({"RIIA_REGISTRATION_HMAC_KEY": "too-short"}, "RIIA_REGISTRATION_HMAC_KEY must be at least 32"),
    ],
)
def test_production_refuses_to_start_without_secret_or_hosts(missing, message):
    result = _run("check", env={**PRODUCTION_ENV, **missing})

    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_passes_with_production_environment():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_command_refuses_in_production():
    result = _run("demo", env=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "refuses to run with DJANGO_DEBUG off" in result.stderr


def _setting(name: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(
        "shell", "--no-imports", "-c", f"from django.conf import settings; print(repr(settings.{name}))", env=env
    )


def test_debug_is_off_unless_asked_for_so_a_forgotten_variable_refuses_to_start():
    # A production deployment that set its hosts but forgot DJANGO_DEBUG and the key.
    result = _run("check", env={"DJANGO_ALLOWED_HOSTS": "mou.example.org"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_with_nothing_set_the_service_refuses_to_start_and_says_how_to_develop():
    result = _run("check", env={})

    assert result.returncode != 0
    assert "set DJANGO_DEBUG=true" in result.stderr


def test_debug_is_on_only_when_asked_for():
    assert _setting("DEBUG", {"DJANGO_DEBUG": "true"}).stdout.strip() == "True"
    assert _setting("DEBUG", PRODUCTION_ENV).stdout.strip() == "False"


def test_x_forwarded_proto_is_trusted_only_when_a_proxy_is_configured():
    direct = _setting("SECURE_PROXY_SSL_HEADER", PRODUCTION_ENV)
    proxied = _setting("SECURE_PROXY_SSL_HEADER", {**PRODUCTION_ENV, "DJANGO_TRUSTED_PROXIES": "10.0.0.0/24"})

    assert direct.stdout.strip() == "None", direct.stderr
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", proxied.stderr


def test_a_misspelt_proxy_address_refuses_to_start():
    result = _run("check", env={**PRODUCTION_ENV, "DJANGO_TRUSTED_PROXIES": "10.0.0.300"})

    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES must list IP addresses or networks" in result.stderr


def test_idle_timeout_and_sign_in_limits_come_from_the_environment():
    env = {
        **PRODUCTION_ENV,
        "RIIA_SESSION_IDLE_MINUTES": "30",
        "RIIA_SIGNIN_FAILURES_PER_ACCOUNT": "12",
        "RIIA_SIGNIN_COOLOFF_MINUTES": "15",
    }

    assert _setting("SESSION_COOKIE_AGE", env).stdout.strip() == "1800"
    assert "'account': 12" in _setting("RIIA_SIGNIN_FAILURE_LIMITS", env).stdout
    assert _setting("AXES_COOLOFF_TIME", env).stdout.strip() == "datetime.timedelta(seconds=900)"
