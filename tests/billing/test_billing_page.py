import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from billing.models import AccountSnapshot, BillingSettings

pytestmark = pytest.mark.django_db

SUMMARY = "/api/payment/account/summary"


def test_page_shows_balance_promo_and_prices_from_justsend(marketing_client, panel_sandbox):
    panel_sandbox.set_balance(balance=2345.5, promo=120)
    response = marketing_client.get("/billing/")
    assert response.status_code == 200
    page = response.content.decode()
    figures = response.context["figures"]
    assert figures.account_balance == Decimal("2345.5")
    assert figures.promo_points == Decimal("120")
    assert figures.available_points == Decimal("2465.5")
    assert "2345.5" in page and "120" in page
    prices = {row["variant"]: row for row in response.context["prices"]}
    assert prices["PRO"]["price"] == Decimal("9.0") and prices["PRO"]["offered"]
    assert prices["INTER"]["price"] == Decimal("35.0")
    assert 'data-testid="reading-error"' not in page


def test_each_fetch_is_recorded_and_the_cache_spares_justsend(marketing_client, panel_sandbox):
    panel_sandbox.set_balance(balance=500)
    marketing_client.get("/billing/")
    marketing_client.get("/billing/")
    assert len(panel_sandbox.requests(path=SUMMARY)) == 1
    assert AccountSnapshot.objects.count() == 1
    snapshot = AccountSnapshot.objects.get()
    assert snapshot.account_balance == Decimal("500") and snapshot.source == "page"
    assert Decimal(snapshot.prices["ECO"]) == 7 and "VOICE" in snapshot.variants

    panel_sandbox.set_balance(balance=800)
    response = marketing_client.get("/billing/?refresh=1")
    assert response.context["figures"].account_balance == Decimal("800")
    assert len(panel_sandbox.requests(path=SUMMARY)) == 2
    assert AccountSnapshot.objects.latest().source == "refresh"


