import pytest

pytestmark = pytest.mark.django_db


def test_connection_page_shows_mode_url_and_never_the_key(admin_client_panel, panel_sandbox):
    response = admin_client_panel.get("/connection/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sandbox" in page
    assert panel_sandbox.api_url in page
    assert "set (never shown)" in page
    assert panel_sandbox.app_key not in page


def test_check_button_reports_the_account_balance(admin_client_panel, panel_sandbox):
    panel_sandbox.set_balance(balance=1234.5, promo=10)
    response = admin_client_panel.post("/connection/")
    page = response.content.decode()
    assert "Connected" in page
    assert "1234.5" in page


def test_check_button_reports_a_wrong_key(admin_client_panel, panel_sandbox, settings):
    settings.JUSTSEND_SANDBOX_APP_KEY = "not-the-key"
    page = admin_client_panel.post("/connection/").content.decode()
    assert "Connection failed" in page
    assert "not-the-key" not in page


def test_check_button_reports_an_unreachable_server(admin_client_panel, settings):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"
    settings.JUSTSEND_SANDBOX_APP_KEY = "k"
    page = admin_client_panel.post("/connection/").content.decode()
    assert "Connection failed" in page
    assert "Could not talk to Justsend" in page


def test_marketing_cannot_open_connection_page(marketing_client):
    assert marketing_client.get("/connection/").status_code == 403
    assert marketing_client.post("/connection/").status_code == 403


def test_missing_app_key_is_a_message_not_a_500(admin_client_panel, settings):
    settings.JUSTSEND_SANDBOX_APP_KEY = ""
    settings.JUSTSEND_APP_KEY = ""
    page = admin_client_panel.post("/connection/").content.decode()
    assert "Connection failed" in page
    assert "No Justsend App-Key is configured" in page
