"""Settings for Justsend Panel.

Every value comes from the environment (one ``environ.Env``), documented one by one in
``.env.example``. Without any variable set the panel runs on embedded defaults: SQLite and
kombu's filesystem broker under ``var/``, and the built-in Justsend sandbox. Only the
environment differs between that and production (PostgreSQL, Redis, a real App-Key).
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# Values already in the process environment win over the file.
environ.Env.read_env(BASE_DIR / ".env")

# "development" (the default: embedded services, the run command) or "production".
PANEL_ENV = env("PANEL_ENV", default="development")
PRODUCTION = PANEL_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    # Development without a .env (a bare test run): a throwaway key; sessions end on restart.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "justsend_panel.core.admin_site.PanelAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "csp",
    "contacts",
    "campaigns",
    "billing",
    # Last, so that its post_migrate role sync sees every other app's permissions.
    "justsend_panel.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs login; the few exceptions say so with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "justsend_panel.urls"
WSGI_APPLICATION = "justsend_panel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "justsend_panel.core.context_processors.panel",
                "billing.context_processors.low_balance",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat are separate processes on one file: WAL lets readers and one
    # writer work at once, IMMEDIATE takes the write lock at BEGIN so two writers queue
    # (busy timeout) instead of failing with "database is locked" half way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Warsaw")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the app folders: no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Bootstrap's progress bars and Chart.js set sizes in style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Celery ---------------------------------------------------------------------------
# Default: kombu's filesystem transport, a broker that needs no server. Production: Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
BROKER_FS_DIR = env.path("CELERY_FS_BROKER_DIR", default=VAR_DIR / "broker")


def filesystem_broker_options(folder: Path, polling_interval: float = 0.5) -> dict:
    """kombu's filesystem transport: one queue folder read and written, made if missing."""
    folders = {name: Path(folder) / name for name in ("queue", "processed", "control")}
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "store_processed": False,
        "control_folder": str(folders["control"]),
        "polling_interval": polling_interval,
    }


if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(BROKER_FS_DIR)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker holding work (a submit, an import batch, a push) renews its lease every third of
# this; a killed worker's work is taken over by its sweep once the lease has run out.
LEASE_SECONDS = env.float("LEASE_SECONDS", default=60.0)
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ["contacts.imports.tasks", "campaigns.deliveries.tasks"]

# --- Justsend ---------------------------------------------------------------------------
JUSTSEND_APP_KEY = env("JUSTSEND_APP_KEY", default="")
JUSTSEND_WEBHOOK_SECRET = env("JUSTSEND_WEBHOOK_SECRET", default="")
JUSTSEND_SANDBOX_PORT = env.int("JUSTSEND_SANDBOX_PORT", default=8100)
JUSTSEND_SANDBOX_APP_KEY = env("JUSTSEND_SANDBOX_APP_KEY", default="")
# No App-Key: the panel talks to the built-in sandbox that the run command starts.
JUSTSEND_SANDBOX = not JUSTSEND_APP_KEY
JUSTSEND_API_URL = env(
    "JUSTSEND_API_URL",
    default=(
        f"http://127.0.0.1:{JUSTSEND_SANDBOX_PORT}/api"
        if JUSTSEND_SANDBOX
        else "https://justsend.io/api"
    ),
)
JUSTSEND_TIMEOUT = env.float("JUSTSEND_TIMEOUT", default=30.0)
if PRODUCTION:
    missing = [
        name
        for name in ("JUSTSEND_APP_KEY", "JUSTSEND_WEBHOOK_SECRET")
        if not globals()[name]
    ]
    if missing:
        raise ImproperlyConfigured(f"Production needs {', '.join(missing)} in the environment.")

# --- Billing ----------------------------------------------------------------------------
# One cache for every process of the panel (gunicorn's workers and Celery's): the
# low-balance banner and Justsend's cached lists are shared, so a balance the worker
# records reaches every page at once, and Justsend is asked once, not once per process.
# Embedded default: files under var/cache (no server); with Redis, CACHE_URL=redis://host:6379/1.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
BILLING_CACHE_SECONDS = env.int("BILLING_CACHE_SECONDS", default=60)
BILLING_LOW_BALANCE_THRESHOLD = env.float("BILLING_LOW_BALANCE_THRESHOLD", default=1000.0)
BILLING_SNAPSHOT_RETENTION_DAYS = env.int("BILLING_SNAPSHOT_RETENTION_DAYS", default=400)

# Worker processes one contacts import uses (runpanel's worker runs two).
CONTACTS_IMPORT_RUNNERS = env.int("CONTACTS_IMPORT_RUNNERS", default=2)

# Region assumed for numbers typed without + or 00 (ISO 3166 code).
PHONE_DEFAULT_REGION = env("PHONE_DEFAULT_REGION", default="PL")

# --- Logging --------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Belt and braces: whatever a library logs, the configured secrets are masked.
        "redact_secrets": {"()": "justsend_panel.core.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# --- Campaigns --------------------------------------------------------------------------
# Audiences larger than this go to Justsend as a streamed CSV file, smaller ones as JSON.
CAMPAIGN_UPLOAD_THRESHOLD = env.int("CAMPAIGN_UPLOAD_THRESHOLD", default=10000)
# Test-only: the submit service ends its process right after Justsend's answer, before
# the commit, to prove that the retry finds the bulk instead of sending it twice.
CAMPAIGN_TEST_CRASH_AFTER_SUBMIT = env.bool("CAMPAIGN_TEST_CRASH_AFTER_SUBMIT", default=False)

# --- Delivery tracking ------------------------------------------------------------------
# A reply that is exactly one of these (case, Polish diacritics and trailing punctuation
# ignored) blacklists its number with reason "STOP reply".
STOP_KEYWORDS = env.list(
    "STOP_KEYWORDS", default=["STOP", "STOP ALL", "NIE", "REZYGNUJE", "UNSUBSCRIBE"]
)
# Postbacks stored by the webhook are applied by a worker this many seconds later, in
# batches of POSTBACK_APPLY_BATCH; a run stops after POSTBACK_APPLY_BUDGET seconds and
# queues the next. A delivery postback for a bulk no campaign knows waits this many days.
POSTBACK_APPLY_DELAY = env.float("POSTBACK_APPLY_DELAY", default=1.0)
POSTBACK_APPLY_BATCH = env.int("POSTBACK_APPLY_BATCH", default=1000)
POSTBACK_APPLY_BUDGET = env.float("POSTBACK_APPLY_BUDGET", default=50.0)
POSTBACK_WAIT_DAYS = env.int("POSTBACK_WAIT_DAYS", default=7)
