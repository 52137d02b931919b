import pytest
from playwright.sync_api import expect

from tests.factories.users import PASSWORD

pytestmark = pytest.mark.browser


def test_login_page_leads_to_dashboard(page, live_server, administrator, screenshot):
    page.goto(f"{live_server.url}/")
    # Every page needs login: the browser lands on the login form.
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".alert-danger")).to_be_visible()

    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    nav = page.locator("nav")
    for item in ("Campaigns", "Contacts", "Blacklist", "Statistics", "Billing"):
        expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()
    # The administrators' pages are in one menu; the user menu stays on the screen.
    nav.get_by_test_id("admin-menu").get_by_role("button", name="Administration").click()
    for item in ("Users", "Activity", "Connection", "Django admin"):
        expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()
    menu = page.get_by_test_id("user-menu").bounding_box()
    assert menu["x"] + menu["width"] <= page.viewport_size["width"]
    path = screenshot("dashboard")
    assert path.stat().st_size > 10_000


def test_csp_header_blocks_foreign_scripts(page, live_server):
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
