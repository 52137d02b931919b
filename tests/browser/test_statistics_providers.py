"""Issue #17 in Chromium: the Statistics page's delivery rate per provider (chart and table)
for campaigns of four providers, then the provider filter narrowing the page to SMS.by:
one row, its rate and cost in its own currency, Justsend's own figures withheld. In
English and in Polish; screenshots go to artifacts/screenshots/.

New wording is not in the catalogue until the lead merges it, so new elements are found by
test id and data attributes."""

import pytest

from tests.browser.test_campaign_composer import logged_in, shot
from tests.campaigns.statistics.test_provider_statistics import three_providers  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

NBSP = "\u00a0"
CHART_DRAWN = ("() => { const c = document.getElementById('statistics-providers-chart'); "
               "return c && c.dataset.rendered === '1' && window.Chart && Chart.getChart(c); }")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-US", "pl-PL"])
def test_delivery_rate_per_provider_and_the_provider_filter(
    browser, live_server, panel_sandbox, three_providers, marketing_user, locale,  # noqa: F811
):
    language = locale[:2]
    page = logged_in(browser, live_server, marketing_user, locale=locale)
    page.goto(f"{live_server.url}/campaigns/statistics/?source=local")
    assert page.locator("html").get_attribute("lang") == language

    table = page.get_by_test_id("providers-table")
    assert table.locator("tbody tr").evaluate_all("rs => rs.map(r => r.dataset.provider)") == [
        "justsend", "smsmanager", "justcall", "smsby"]
    page.wait_for_function(CHART_DRAWN)
    bars = page.evaluate("() => Chart.getChart(document.getElementById('statistics-providers-chart'))"
                         ".data.datasets[0].data")
    assert bars == [86.7, 85.7, None, 25.0]
    # SMS Manager's crowns and SMS.by's roubles each in their own row, never added together.
    assert table.locator("tr[data-provider=smsmanager] [data-figure=cost] [data-cost=estimated]").inner_text() == (
        f"0.90{NBSP}CZK" if language == "en" else f"0,90{NBSP}CZK")
    shot(page, f"statistics-providers-{language}")

    page.locator("select[name=provider]").select_option("smsby")
    page.locator("select[name=source]").select_option("justsend")
    page.locator("[data-testid=statistics-filter] button[type=submit]").click()
    page.wait_for_url("**provider=smsby**")
    page.wait_for_function(CHART_DRAWN)

    assert table.locator("tbody tr").count() == 1
    row = table.locator("tr[data-provider=smsby]")
    assert row.locator("[data-figure=rate]").inner_text() == ("25.0%" if language == "en" else "25,0%")
    assert row.locator("[data-figure=cost] [data-cost=estimated]").inner_text() == (
        f"0.40{NBSP}BYN" if language == "en" else f"0,40{NBSP}BYN")
    assert page.get_by_test_id("statistics-totals").locator("[data-total=sent]").inner_text() == "4"
    assert page.get_by_test_id("statistics-justsend-withheld").is_visible()
    assert page.get_by_test_id("justsend-sum").count() == 0
    assert page.locator("select[name=provider]").input_value() == "smsby"
    shot(page, f"statistics-provider-filter-{language}")
