"""Billing and Transactions in a real browser: the chart draws, filters work, no CSP error."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountSnapshot
from tests.billing.helpers import bulk_send

pytestmark = pytest.mark.browser


@pytest.fixture
def history(db):
    now = timezone.now()
    for step in range(24, 0, -1):
        AccountSnapshot.objects.create(
            taken_at=now - timedelta(hours=step * 6),
            account_balance=Decimal(12000 - step * 150),
            promo_points=Decimal(200 if step > 12 else 0),
            source="beat",
        )


def test_billing_and_transactions_pages(logged_in_page, live_server, panel_sandbox, history, screenshot):
    page = logged_in_page
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    for balance in (3000, 9000):
        panel_sandbox.set_balance(balance=balance)
    bulk_send(recipients=3)

    page.goto(f"{live_server.url}/billing/?days=7")
    assert page.get_by_test_id("balance").inner_text().strip().replace(",", "").startswith("89")
    page.wait_for_function(
        "() => { const c = document.getElementById('balance-chart'); return c && c.width > 0 && window.Chart && Chart.getChart(c); }"
    )
    datasets = page.evaluate(
        "() => Chart.getChart(document.getElementById('balance-chart')).data.datasets.map(d => d.data.length)"
    )
    assert datasets[0] >= 24  # 24 scheduled snapshots (+ the one this page view recorded)
    assert page.get_by_test_id("prices").get_by_text("INTER").is_visible()
    screenshot("billing")

    page.get_by_role("link", name="Transactions").click()
    page.wait_for_url("**/billing/transactions/")
    rows = page.get_by_test_id("transactions").locator("tbody tr")
    assert rows.count() == 3
    page.get_by_label("Method").select_option("POINTS")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**method=POINTS**")
    assert rows.count() == 1
    assert "Campaign payment" in rows.first.inner_text()  # BULK_PAYMENT, in a tooltip
    assert rows.first.locator('[title="BULK_PAYMENT"]').count() == 1
    page.get_by_label("Transaction id").fill("ab")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_text("Search needs at least 3 characters.").is_visible()
    page.get_by_label("Transaction id").fill("")
    page.get_by_label("Method").select_option("PROFORMA")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**method=PROFORMA**")
    assert rows.count() == 2
    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    exported = download_info.value.path().read_text()
    assert exported.count("CHARGE") == 2 and "BULK_PAYMENT" not in exported
    screenshot("transactions")
    assert console_errors == []
