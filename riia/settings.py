"""Settings for the regional MOU governance service, read from the environment.

Two modes share this one module:

* embedded (no DATABASE_URL / REDIS_URL): SQLite file, Celery tasks run eagerly in process,
  local-memory cache, emails printed to the console. This is what ``make run`` gives a newcomer.
* services: ``DATABASE_URL=postgres://...`` and ``REDIS_URL=redis://...`` with a real Celery worker
  and beat, as in production, CI and docker-compose.

Debug fails closed: it is on only when ``DJANGO_DEBUG=true`` is set, which ``make run``, ``make test``
and the test settings (tests/settings.py) do for themselves. Otherwise the service refuses to start
without a real secret key and allowed hosts, so a deployment that forgets a variable is never in debug.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, REPORT_SAMPLE, SELF
from django.core.exceptions import ImproperlyConfigured

from riia.env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RIIA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", default=False)

_DEV_SECRET = "django-insecure-embedded-development-only"  # noqa: S105 - refused below unless DEBUG
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when DJANGO_DEBUG is off. "
            "For development on your own machine set DJANGO_DEBUG=true, as `make run` does."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list this service's host names when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "riia",
    "rates",
    "breaches",
    "casestudies",
    "datareturns",
    "governance",
]

MIDDLEWARE = [
    # First: nothing may read X-Forwarded-* before it is known whether to believe them.
    "riia.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "riia.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (CSRF reads POST), after the headers so a 413 carries them.
    "riia.middleware.RequestSizeLimitMiddleware",
    # An /api/ address that matches no view: a 404 in the API's error format, not a page.
    "riia.middleware.ApiNotFoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "riia.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, so it turns a locked-out sign-in (on our page or the admin's) into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Forms render with the GOV.UK templates in templates/govuk/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if not DEBUG:
    # In production WhiteNoise serves the collected static files; in development runserver does.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "riia.urls"
WSGI_APPLICATION = "riia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "riia.context_processors.service",
                "riia.context_processors.session_timeout",
                "riia.context_processors.help_contacts",
            ],
            "builtins": ["riia.templatetags.govuk"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL with synchronous=NORMAL: a commit no longer waits for the disk (a power cut may lose the
    # last commits, never corrupt the file), which makes the embedded mode's many small commits cheap.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ---------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # riia.cache: with Redis down, a read is a miss and a write is skipped (a warning logged), so pages
    # still render; short timeouts, so a request never waits long on a dead Redis.
    CACHES = {
        "default": {
            "BACKEND": "riia.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a rendered dashboard body is kept at most (datareturns.dashboard_cache): entries are keyed by
# a data version, so new figures show at once; this only bounds the life of an unused entry.
RIIA_DASHBOARD_CACHE_SECONDS = env_int("RIIA_DASHBOARD_CACHE_SECONDS", 300)
# How long a person's memberships are kept between requests at most (riia.rules.current_memberships):
# entries are keyed by the person's access version, so a change of role shows at once; this only bounds
# the life of an entry nobody reads.
RIIA_MEMBERSHIPS_CACHE_SECONDS = env_int("RIIA_MEMBERSHIPS_CACHE_SECONDS", 3600)

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without Redis, tasks run in process (the embedded mode). RIIA_CELERY_EAGER=false queues them instead on
# the in-memory broker, where nothing consumes them: `make bench` uses it so that a request is measured
# without the emails a production worker would send after it.
CELERY_TASK_ALWAYS_EAGER = env_bool("RIIA_CELERY_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent, so a redelivery after a crash is safe
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands a task a worker took but never acknowledged (killed, out of memory, host lost) to another
# worker once this long has passed since delivery (Redis's own default: an hour). Longer than the task
# time limit, or a task still running would be handed out twice; workers look every restore interval.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("RIIA_BROKER_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 5 * 60),
    "unacked_restore_interval": env_int("RIIA_BROKER_RESTORE_INTERVAL", 30),
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = "Europe/London"
# Heavy work (benchmark recomputes) has its own queue, so emails never wait behind it; a worker
# started by `make worker` consumes both.
# Tasks are published through the outbox (riia.outbox: one attempt, short timeouts, never kombu's retry
# loop); what could not be sent is relayed by beat every RIIA_OUTBOX_RELAY_SECONDS (and by each worker
# when it connects to Redis).
RIIA_OUTBOX_RELAY_SECONDS = env_int("RIIA_OUTBOX_RELAY_SECONDS", 30)
CELERY_TASK_ROUTES = {"datareturns.tasks.benchmarks_recompute_*": {"queue": "recompute"}}
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "riia.tasks.outbox_relay", "schedule": RIIA_OUTBOX_RELAY_SECONDS},
    "datareturns-benchmarks-recompute-nightly": {
        "task": "datareturns.tasks.benchmarks_recompute_all_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "notifications-retry-unsent-emails": {
        "task": "riia.tasks.notification_emails_retry_unsent",
        "schedule": crontab(minute="*/15"),
    },
    # The daily digest of notifications people chose to receive in one email (region-wide news by default).
    "notifications-daily-digest": {
        "task": "riia.tasks.notification_digests_send",
        "schedule": crontab(hour=7, minute=30),
    },
    # Exemptions: warn 14 days before the end, then mark expired once the end date has passed.
    "rates-exemptions-expire": {"task": "rates.tasks.exemptions_expire_task", "schedule": crontab(hour=6, minute=0)},
    "rates-exemptions-warn-ending": {
        "task": "rates.tasks.exemptions_warn_ending_task",
        "schedule": crontab(hour=6, minute=5),
    },
    # Quarterly returns: remind 7 days before the due date and on the day after (each once).
    "datareturns-return-reminders": {
        "task": "datareturns.tasks_returns.return_reminders_send_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Retention: monthly, on the 1st at 03:30 (after the nightly recompute), delete placements and leavers
    # past RIIA_RETENTION_YEARS (datareturns/services_retention.py).
    "datareturns-retention-apply": {
        "task": "datareturns.tasks.placements_retention_apply_task",
        "schedule": crontab(day_of_month=1, hour=3, minute=30),
    },
    # Governance: remind the owner of each overdue meeting action, once.
    "governance-meeting-actions-remind": {
        "task": "governance.tasks.meeting_actions_remind_overdue_task",
        "schedule": crontab(hour=7, minute=10),
    },
}
# UK GDPR data minimisation: single placements and leaver records are kept this many years after the
# assignment ended (or the worker left); the benchmark snapshots, which name nobody, are kept.
RIIA_RETENTION_YEARS = env_int("RIIA_RETENTION_YEARS", 6)
# Task modules not named tasks.py, which autodiscovery would not find.
CELERY_IMPORTS = ("datareturns.tasks_returns",)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "riia.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's model permissions (the admin's), for staff only: nobody else's are read on every request.
    "riia.auth_backends.AdminModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("RIIA_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
CASESTUDIES_RESOURCE_MAX_BYTES = 10 * 1024 * 1024

# --- Request-size policy (riia.middleware.RequestSizeLimitMiddleware) ----------------------
# A request whose Content-Length is over the limit for its path is refused with 413 before its
# body is read. The longest matching path prefix wins; everything else gets the default.
_MB = 1024 * 1024
RIIA_REQUEST_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE  # forms and JSON
RIIA_REQUEST_MAX_BYTES_BY_PATH = {
    # Case study resources are uploaded files; the form's other fields fit in the extra 64 KB.
    "/case-studies/": CASESTUDIES_RESOURCE_MAX_BYTES + 64 * 1024,
    # MSP uploads are streamed by their endpoints, which keep their own row and size checks.
    "/api/v1/placements/uploads/": 64 * _MB,
    "/api/v1/leavers/uploads/": 64 * _MB,
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("DJANGO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "MOU service <no-reply@riia.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "riia.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # drf-spectacular's, plus the error answers every operation can give (riia/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "riia.api.schema.AutoSchema",
    # One error body for every API answer: {"errors": [{"field", "message", ...}]} (riia/api/exceptions.py).
    "EXCEPTION_HANDLER": "riia.api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Regional MOU governance API",
    "DESCRIPTION": "Price caps, breach decisions and placement data for England's regional agency social work MOUs.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema describes the API, not the page that serves it.
    "SERVE_INCLUDE_SCHEMA": False,
    # OpenAPI links from an answer to the operations its ids lead to (riia/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "riia.api.schema.add_links"],
}

# --- Service --------------------------------------------------------------------------------
SERVICE_NAME = "Agency social work MOU"
SERVICE_PHASE = "Beta"
SITE_URL = env_str("RIIA_SITE_URL", "http://127.0.0.1:8000")

# Employer on-costs inside a limited-company/umbrella cap, taken out to give the PAYE equivalent
# (rates.lookup.paye_equivalent). Change them here when national rates change.
RATES_PAYE_ONCOSTS = {
    "holiday_pay": Decimal("0.1207"),
    "employer_ni": Decimal("0.15"),
    "apprenticeship_levy": Decimal("0.005"),
}

# --- Sign-in throttling (django-axes) -------------------------------------------------------
# Failures are counted per account from one address, per account from anywhere, and per address
# for any account, each with its own limit (riia.signin_throttle); any one reached locks for the
# cool-off. Staff unlock from the admin ("Access attempts") or `manage.py axes_reset_username`.
RIIA_SIGNIN_FAILURE_LIMITS = {
    "account_and_address": env_int("RIIA_SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5),
    "account": env_int("RIIA_SIGNIN_FAILURES_PER_ACCOUNT", 20),
    "address": env_int("RIIA_SIGNIN_FAILURES_PER_ADDRESS", 100),
}
AXES_HANDLER = "riia.signin_throttle.SignInThrottle"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = RIIA_SIGNIN_FAILURE_LIMITS["account_and_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RIIA_SIGNIN_COOLOFF_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "riia.signin_throttle.username_from"
AXES_CLIENT_IP_CALLABLE = "riia.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "riia.views.signin_locked_out"
# Who and from where are kept in the log so an attack can be answered; the password never is.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_VERBOSE = False

# --- Sessions: signed out after a time doing nothing (riia.middleware.SessionIdleTimeoutMiddleware)
SESSION_COOKIE_AGE = env_int("RIIA_SESSION_IDLE_MINUTES", 8 * 60) * 60
RIIA_SESSION_WARNING_SECONDS = env_int("RIIA_SESSION_WARNING_MINUTES", 5) * 60
# The expiry slides forward with use, but the session is written at most once in this many seconds.
RIIA_SESSION_REFRESH_SECONDS = 60

# --- Content Security Policy (django-csp) and Permissions-Policy ------------------------------
# No inline script or style anywhere: every script and stylesheet is a file under /static/.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, REPORT_SAMPLE],
        # plotly.js adds an *empty* <style> element and fills it through the CSSOM, which CSP does not
        # govern; this hash (of the empty string) allows that and no inline style with any content.
        "style-src": [SELF, EMPTY_STYLE_HASH, REPORT_SAMPLE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
RIIA_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
)

# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# X-Forwarded-Proto (and X-Forwarded-For) are believed only from these proxies' addresses or
# networks; from anyone else riia.middleware.TrustedProxyMiddleware drops them. Empty: no proxy.
RIIA_TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES")
if RIIA_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(env_str("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # In the embedded mode every task runs in the web process; a line per task would drown the console.
    "loggers": {"celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"}},
}

# --- Placement data (datareturns) -----------------------------------------------------------
# Keyed hash of workers' registration numbers (riia.privacy). Changing it breaks matching with every
# stored placement and leaver, so production sets it once; it has no default outside debug.
_DEV_REGISTRATION_KEY = "embedded-development-registration-key"  # noqa: S105 - refused below unless DEBUG
RIIA_REGISTRATION_HMAC_KEY = env_str("RIIA_REGISTRATION_HMAC_KEY", _DEV_REGISTRATION_KEY if DEBUG else "")
if not DEBUG and (not RIIA_REGISTRATION_HMAC_KEY or RIIA_REGISTRATION_HMAC_KEY == _DEV_REGISTRATION_KEY):
    raise ImproperlyConfigured("RIIA_REGISTRATION_HMAC_KEY must be set to a random secret when DJANGO_DEBUG is off.")
if not DEBUG and len(RIIA_REGISTRATION_HMAC_KEY) < 32:
    raise ImproperlyConfigured("RIIA_REGISTRATION_HMAC_KEY must be at least 32 characters.")

# Uploads through POST /api/v1/placements/uploads/ and /api/v1/leavers/uploads/ stream their body
# to a temporary file; these are their own limits (the rest of the service keeps Django's small ones).
DATARETURNS_UPLOAD_MAX_BYTES = int(env_str("DATARETURNS_UPLOAD_MAX_BYTES", str(64 * 1024 * 1024)))
DATARETURNS_UPLOAD_MAX_ROWS = int(env_str("DATARETURNS_UPLOAD_MAX_ROWS", "200000"))
# The pre-offer check (POST /api/v1/placements/checks/ and its page): proposed placements per request,
# and checks a minute per API key (or per person on the page) before a 429 with Retry-After. The
# counts are kept in the Django cache (Redis in services mode, local memory when embedded).
DATARETURNS_CHECK_MAX_ROWS = 1000
DATARETURNS_CHECKS_PER_MINUTE = env_int("DATARETURNS_CHECKS_PER_MINUTE", 30)
# Leave reasons that do not start the cool-off clock unless a region says otherwise (unconfirmed
# nationally, so each region can change its own list).
RIIA_COOL_OFF_EXCEPTIONS_DEFAULT = ["redundancy", "probation"]
