"""Settings for the regional MOU governance service, read from the environment.

Two modes share this one module:

* embedded (no DATABASE_URL / REDIS_URL): SQLite file, Celery tasks run eagerly in process,
  local-memory cache, emails printed to the console. This is what ``make run`` gives a newcomer.
* services: ``DATABASE_URL=postgres://...`` and ``REDIS_URL=redis://...`` with a real Celery worker
  and beat, as in production, CI and docker-compose.

``DJANGO_DEBUG`` defaults to on only so that the embedded mode needs no configuration; with it off
the service refuses to start without a real secret key and allowed hosts.
"""

from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from riia.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RIIA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", default=True)

_DEV_SECRET = "django-insecure-embedded-development-only"  # noqa: S105 - refused below unless DEBUG
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when DJANGO_DEBUG is off."
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
    "riia",
    "rates",
    "breaches",
    "casestudies",
    "datareturns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

# Forms render with the GOV.UK templates in templates/govuk/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if not DEBUG:
    # In production WhiteNoise serves the collected static files; in development runserver does.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

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
            ],
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
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = {
    "notifications-retry-unsent-emails": {
        "task": "riia.tasks.notification_emails_retry_unsent",
        "schedule": crontab(minute="*/15"),
    },
    # Exemptions: warn 14 days before the end, then mark expired once the end date has passed.
    "rates-exemptions-expire": {"task": "rates.tasks.exemptions_expire_task", "schedule": crontab(hour=6, minute=0)},
    "rates-exemptions-warn-ending": {
        "task": "rates.tasks.exemptions_warn_ending_task",
        "schedule": crontab(hour=6, minute=5),
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "riia.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
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
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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

# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
# Leave reasons that do not start the cool-off clock unless a region says otherwise (unconfirmed
# nationally, so each region can change its own list).
RIIA_COOL_OFF_EXCEPTIONS_DEFAULT = ["redundancy", "probation"]
