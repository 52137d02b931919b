"""Campaign list, statistics and billing in English and Polish, in a real browser: a custom
statistics range survives a filter change, numbers and times are written the page
language's way, and the statistics cost card does not overflow. Screenshots of each."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from billing.models import AccountSnapshot
from campaigns.models import Campaign
from tests.billing.helpers import bulk_send
from tests.campaigns.statistics.conftest import finished_campaign

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


@pytest.fixture
def marketing_data(db, panel_sandbox, settings):
    settings.TIME_ZONE = "Europe/Warsaw"
    today = timezone.localdate()
    finished_campaign("Autumn sale", day=today - timedelta(days=2), recipients=12345, sent=12000,
                      delivered=10320, undelivered=1680, points="84000", cost="840")
    tomorrow_ten = datetime.combine(today + timedelta(days=1), datetime.min.time().replace(hour=10),
                                    tzinfo=ZoneInfo("Europe/Warsaw"))
    Campaign.objects.create(name="Winter sale", message="Hi", variant="PRO", status=Campaign.Status.SCHEDULED,
                            scheduled_at=tomorrow_ten, recipients_count=2500)
    panel_sandbox.set_balance(balance=9000)
    bulk_send(recipients=5)
    panel_sandbox.advance(120)
    now = timezone.now()
    for minutes in (40, 25, 10):  # minutes of balance history only
        AccountSnapshot.objects.create(taken_at=now - timedelta(minutes=minutes), account_balance=Decimal(9000 - minutes),
                                       promo_points=Decimal(0), source="beat")
    return tomorrow_ten


@pytest.mark.parametrize(("language", "locale"), [("en", "en-GB"), ("pl", "pl-PL")])
def test_lists_statistics_and_billing_read_right(browser, live_server, administrator, marketing_data, language,
                                                  locale):
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in_as(page, live_server, administrator)
    shots = []

    page.goto(f"{live_server.url}/campaigns/")
    row = page.get_by_test_id("campaign-table").locator("tr", has_text="Winter sale")
    schedule = (marketing_data.strftime("%Y-%m-%d 10:00") if language == "en"
                else marketing_data.strftime("%d.%m.%Y 10:00"))
    assert schedule in row.inner_text()
    cost = page.get_by_test_id("campaign-table").locator("tr", has_text="Autumn sale").inner_text()
    assert (f"840.00{NBSP}PLN" if language == "en" else f"840,00{NBSP}PLN") in cost
    shots.append(shoot(page, f"formats-campaign-list-{language}"))

    start = timezone.localdate() - timedelta(days=6)
    page.goto(f"{live_server.url}/campaigns/statistics/?date_from={start.isoformat()}")
    date_from = page.locator("input[name=date_from]")
    assert date_from.input_value() == start.isoformat()  # the browser kept it
    page.locator("select[name=variant]").select_option("ECO")
    page.locator("[data-testid=statistics-filter] button[type=submit]").click()
    page.wait_for_url("**variant=ECO**")
    assert page.locator("input[name=date_from]").input_value() == start.isoformat()
    page.locator("select[name=variant]").select_option("")
    page.locator("[data-testid=statistics-filter] button[type=submit]").click()
    page.wait_for_url(f"**date_from={start.isoformat()}**")
    assert page.get_by_test_id("justsend-sum").locator("[data-total=justsend-cost]").inner_text().strip() != "—"
    card = page.get_by_test_id("range-cost")
    overflow = card.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
    assert overflow <= 0, f"the cost table is {overflow}px wider than its card"
    shots.append(shoot(page, f"formats-statistics-{language}"))

    page.goto(f"{live_server.url}/billing/")
    page.wait_for_function("() => { const c = document.getElementById('balance-chart'); "
                           "return c && window.Chart && Chart.getChart(c); }")
    axis = page.evaluate("() => { const s = Chart.getChart(document.getElementById('balance-chart')).scales.x;"
                         " return s.max - s.min; }")
    assert axis < 2 * 3600 * 1000  # minutes of data: an axis of minutes, not 30 days
    shots.append(shoot(page, f"formats-billing-{language}"))
    page.goto(f"{live_server.url}/billing/transactions/")
    first = page.get_by_test_id("transactions").locator("tbody tr").first
    assert first.locator('[title="BULK_PAYMENT"]').count() == 1  # newest first: the payment after the top-up
    shots.append(shoot(page, f"formats-transactions-{language}"))
    context.close()
    assert all(path.exists() for path in shots)


def log_in_as(page, live_server, user):
    from tests.factories.users import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def shoot(page, name):
    from tests.fixtures.browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
