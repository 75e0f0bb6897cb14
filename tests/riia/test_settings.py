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
