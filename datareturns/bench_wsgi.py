"""The project as ``manage.py bench`` serves it for the page bench: every URL of the service plus one
minimal signed-in view (``/bench/minimal/``), the baseline the dashboard is measured against with the
same server and settings. Not used by the service itself."""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riia.settings")
django.setup()
settings.ROOT_URLCONF = "datareturns.bench_urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
