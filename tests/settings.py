"""Settings for the test suite: the development settings (debug asked for explicitly, as `make test`
does), so running `pytest` directly works too. pytest-django still turns DEBUG off while tests run.
Subprocesses a test starts (the Celery worker) inherit the same choice."""

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "true")
# Files stored by tests (resources, escalation evidence, MOU documents) go to a throwaway directory.
os.environ.setdefault("RIIA_MEDIA_ROOT", tempfile.mkdtemp(prefix="riia-test-media-"))

from riia.settings import *  # noqa: E402, F403
