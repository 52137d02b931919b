"""Send a campaign on the sandbox from the browser, watch per-recipient statuses arrive by
postbacks (sandbox -> the live server's webhook -> a real worker applies them), and see the
campaign's delivery charts, the Statistics page, the number history and the dashboard."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.urls import NoReverseMatch, reverse

from campaigns.models import Campaign, Recipient
from justsend_panel.sandbox.postbacks import PostbackDispatcher
from tests.campaigns.conftest import members_group
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SECRET = "browser-postbacks"
FINAL = (Recipient.Status.DELIVERED, Recipient.Status.UNDELIVERED, Recipient.Status.EXPIRED)


@contextmanager
def sandbox_posting_to(sandbox, url: str):
    """Make the session's sandbox (manual clock, in this process) POST its postbacks to
    ``url`` while the block runs: it was started before the live server had a URL."""
    app = sandbox.app
    config = app.config
    dispatcher = PostbackDispatcher(
        store=app.store, clock=app.clock, base_url=url, batch=config.postback_batch,
        timeout=config.postback_timeout, retry_base=config.postback_retry_base,
        retry_max=config.postback_retry_max,
    )
    saved = (config.postback_url, app.dispatcher, app.lifecycle.on_progress)
    config.postback_url, app.dispatcher, app.lifecycle.on_progress = url, dispatcher, dispatcher.wake
    try:
        yield dispatcher
    finally:
        config.postback_url, app.dispatcher, app.lifecycle.on_progress = saved
        dispatcher.stop()


@pytest.fixture
def webhook_url(live_server, settings):
    settings.JUSTSEND_WEBHOOK_SECRET = SECRET
    try:
        path = reverse("justsend_webhook", kwargs={"secret": SECRET})
    except NoReverseMatch:
        pytest.skip("the postback webhook (delivery tracking, part 1) is not routed yet")
    return live_server.url + path


@pytest.mark.django_db(transaction=True)
def test_statuses_arrive_by_postbacks_and_the_charts_render(
    logged_in_page, live_server, panel_sandbox, celery_worker_process, webhook_url, screenshot
):
    group = members_group("Postback customers", 12, start=600100000)
    page = logged_in_page
    page.goto(f"{live_server.url}/campaigns/new/")
    page.fill("#id_name", "Postback spring")
    page.fill("#id_message", "Spring sale today")
    page.select_option("#id_groups", value=str(group.pk))
    page.click("form[data-compose] button[type=submit]")
    page.wait_for_url("**/preview/")
    page.get_by_test_id("launch").click()
    page.get_by_role("button", name="Yes, launch").click()
    page.wait_for_url("**/campaigns/*/")
    campaign = Campaign.objects.get(name="Postback spring")
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING, timeout=60)
    assert not Recipient.objects.filter(campaign=campaign, status__in=FINAL).exists()

    with sandbox_posting_to(panel_sandbox, webhook_url):
        # The sandbox's clock: everything sent and reported; its postbacks go out at once.
        result = panel_sandbox.advance(3600)
        assert result["postbacksSent"] >= 2 * 12 and result["postbacksPending"] == 0

    # Nobody polled Justsend: only the postbacks, applied by the worker, move the rows.
    def all_final():
        rows = Recipient.objects.filter(campaign=campaign)
        return rows.count() == 12 and not rows.exclude(status__in=FINAL).exists()

    wait_until(all_final, timeout=60)
    statuses = list(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True))
    delivered = statuses.count(Recipient.Status.DELIVERED)
    assert delivered and Recipient.objects.filter(campaign=campaign, sent_at__isnull=False).count() == 12
    assert Recipient.objects.exclude(operator="").filter(campaign=campaign).count() == 12

    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    table = page.locator("table").last
    assert table.locator('[data-status="delivered"]').count() == delivered
    charts = page.get_by_test_id("campaign-delivery-charts")
    charts.locator('[data-chart="funnel"][data-rendered="1"]').wait_for(timeout=15_000)
    charts.locator('[data-chart="delays"][data-rendered="1"]').wait_for(timeout=15_000)
    assert charts.locator('[data-funnel="delivered"]').inner_text().startswith(
        str(Campaign.objects.get(pk=campaign.pk).delivered_count)
    )
    assert page.get_by_test_id("delays-count").inner_text().startswith(str(delivered))
    screenshot("delivery-campaign-detail")

    page.goto(f"{live_server.url}/campaigns/statistics/")
    page.locator('#statistics-daily[data-rendered="1"]').wait_for(timeout=15_000)
    page.locator('#statistics-variants[data-rendered="1"]').wait_for(timeout=15_000)
    totals = page.get_by_test_id("statistics-totals")
    assert totals.locator('[data-total="sent"]').inner_text() == "12"
    assert totals.locator('[data-total="delivered"]').inner_text() == str(delivered)
    assert page.get_by_test_id("statistics-table").locator("tbody tr").count() >= 1
    screenshot("delivery-statistics")

    page.select_option("#id_source", "local")
    page.get_by_role("button", name="Show").click()
    page.locator('#statistics-daily[data-rendered="1"]').wait_for(timeout=15_000)
    assert page.get_by_test_id("statistics-totals").locator('[data-total="delivered"]').inner_text() == str(
        Campaign.objects.get(pk=campaign.pk).delivered_count
    )

    number = Recipient.objects.filter(campaign=campaign).order_by("pk").first().msisdn
    page.goto(f"{live_server.url}/contacts/lookup/?q={number}")
    page.get_by_test_id("history-link").click()
    page.wait_for_url(f"**/history/{number}/")
    rows = page.get_by_test_id("history-table").locator("tbody tr")
    assert rows.filter(has_text="Postback spring").count() >= 1
    screenshot("delivery-number-history")

    page.goto(f"{live_server.url}/")
    page.locator('#dashboard-week-chart[data-rendered="1"]').wait_for(timeout=15_000)
    screenshot("delivery-dashboard")
