"""Settings for Justsend Panel.

Every value comes from the environment (one ``environ.Env``), documented one by one in
``.env.example``. Without any variable set the panel runs on embedded defaults: SQLite and
kombu's filesystem broker under ``var/``, and the built-in Justsend sandbox. Only the
environment differs between that and production (PostgreSQL, Redis, a real App-Key).
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# Values already in the process environment win over the file.
environ.Env.read_env(BASE_DIR / ".env")


def _secret(name: str) -> str:
    """A secret exactly as given: django-environ reads a value that starts with "$" as the
    name of another variable, and a generated key (or an App-Key) may well start with one."""
    return os.environ.get(name, "")


# "development" (the default: embedded services, the run command) or "production".
# Anything else is refused: a misspelt "prod" must not run as development on the sandbox.
PANEL_ENVIRONMENTS = ("development", "production")
PANEL_ENV = env("PANEL_ENV", default="development")
if PANEL_ENV not in PANEL_ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"PANEL_ENV={PANEL_ENV!r} is not one of {', '.join(PANEL_ENVIRONMENTS)}."
    )
PRODUCTION = PANEL_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG=true is refused in production: debug pages show settings and source code."
    )

SECRET_KEY = _secret("SECRET_KEY")
if PRODUCTION:
    # The rules of Django's own deploy check (security.W009), enforced instead of warned.
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    if (
        len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
        or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak for production: it needs at least {SECRET_KEY_MIN_LENGTH}"
            f" characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and must not"
            f" start with {SECRET_KEY_INSECURE_PREFIX!r}. Generate one with: python -c"
            ' "from django.core.management.utils import get_random_secret_key;'
            ' print(get_random_secret_key())"'
        )
elif not SECRET_KEY:
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
    "axes",
    "contacts",
    "campaigns",
    "billing",
    "justsend_panel.audit",
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
    # The request being served, for the IP of the activity entries its services write.
    "justsend_panel.audit.middleware.AuditRequestMiddleware",
    # Every page needs login; the few exceptions say so with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A Viewer's unsafe requests are refused here, whatever the view allows.
    "justsend_panel.core.middleware.ReadOnlyRoleMiddleware",
    # Renews a logged-in session's expiry at most once a minute (SESSION_IDLE_MINUTES).
    "justsend_panel.core.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware: a broker outage during the view becomes a note on the page.
    "justsend_panel.core.middleware.EnqueueFailedNoteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
# django-axes' backend first: it refuses a locked-out username or address before the
# password is even checked (the panel's login and Django admin's both authenticate here).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are counted per username and, separately, per client address: after
# LOGIN_FAILURE_LIMIT failures of either, logins are refused for LOGIN_COOLOFF_MINUTES.
# A successful login clears that username's and address's failures.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# An attempt refused during the lockout does not start the cool-off again: the user who
# waits LOGIN_COOLOFF_MINUTES after being locked out can log in, whatever they tried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "justsend_panel.core.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "justsend_panel.core.client_ip.client_ip_get"
# The client address behind a reverse proxy: the request header (Django's META name)
# the proxies fill, e.g. HTTP_X_FORWARDED_FOR, and how many proxies stand in front of
# the panel (each appends the address it received from; the client's is then the
# CLIENT_IP_PROXY_COUNT-th from the right). Unset: REMOTE_ADDR, the connecting address.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
CLIENT_IP_PROXY_COUNT = env.int("CLIENT_IP_PROXY_COUNT", default=1)
# A session ends after this long without a request (renewed at most once a minute), and
# also when the browser closes if SESSION_EXPIRE_AT_BROWSER_CLOSE is on.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)

# --- E-mail (password links) ----------------------------------------------------------------
# Default: printed to the console (the run command's log). SMTP: EMAIL_URL, e.g.
# smtp+tls://user:password@smtp.example.com:587 (django-environ's email_url).
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update({name: value for name, value in _email.items() if value not in (None, "")})
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Justsend Panel <noreply@localhost>")
# An SMTP server that does not answer costs the administrator's page this many seconds.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Warsaw")
USE_I18N = True
USE_TZ = True
# The panel's own date formats (justsend_panel/core/formats/<language>/formats.py) over Django's.
FORMAT_MODULE_PATH = ["justsend_panel.core.formats"]

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
# Production speaks HTTPS only: cookies marked Secure, plain HTTP redirected (but the
# health check, which load balancers and compose call over plain HTTP), and HSTS.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that terminates TLS: the header it sets to "https" (and overwrites when a
# client sends it), e.g. HTTP_X_FORWARDED_PROTO. Unset: requests are trusted as they come.
_proxy_ssl_header = env("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
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
    # A message taken by a worker that died comes back after this. Work is done in slices
    # of seconds and each slice holds a lease, so a redelivered message finds the work
    # either done or leased by its new holder and does nothing; the sweeps (every 30 s)
    # take expired leases over much sooner. This only bounds how long a lost message of
    # a task without a sweep waits: minutes, not the hour it used to be.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
    }
# A broker that is down costs a page about a second, not kombu's retries (a saved change
# then says its background work will follow; the sweeps pick the work up later).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
}
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Named queues, so that a campaign submit, a cancel and a postback apply never wait behind
# an import or a contacts push: `runpanel` and docker-compose run one worker for
# sending+postbacks+default and another for imports+sync. Declared here so that a worker
# started without -Q consumes all of them (the integration tests' worker does).
# Each queue has its own exchange and routing key: a bare Queue(name) would be bound with
# the default key, and every queue would then get a copy of every task.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("sending", "postbacks", "imports", "sync", "default")
]
CELERY_TASK_ROUTES = {
    "campaigns.*": {"queue": "sending"},
    "deliveries.*": {"queue": "postbacks"},
    "contacts.import_run": {"queue": "imports"},
    "contacts.imports_resume": {"queue": "imports"},
    "contacts.*": {"queue": "sync"},
    # Everything else (core.heartbeat_record, billing.account_snapshot_record): "default".
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker holding work (a submit, an import batch, a push) renews its lease every third of
# this (every ~7 s); a killed worker's work is taken over by its sweep once the lease has run
# out: with 20 s and the submit sweep every 15 s, within 35 s of the death (the contacts
# sweeps every 30 s: within 50 s). At 30 s the fault suite's preparation kill, sending and
# reports included, recovered in 112-124 s against its 2-minute bound.
LEASE_SECONDS = env.float("LEASE_SECONDS", default=20.0)
# Long contacts work (a push, a pull, an import) runs this many seconds per task, then
# queues the rest as a new task that resumes from the progress it saved.
SYNC_SLICE_SECONDS = env.float("SYNC_SLICE_SECONDS", default=5.0)
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ["contacts.imports.tasks", "campaigns.deliveries.tasks"]

# --- Justsend ---------------------------------------------------------------------------
JUSTSEND_APP_KEY = _secret("JUSTSEND_APP_KEY")
JUSTSEND_WEBHOOK_SECRET = _secret("JUSTSEND_WEBHOOK_SECRET")
JUSTSEND_SANDBOX_PORT = env.int("JUSTSEND_SANDBOX_PORT", default=8100)
JUSTSEND_SANDBOX_APP_KEY = _secret("JUSTSEND_SANDBOX_APP_KEY")
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
# A read a page waits on (prices and balance for a preview or a launch) retries a 429
# (after its Retry-After), a 5xx or a timeout for at most this many seconds in all.
JUSTSEND_READ_RETRY_SECONDS = env.float("JUSTSEND_READ_RETRY_SECONDS", default=8.0)

# --- SMS Manager (JSON API v2) ----------------------------------------------------------
# A provider with credentials is live; without them it runs on its simulator (the same
# sandbox process as Justsend's, under /smsmanager/v2) in development and is off in
# production (justsend_panel.core.provider.provider_configs decides).
SMSMANAGER_API_KEY = _secret("SMSMANAGER_API_KEY")
SMSMANAGER_WEBHOOK_SECRET = _secret("SMSMANAGER_WEBHOOK_SECRET")
SMSMANAGER_SANDBOX_API_KEY = _secret("SMSMANAGER_SANDBOX_API_KEY")
SMSMANAGER_API_URL = env(
    "SMSMANAGER_API_URL",
    default=(
        "https://api.smsmngr.com/v2"
        if SMSMANAGER_API_KEY or PRODUCTION
        else f"http://127.0.0.1:{JUSTSEND_SANDBOX_PORT}/smsmanager/v2"
    ),
)
SMSMANAGER_TIMEOUT = env.float("SMSMANAGER_TIMEOUT", default=30.0)

# --- JustCall (SMS API v2) --------------------------------------------------------------
# Live with a key and a secret; without them its simulator (under /justcall/v2 in the
# sandbox process) in development, off in production.
JUSTCALL_API_KEY = _secret("JUSTCALL_API_KEY")
JUSTCALL_API_SECRET = _secret("JUSTCALL_API_SECRET")
JUSTCALL_WEBHOOK_SECRET = _secret("JUSTCALL_WEBHOOK_SECRET")
JUSTCALL_SANDBOX_API_KEY = _secret("JUSTCALL_SANDBOX_API_KEY")
JUSTCALL_SANDBOX_API_SECRET = _secret("JUSTCALL_SANDBOX_API_SECRET")
JUSTCALL_API_URL = env(
    "JUSTCALL_API_URL",
    default=(
        "https://api.justcall.io/v2"
        if JUSTCALL_API_KEY or PRODUCTION
        else f"http://127.0.0.1:{JUSTSEND_SANDBOX_PORT}/justcall/v2"
    ),
)
JUSTCALL_TIMEOUT = env.float("JUSTCALL_TIMEOUT", default=30.0)
# The simulator's SMS-enabled From numbers (the sandbox reads the same variable, with the
# same default): offered while JustCall runs on its simulator and none is listed.
JUSTCALL_SANDBOX_NUMBERS = tuple(
    number for number in (part.strip() for part in env.list("JUSTCALL_SANDBOX_NUMBERS", default=[]))
    if number
) or ("+14155551234", "+48221234567")
# --- SMS.by -------------------------------------------------------------------------------
# The same rule: live with a token, its simulator (under /smsby/api/v1) in development
# without one, off in production. SMS.by pushes no status: the panel polls it.
SMSBY_TOKEN = _secret("SMSBY_TOKEN")
SMSBY_SANDBOX_TOKEN = _secret("SMSBY_SANDBOX_TOKEN")
# The manual gives no host: with a token the URL must be set (no guessed default).
SMSBY_API_URL = env("SMSBY_API_URL", default="") or (
    "" if SMSBY_TOKEN or PRODUCTION else f"http://127.0.0.1:{JUSTSEND_SANDBOX_PORT}/smsby/api/v1"
)
if SMSBY_TOKEN and not SMSBY_API_URL:
    raise ImproperlyConfigured("SMSBY_TOKEN is set: set SMSBY_API_URL too (SMS.by's manual names no host).")
SMSBY_TIMEOUT = env.float("SMSBY_TIMEOUT", default=30.0)
# Recipients per sendBulkSms mailing (the manual names no limit; at most 10,000).
SMSBY_MAILING_SIZE = env.int("SMSBY_MAILING_SIZE", default=1000)

# The panel's own base URL as the providers reach it (no trailing slash): the callback
# URLs the panel gives a provider with each call are built on it. The run command sets it
# to its own address when unset.
PANEL_PUBLIC_URL = env("PANEL_PUBLIC_URL", default="").rstrip("/")

# Where the per-provider send rate limits (justsend_panel.core.pacing) keep their windows:
# a ``limits`` storage URL, shared by every worker. Production: redis://host:6379/2. The
# embedded default is a SQLite file under var/ that every process on this machine shares.
RATE_LIMIT_STORAGE_URL = env(
    "RATE_LIMIT_STORAGE_URL", default=f"sqlite://{VAR_DIR / 'rate-limits.sqlite3'}"
)
if PRODUCTION:
    required = ["JUSTSEND_APP_KEY", "JUSTSEND_WEBHOOK_SECRET"]
    if SMSMANAGER_API_KEY:  # live: it calls the panel back
        required.append("SMSMANAGER_WEBHOOK_SECRET")
    if JUSTCALL_API_KEY:  # live: it needs the secret, and it calls the panel back
        required += ["JUSTCALL_API_SECRET", "JUSTCALL_WEBHOOK_SECRET"]
    missing = [name for name in required if not globals()[name]]
    if missing:
        raise ImproperlyConfigured(f"Production needs {', '.join(missing)} in the environment.")

# --- Billing ----------------------------------------------------------------------------
# One cache for every process of the panel (gunicorn's workers and Celery's): the
# low-balance banner and Justsend's cached lists are shared, so a balance the worker
# records reaches every page at once, and Justsend is asked once, not once per process.
# Embedded default: files under var/cache (no server); with Redis, CACHE_URL=redis://host:6379/1.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A cache that is down costs a page at most a second: it is then read as a miss
    # (justsend_panel.core.caching), never waited for.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    )
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
        "forbidden_one_line": {"()": "justsend_panel.core.logging.ForbiddenOneLineFilter"},
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
        "django.request": {"filters": ["forbidden_one_line"]},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # django-axes tells every successful login at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# --- Campaigns --------------------------------------------------------------------------
# Audiences larger than this go to Justsend as a streamed CSV file, smaller ones as JSON.
CAMPAIGN_UPLOAD_THRESHOLD = env.int("CAMPAIGN_UPLOAD_THRESHOLD", default=10000)

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
