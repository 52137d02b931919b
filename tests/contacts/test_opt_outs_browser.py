"""Point 11's acceptance, as a user: a STOP reply's entry cannot be removed by Marketing;
an administrator removes it after a page that says the person opted out, with a reason."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import BlacklistEntry, BlacklistEvent
from contacts.services.blacklist import blacklist_numbers_add
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tick_and_remove(page, live_server):
    page.goto(f"{live_server.url}{reverse('contacts:blacklist')}")
    row = page.get_by_test_id("blacklist-table").locator("tr", has_text="48500100200")
    row.get_by_label("Select").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove selected").click()


def test_marketing_is_refused_and_an_administrator_confirms_with_a_reason(
        page, live_server, marketing_user, administrator, screenshot):
    blacklist_numbers_add(text="500100200", reason=BlacklistEntry.Reason.STOP_REPLY,
                          note="STOP reply “stop”")

    log_in(page, live_server, marketing_user)
    _tick_and_remove(page, live_server)
    expect(page.get_by_text("only an administrator may remove")).to_be_visible()
    screenshot("contacts-blacklist-opt-out-refused")
    assert BlacklistEntry.objects.filter(msisdn="48500100200").exists()

    page.context.clear_cookies()
    log_in(page, live_server, administrator)
    _tick_and_remove(page, live_server)
    expect(page.get_by_test_id("opt-out-warning")).to_contain_text("opted out")
    screenshot("contacts-blacklist-opt-out-confirm")
    page.get_by_label("Why may these people be messaged again?").fill("Signed a new consent")
    page.get_by_role("button", name="Remove, they may be messaged again").click()
    page.wait_for_url(f"**{reverse('contacts:blacklist')}")
    assert not BlacklistEntry.objects.filter(msisdn="48500100200").exists()
    removal = BlacklistEvent.objects.get(action=BlacklistEvent.Action.REMOVED)
    assert (removal.user, removal.reason) == (administrator, "Signed a new consent")