def test_unreachable_justsend_shows_last_values_age_and_error(marketing_client, unreachable_justsend):
    AccountSnapshot.objects.create(
        taken_at=timezone.now() - timedelta(hours=3),
        account_balance=Decimal("4321.00"),
        promo_points=Decimal("10"),
        prices={"PRO": "9.00"},
        variants=["PRO"],
        source="beat",
    )
    response = marketing_client.get("/billing/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "4,321" in page
    assert 'data-testid="reading-error"' in page
    assert "Could not talk to Justsend" in page  # the provider layer's message
    assert "3\xa0hours ago" in page or "3 hours ago" in page
    assert response.context["reading"].error


def test_unreachable_justsend_with_nothing_known(marketing_client, unreachable_justsend):
    response = marketing_client.get("/billing/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="balance-unknown"' in page
    assert "No earlier values are known." in page


def test_a_failure_is_remembered_briefly_then_retried(marketing_client, panel_sandbox):
    panel_sandbox.set_faults(rate_500=1)
    first = marketing_client.get("/billing/")
    assert first.context["reading"].error
    calls = len(panel_sandbox.requests(path=SUMMARY))
    marketing_client.get("/billing/")
    assert len(panel_sandbox.requests(path=SUMMARY)) == calls  # not asked again at once
    panel_sandbox.set_faults(rate_500=0)
    response = marketing_client.get("/billing/?refresh=1")
    assert response.context["reading"].error is None
    assert response.context["figures"].account_balance == Decimal("10000")


def test_wrong_key_is_an_error_on_the_page_not_a_500(marketing_client, panel_sandbox, settings):
    settings.JUSTSEND_SANDBOX_APP_KEY = "wrong-key"
    response = marketing_client.get("/billing/")
    assert response.status_code == 200
    assert "401" in response.content.decode()
    assert "wrong-key" not in response.content.decode()


def test_chart_data_comes_from_snapshots_in_the_chosen_period(marketing_client, unreachable_justsend):
    now = timezone.now()
    for hours, balance in ((24 * 40, "1"), (24 * 5, "2"), (1, "3")):
        AccountSnapshot.objects.create(
            taken_at=now - timedelta(hours=hours), account_balance=Decimal(balance), source="beat"
        )
    week = marketing_client.get("/billing/?days=7")
    assert [p["balance"] for p in week.context["history"]] == [2.0, 3.0]
    assert 'id="balance-history"' in week.content.decode()  # json_script, no inline code
    quarter = marketing_client.get("/billing/?days=90")
    assert [p["balance"] for p in quarter.context["history"]] == [1.0, 2.0, 3.0]
    odd = marketing_client.get("/billing/?days=abc")
    assert odd.status_code == 200 and odd.context["history_days"] == 30


def test_low_balance_banner_shows_on_every_page(marketing_client, panel_sandbox):
    BillingSettings.objects.create(pk=1, low_balance_threshold=Decimal("1000"))
    panel_sandbox.set_balance(balance=300, promo=50)
    marketing_client.get("/billing/")  # records the snapshot
    for url in ("/", "/contacts/", "/billing/transactions/"):
        page = marketing_client.get(url).content.decode()
        assert 'data-testid="low-balance-banner"' in page, url
        assert "350 points available" in page

    panel_sandbox.set_balance(balance=5000)
    marketing_client.get("/billing/?refresh=1")
    assert 'data-testid="low-balance-banner"' not in marketing_client.get("/").content.decode()


def test_banner_threshold_defaults_to_the_setting(marketing_client, panel_sandbox, settings):
    settings.BILLING_LOW_BALANCE_THRESHOLD = 20000
    marketing_client.get("/billing/")  # sandbox starts with 10000 points
    assert 'data-testid="low-balance-banner"' in marketing_client.get("/").content.decode()


def test_administrator_sets_and_clears_the_threshold(admin_client_panel, administrator, panel_sandbox):
    page = admin_client_panel.get("/billing/").content.decode()
    assert 'data-testid="threshold-form"' in page
    response = admin_client_panel.post("/billing/threshold/", {"threshold": "12000"}, follow=True)
    assert "12000" in response.content.decode()
    settings_row = BillingSettings.objects.get()
    assert settings_row.low_balance_threshold == Decimal("12000")
    assert settings_row.updated_by == administrator
    # The balance of 10000 is under it now: the banner follows without waiting for the cache.
    assert 'data-testid="low-balance-banner"' in admin_client_panel.get("/").content.decode()

    admin_client_panel.post("/billing/threshold/", {"threshold": ""})
    assert BillingSettings.objects.get().low_balance_threshold is None
    assert 'data-testid="low-balance-banner"' not in admin_client_panel.get("/").content.decode()


def test_bad_threshold_is_refused_with_a_message(admin_client_panel, panel_sandbox):
    response = admin_client_panel.post("/billing/threshold/", {"threshold": "-5"}, follow=True)
    assert response.status_code == 200
    assert "was not changed" in response.content.decode()
    assert not BillingSettings.objects.exists()


def test_marketing_reads_billing_but_cannot_set_the_threshold(marketing_client, panel_sandbox):
    page = marketing_client.get("/billing/").content.decode()
    assert 'data-testid="threshold-form"' not in page
    assert "Mail2SMS" not in page
    assert marketing_client.post("/billing/threshold/", {"threshold": "1"}).status_code == 403
    assert not BillingSettings.objects.exists()


def test_banner_costs_no_query_once_cached(marketing_client, unreachable_justsend, django_assert_num_queries):
    from billing.selectors import low_balance_status_get

    cache.clear()
    with django_assert_num_queries(2):
        low_balance_status_get()
    with django_assert_num_queries(0):
        low_balance_status_get()


def test_the_banner_cache_is_shared_by_the_panels_processes(settings):
    """The worker records the scheduled snapshots and forgets the banner's cached status;
    the web processes must see that at once, not when their own copy expires (each
    process had its own in-memory cache). Another process forgets it here."""
    from billing.selectors import LOW_BALANCE_KEY

    cache.set(LOW_BALANCE_KEY, "cached by this process", 600)
    forget = (
        "import django; django.setup();"
        " from billing.selectors import low_balance_status_forget; low_balance_status_forget()"
    )
    subprocess.run(
        [sys.executable, "-c", forget], check=True, cwd=settings.BASE_DIR, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "justsend_panel.test_settings"},
    )
    assert cache.get(LOW_BALANCE_KEY, "missing") == "missing"


def test_the_panel_caches_in_files_by_default_and_in_redis_when_told(settings):
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "justsend_panel.settings"

    def backend(**extra):
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {show}"], check=True,
            capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=60,
            env={**env, **extra},
        ).stdout.strip()

    assert backend() == "django.core.cache.backends.filebased.FileBasedCache"
    assert backend(CACHE_URL="redis://127.0.0.1:6379/1") == (
        "django.core.cache.backends.redis.RedisCache"
    )
