"""The Activity page in a real browser, in English and in Polish: filters by date with
ISO values, and screenshots of both (artifacts/screenshots/activity-*.png)."""

import pytest

from contacts.services.blacklist import blacklist_numbers_add
from contacts.services.groups import group_create, group_update
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import POSTBACK
from justsend_panel.audit.services import audit_record

pytestmark = pytest.mark.browser


@pytest.fixture
def activity(db, administrator, marketing_user):
    group = group_create(name="VIP customers", by=marketing_user)
    group_update(group=group, name="VIP", group_type=group.group_type, country="",
                 by=administrator)
    blacklist_numbers_add(text="500 100 200\n500 100 201", user=marketing_user, note="asked")
    audit_record(action=Action.BLACKLIST_STOP_REPLY, actor_label=POSTBACK,
                 object_type="number", object_id="48500100300", object_label="48500100300",
                 summary="Reply: %(note)s", summary_params={"note": "“STOP” 2026-12-03 09:15"})


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_activity_page_in_both_languages(logged_in_page, live_server, activity, screenshot,
                                             language):
    page = logged_in_page
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("admin-menu").locator("a.dropdown-toggle").click()
    page.locator("nav a[href='/activity/']").click()
    page.wait_for_url(f"{live_server.url}/activity/")
    rows = page.get_by_test_id("activity").locator("tbody tr")
    assert rows.count() == 5  # the four above and this page's own log-in, the oldest
    assert "48500100300" in rows.nth(0).inner_text()  # newest first
    page.locator("#id_date_from").fill("2000-01-31")  # a date picker speaks ISO in either language
    page.locator("form[data-testid=activity-filters] button[type=submit]").click()
    page.wait_for_url("**date_from=2000-01-31**")
    assert page.locator("#id_date_from").input_value() == "2000-01-31"
    assert rows.count() == 5
    if language == "pl":
        assert page.locator("html").get_attribute("lang") == "pl"
    screenshot(f"activity-{language}")
    page.locator("a", has_text="VIP").first.click()
    page.wait_for_url(f"{live_server.url}/contacts/groups/**")
    assert page.get_by_test_id("activity-entry").count() == 2
    screenshot(f"activity-group-{language}")
