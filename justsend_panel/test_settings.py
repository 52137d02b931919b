"""Settings for the test suite: the normal settings, plus what makes tests fast and isolated.

The environment still chooses the database and the broker, so CI runs the same suite on
PostgreSQL and Redis, and a laptop on SQLite and the filesystem broker.
"""

import os

from justsend_panel.settings import *  # noqa: F401,F403
from justsend_panel.settings import (
    CELERY_BROKER_URL,
    DATABASES,
    VAR_DIR,
    env,
    filesystem_broker_options,
)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests never talk to a live Justsend, whatever .env says: only to a sandbox a fixture
# starts (it sets these settings, or passes the environment to a worker it starts), and
# otherwise to a port where nothing listens.
JUSTSEND_APP_KEY = ""
JUSTSEND_SANDBOX = True
JUSTSEND_API_URL = os.environ.get("JUSTSEND_API_URL") or "http://127.0.0.1:1/api"
JUSTSEND_SANDBOX_APP_KEY = os.environ.get("JUSTSEND_SANDBOX_APP_KEY") or "no-sandbox-running"
# Likewise SMS Manager: its simulator only (a fixture points it at a running sandbox).
SMSMANAGER_API_KEY = ""
SMSMANAGER_API_URL = os.environ.get("SMSMANAGER_API_URL") or "http://127.0.0.1:1/smsmanager/v2"
SMSMANAGER_SANDBOX_API_KEY = os.environ.get("SMSMANAGER_SANDBOX_API_KEY") or "no-sandbox-running"
# And JustCall's.
JUSTCALL_API_KEY = ""
JUSTCALL_API_URL = os.environ.get("JUSTCALL_API_URL") or "http://127.0.0.1:1/justcall/v2"
JUSTCALL_SANDBOX_API_KEY = os.environ.get("JUSTCALL_SANDBOX_API_KEY") or "no-sandbox-running"
JUSTCALL_SANDBOX_API_SECRET = os.environ.get("JUSTCALL_SANDBOX_API_SECRET") or "no-sandbox-running"
# And SMS.by.
SMSBY_TOKEN = ""
SMSBY_API_URL = os.environ.get("SMSBY_API_URL") or "http://127.0.0.1:1/smsby/api/v1"
SMSBY_SANDBOX_TOKEN = os.environ.get("SMSBY_SANDBOX_TOKEN") or "no-sandbox-running"

# One id per test run, inherited by the worker processes a run starts: two runs at once
# (two developers in one tree) never share a SQLite test database or a broker folder.
TEST_RUN_ID = os.environ.setdefault("PANEL_TEST_RUN_ID", str(os.getpid()))
TEST_VAR_DIR = VAR_DIR / "test-runs" / TEST_RUN_ID
TEST_VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real worker process can see the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_VAR_DIR / "test-db.sqlite3")}

# The run's own rate-limit windows, shared with the workers it starts.
if not env("RATE_LIMIT_STORAGE_URL", default=""):
    RATE_LIMIT_STORAGE_URL = f"sqlite://{TEST_VAR_DIR / 'rate-limits.sqlite3'}"

# The run's own cache, shared with the workers it starts (as the panel's processes share
# theirs), never with a panel running beside it.
if not env("CACHE_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(TEST_VAR_DIR / "cache")}}

# A real worker started by a test is pointed at the test database by name.
_worker_db_name = os.environ.get("PANEL_TEST_DATABASE_NAME")
if _worker_db_name:
    DATABASES["default"]["NAME"] = _worker_db_name

# Tests never share a broker folder with a panel that may be running beside them.
if CELERY_BROKER_URL.startswith("filesystem") and not env("CELERY_FS_BROKER_DIR", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(
        TEST_VAR_DIR / "broker", polling_interval=0.2
    )

# Test-only hooks a worker started by an integration test may ask for (tests/hooks): e.g.
# PANEL_TEST_HOOKS=stall_after_submit. The app is installed only here, only when asked.
PANEL_TEST_HOOKS = [name for name in os.environ.get("PANEL_TEST_HOOKS", "").split(",") if name]
if PANEL_TEST_HOOKS or os.environ.get("PANEL_TEST_WORKER_ACTIVITY"):
    INSTALLED_APPS = [*INSTALLED_APPS, "tests.hooks.apps.TestHooksConfig"]  # noqa: F405
