"""Users in a real browser: an administrator creates a Marketing user in one step, and that
user logs in with the password given. Screenshots of the Users pages in English and Polish."""

import pytest
from playwright.sync_api import expect

from justsend_panel.core.users.selectors import user_role_get
from tests.factories.users import PASSWORD, UserFactory, marketing_user_create

pytestmark = pytest.mark.browser
NEW_PASSWORD = "kestrel-harbour-lantern-91"


def test_an_administrator_creates_a_marketing_user_who_then_logs_in(
    logged_in_page, live_server, screenshot
):
    marketing_user_create(username="anna", first_name="Anna", last_name="Nowak",
                          email="anna@example.com")
    UserFactory(username="piotr", first_name="Piotr", last_name="Wiśniewski",
                email="piotr@example.com", role="Viewer", is_active=False)
    page = logged_in_page
    page.get_by_test_id("admin-menu").get_by_role("button", name="Administration").click()
    page.locator("nav").get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(page.get_by_test_id("user-table")).to_contain_text("anna@example.com")
    screenshot("users-list")

    page.get_by_role("link", name="New user").click()
    page.get_by_label("First name").fill("Ewa")
    page.get_by_label("Last name").fill("Zielińska")
    page.get_by_role("textbox", name="E-mail", exact=True).fill("ewa@example.com")
    page.get_by_label("Username").fill("ewa")
    page.get_by_label("Role").select_option(label="Marketing")
    page.get_by_label("Give an initial password").check()
    page.get_by_label("Initial password", exact=True).fill(NEW_PASSWORD)
    screenshot("users-create")
    page.get_by_role("button", name="Create user").click()

    expect(page.get_by_role("alert")).to_contain_text("Created ewa with the initial password")
    row = page.get_by_test_id("user-table").locator("tr", has_text="ewa@example.com")
    expect(row).to_contain_text("Marketing")
    expect(row).to_contain_text("Zielińska")

    page.get_by_test_id("user-menu").get_by_role("button").click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("ewa")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # A Marketing user has no Users entry in the menu.
    expect(page.locator("nav").get_by_role("link", name="Users", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("admin-menu")).to_have_count(0)

    from django.contrib.auth import get_user_model

    assert user_role_get(get_user_model().objects.get(username="ewa")) == "Marketing"


def test_the_users_pages_in_polish(browser, live_server, administrator, screenshot):
    marketing_user_create(username="anna", first_name="Anna", last_name="Nowak",
                          email="anna@example.com")
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "pl")
        page.locator("a[href='/accounts/password-reset/']").click()
        expect(page.locator("input[type=email]")).to_be_visible()
        _screenshot(page, screenshot, "password-reset-pl")
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(administrator.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/users/")
        expect(page.get_by_test_id("user-table")).to_contain_text("anna@example.com")
        _screenshot(page, screenshot, "users-list-pl")
        page.goto(f"{live_server.url}/users/new/")
        expect(page.get_by_test_id("user-create-form")).to_be_visible()
        _screenshot(page, screenshot, "users-create-pl")
    finally:
        context.close()


def _screenshot(page, screenshot, name):
    # The fixture photographs its own page; this one is a second, Polish context.
    from tests.fixtures.browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
