"""Compose a PERSONALIZED campaign to a group in Chromium, check the live counter against
campaigns/segments.py, see the preview with its cost, launch it, and watch the detail page
(htmx polling) reach "finished" while a real worker submits it to the sandbox."""

import pytest

from campaigns.models import Campaign, Recipient
from campaigns.segments import count_segments
from campaigns.services.polling import campaigns_poll_in_flight
from tests.campaigns.conftest import blacklist_add, members_group
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.integration]

COUNTER_TEXTS = [
    "a" * 160,
    "a" * 161,
    "a" * 152 + "€" + "a" * 10,
    "Zażółć gęślą jaźń",
    "ą" * 66 + "😀" + "ą" * 3,
    "Hi {name}, [promo] ~20% off^",
]


def counter_figures(page) -> dict[str, str]:
    box = page.get_by_test_id("segment-counter")
    names = ("characters", "encoding", "units", "segments", "per_segment", "units_left")
    return {name: box.locator(f'[data-count="{name}"]').inner_text() for name in names}


@pytest.mark.django_db(transaction=True)
def test_compose_preview_launch_and_watch_it_finish(
    logged_in_page, live_server, panel_sandbox, celery_worker_process, screenshot
):
    group = members_group("Browser customers", 8)
    blacklist_add(group.members.order_by("pk").first().msisdn)
    page = logged_in_page
    page.goto(f"{live_server.url}/campaigns/new/")

    for text in COUNTER_TEXTS:
        page.fill("#id_message", text)
        expected = count_segments(text)
        assert counter_figures(page) == {
            "characters": str(expected.characters), "encoding": expected.encoding,
            "units": str(expected.units), "segments": str(expected.segments),
            "per_segment": str(expected.per_segment), "units_left": str(expected.units_left),
        }, text

    page.fill("#id_name", "Browser spring")
    page.select_option("#id_bulk_type", "PERSONALIZED")
    page.fill("#id_message", "Cześć {name}, Twój kod: {code}")
    assert page.locator('[data-action="replace-diacritics"]').is_visible()
    page.click('[data-action="replace-diacritics"]')
    assert page.input_value("#id_message") == "Czesc {name}, Twoj kod: {code}"
    assert counter_figures(page)["encoding"] == "GSM-7"
    assert page.locator("#id_full_sender").is_hidden()  # only FULL shows its headings
    # The searchable group select (Tom Select over the form's <select multiple>).
    page.get_by_role("combobox", name="Groups", exact=True).fill("Browser")
    page.locator(".ts-dropdown .option.active").filter(has_text="Browser customers").click()
    assert page.locator("#id_groups").evaluate("s => Array.from(s.selectedOptions).map(o => o.value)") == [str(group.pk)]
    screenshot("campaign-compose")
    page.click("form[data-compose] button[type=submit]")

    page.wait_for_url("**/preview/")
    assert page.get_by_test_id("recipients").inner_text() == "7"
    assert page.get_by_test_id("removed-blacklisted").inner_text() == "1"
    assert page.get_by_test_id("sample").count() == 5
    assert "Czesc Ann1, Twoj kod: C1" in page.get_by_test_id("sample").first.inner_text()
    total_cost = page.get_by_test_id("total-cost").inner_text()
    assert total_cost[0].isdigit() and "pts" in total_cost
    assert page.get_by_test_id("balance").inner_text()[0].isdigit()
    screenshot("campaign-preview")

    page.get_by_test_id("launch").click()
    page.get_by_role("button", name="Yes, launch").click()
    page.wait_for_url("**/campaigns/*/")
    campaign = Campaign.objects.get(name="Browser spring")
    # The real worker hands it to the sandbox; the page follows by itself.
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING, timeout=60)
    page.get_by_test_id("status").filter(has_text="Sending").wait_for(timeout=15_000)
    sent = panel_sandbox.requests(path="/api/sender/bulk/send")
    assert len(sent) == 1 and "Czesc Ann1, Twoj kod: C1" in str(sent[0])

    # A delivery report moves a recipient's row (a postback the worker applies; written here
    # directly, this test routes no postbacks): the table follows while the page polls.
    # One poll (the progress card's) brings the card, the table and the charts together.
    assert page.locator("#campaign-progress[hx-get]").count() == 1
    assert page.locator("[hx-trigger^=every]").count() == 1
    Recipient.objects.filter(campaign=campaign).update(status=Recipient.Status.DELIVERED)
    panel_sandbox.advance(3600)  # the sandbox's clock: every message sent and reported
    assert campaigns_poll_in_flight() == 1
    page.get_by_test_id("status").filter(has_text="Finished").wait_for(timeout=15_000)
    assert page.get_by_test_id("counts").locator('[data-count="recipients"]').inner_text() == "7"
    delivered = int(page.get_by_test_id("counts").locator('[data-count="delivered"]').inner_text())
    undelivered = int(page.get_by_test_id("counts").locator('[data-count="undelivered"]').inner_text())
    assert delivered + undelivered == 7
    assert page.locator("#campaign-progress[hx-get]").count() == 0  # polling stopped
    # The recipient table and the charts came with the card's last answer, no reload.
    assert page.locator('#campaign-recipients [data-status="delivered"]').count() == 7
    funnel = page.get_by_test_id("funnel-figures")
    assert funnel.locator('[data-funnel="delivered"]').inner_text().split()[0] == str(delivered)
    assert page.locator('[data-chart="funnel"][data-rendered="1"]').count() == 1
    page.reload()  # the progress survives a reload: it is rendered from the campaign's counters
    assert page.get_by_test_id("status").inner_text() == "Finished"
    screenshot("campaign-detail")
