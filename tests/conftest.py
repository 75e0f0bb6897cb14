import pytest

from riia.celery import app as celery_app

pytest_plugins = ["tests.riia.fixtures"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in process in tests; the worker integration test turns this off for itself."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _console_free_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _own_cache_entries(settings):
    """Each test reads only cache entries it wrote: a rolled-back database can repeat the ids and
    times a cached dashboard was keyed by. A key prefix of its own, not a flush, because in services
    mode the cache's Redis database is also Celery's broker."""
    import uuid

    settings.CACHES = {name: {**cache, "KEY_PREFIX": uuid.uuid4().hex} for name, cache in settings.CACHES.items()}


def pytest_sessionstart(session):
    """In CI's services pass, refuse to run (and so skip the worker test) without the real services."""
    import os

    from django.conf import settings
    from django.db import connection

    if os.environ.get("RIIA_REQUIRE_SERVICES") and (not settings.REDIS_URL or connection.vendor != "postgresql"):
        pytest.exit("RIIA_REQUIRE_SERVICES is set but DATABASE_URL/REDIS_URL do not point at PostgreSQL and Redis", 3)
