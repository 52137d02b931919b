"""Contacts in a real browser with the real worker: group, members, blacklist, lookup."""

import pytest
from playwright.sync_api import expect

from contacts.models import Group, Member
from tests.contacts.conftest import remote_members

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_staff_keep_a_group_and_the_blacklist_and_justsend_follows(
    logged_in_page, live_server, panel_sandbox, celery_worker_process, screenshot
):
    page = logged_in_page
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/contacts/")
    page.get_by_role("link", name="New group").click()
    page.get_by_label("Name").fill("Browser group")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Browser group")).to_be_visible()

    for number, name in (("500 123 123", "Jan"), ("+48 600-200-300", "Ola")):
        page.get_by_role("link", name="Add member").click()
        page.get_by_label("Phone number").fill(number)
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Saved ")).to_be_visible()
    page.get_by_role("link", name="Add member").click()
    page.get_by_label("Phone number").fill("123")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“123” is not a valid phone number.")).to_be_visible()
    page.get_by_role("link", name="Browser group").click()

    # The worker pushes; the sync card (polled by htmx) turns "synced" without a reload.
    expect(page.get_by_test_id("group-sync").get_by_text("synced")).to_be_visible(timeout=60_000)
    screenshot("contacts-group-detail")
    group = Group.objects.get(name="Browser group")
    with panel_sandbox.client() as remote:
        assert set(remote_members(remote, group.remote_id)) == {"48500123123", "48600200300"}

    page.get_by_role("link", name="Blacklist", exact=True).click()
    page.get_by_label("Numbers").fill("500 123 123\nnot-a-number")
    page.get_by_role("button", name="Blacklist", exact=True).click()
    expect(page.get_by_test_id("invalid-numbers")).to_contain_text("“not-a-number” is not a phone number.")
    expect(page.get_by_label("Numbers")).to_have_value("not-a-number")
    screenshot("contacts-blacklist-invalid")

    page.goto(f"{live_server.url}/contacts/groups/{group.pk}/")
    row = page.get_by_test_id("member-table").locator("tr", has_text="48500123123")
    expect(row.get_by_text("blacklisted")).to_be_visible()

    page.get_by_role("button", name="More").click()
    page.get_by_role("link", name="Number lookup").click()
    page.get_by_role("searchbox").fill("0048 500 123 123")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_test_id("lookup-blacklisted")).to_be_visible()
    expect(page.get_by_test_id("lookup-local")).to_contain_text("Browser group")
    expect(page.get_by_test_id("lookup-remote")).to_contain_text("Browser group")
    screenshot("contacts-lookup")

    page.goto(f"{live_server.url}/contacts/groups/{group.pk}/")
    page.get_by_test_id("member-table").locator("tr", has_text="48600200300").get_by_role("checkbox").check()
    page.get_by_role("button", name="Delete selected").click()
    expect(page.get_by_text("Deleted 1 member.")).to_be_visible()
    assert list(Member.objects.values_list("msisdn", flat=True)) == ["48500123123"]
    expect(page.get_by_test_id("group-sync").get_by_text("synced")).to_be_visible(timeout=60_000)
    with panel_sandbox.client() as remote:
        assert set(remote_members(remote, group.remote_id)) == {"48500123123"}
