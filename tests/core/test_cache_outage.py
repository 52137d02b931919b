"""A cache that is down (Redis on a port where nothing listens): every page still renders,
without the low-balance banner, and the outage is logged once (issue 12, defect 5)."""

import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountSnapshot
from billing.models import BillingSettings
from billing.services import low_balance_threshold_set
from justsend_panel.core import caching
from tests.core.test_url_permissions import _is_public, all_urls

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}
BANNER = "Low balance:"


@pytest.fixture
def low_balance(settings):
    settings.BILLING_LOW_BALANCE_THRESHOLD = 1000
    AccountSnapshot.objects.create(taken_at=timezone.now(), account_balance=Decimal("5"),
                                   promo_points=Decimal("0"), source="beat")


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = DEAD_REDIS  # django.test.signals rebuilds the cache handler
    yield
    caching._state["down"] = False


def _statuses(client) -> dict[str, int]:
    return {url: client.get(url).status_code for url, _ in all_urls() if not _is_public(url)}


def test_every_page_answers_as_with_a_working_cache(
    admin_client_panel, panel_sandbox, low_balance, settings
):
    working = _statuses(admin_client_panel)
    assert working["/"] == 200 and working["/billing/"] == 200
    settings.CACHES = DEAD_REDIS
    try:
        assert _statuses(admin_client_panel) == working
    finally:
        caching._state["down"] = False


def test_the_banner_is_left_out_and_the_outage_logged_once(
    marketing_client, low_balance, settings, caplog
):
    assert BANNER in marketing_client.get("/").content.decode()
    settings.CACHES = DEAD_REDIS
    try:
        with caplog.at_level(logging.WARNING, logger="justsend_panel.core.caching"):
            for _ in range(3):
                page = marketing_client.get("/contacts/")
                assert page.status_code == 200
                assert BANNER not in page.content.decode()
    finally:
        caching._state["down"] = False
    outage_lines = [r for r in caplog.records if "cache is unreachable" in r.getMessage()]
    assert len(outage_lines) == 1
    assert "ConnectionError" in outage_lines[0].getMessage()


def test_a_change_that_forgets_the_banner_is_saved_with_the_cache_down(
    administrator, dead_cache, django_capture_on_commit_callbacks
):
    # A new threshold clears the cached banner, now and on commit: a failing delete was a 500.
    with django_capture_on_commit_callbacks(execute=True):
        low_balance_threshold_set(threshold=Decimal("10"), user=administrator)
    assert BillingSettings.objects.get().low_balance_threshold == Decimal("10")
