import os
import shutil

import pytest
from django.conf import settings

from tests.factories.users import administrator_create, marketing_user_create

# Browser tests drive the live server from the test thread; the ORM calls made there
# are synchronous on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

def pytest_sessionfinish(session, exitstatus):
    # This run's SQLite test database and broker folder (see test_settings.TEST_VAR_DIR).
    if os.environ.get("PANEL_TEST_RUN_ID") == str(os.getpid()):
        shutil.rmtree(settings.TEST_VAR_DIR, ignore_errors=True)


pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.worker",
    "tests.fixtures.browser",
    "tests.fixtures.migrations",
]


@pytest.fixture(autouse=True)
def cold_cache():
    """Every test starts with an empty cache (the panel's processes share one): what a test
    counts, e.g. queries per page, does not depend on what ran before it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def banner_cached(db):
    """The low-balance banner's status cached, as it is for every page but the first: a
    page's query count is then the page's own."""
    from billing.selectors import low_balance_status_get

    low_balance_status_get()


@pytest.fixture
def marketing_user(db):
    return marketing_user_create(username="marketer")


@pytest.fixture
def administrator(db):
    return administrator_create(username="boss")


@pytest.fixture
def marketing_client(client, marketing_user):
    client.force_login(marketing_user)
    return client


@pytest.fixture
def admin_client_panel(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture(scope="session")
def session_sandbox(tmp_path_factory):
    """One sandbox server for the session (manual clock); the real worker is pointed at it."""
    from justsend_panel.sandbox.server import run_sandbox

    with run_sandbox(tmp_dir=tmp_path_factory.mktemp("sandbox"), clock="manual") as running:
        yield running


@pytest.fixture
def panel_sandbox(session_sandbox, settings):
    """The panel (this process and the real worker) talks to a freshly reset sandbox."""
    session_sandbox.reset()
    settings.JUSTSEND_APP_KEY = ""
    settings.JUSTSEND_SANDBOX = True
    settings.JUSTSEND_SANDBOX_APP_KEY = session_sandbox.app_key
    settings.JUSTSEND_API_URL = session_sandbox.api_url
    # SMS Manager's simulator runs in the same sandbox process, under /smsmanager/v2.
    settings.SMSMANAGER_API_KEY = ""
    settings.SMSMANAGER_API_URL = session_sandbox.smsmanager_url
    settings.SMSMANAGER_SANDBOX_API_KEY = session_sandbox.smsmanager_api_key
    # And JustCall's, under /justcall/v2.
    settings.JUSTCALL_API_KEY = ""
    settings.JUSTCALL_API_URL = session_sandbox.justcall_url
    settings.JUSTCALL_SANDBOX_API_KEY = session_sandbox.justcall_api_key
    settings.JUSTCALL_SANDBOX_API_SECRET = session_sandbox.justcall_api_secret
    # And SMS.by's, under /smsby/api/v1.
    settings.SMSBY_TOKEN = ""
    settings.SMSBY_API_URL = session_sandbox.smsby_url
    settings.SMSBY_SANDBOX_TOKEN = session_sandbox.smsby_token
    return session_sandbox
