"""Issue 16: the Providers page (administrators): one card per provider with its mode,
API URL, webhook URL and capabilities, never a credential; the administrator's settings
saved through the service (with an activity entry), also from Django admin; a check per
provider; the sandbox banner names the simulated providers."""

from decimal import Decimal

import pytest
from django.test import Client

from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.models import ProviderSetting
from justsend_panel.core.roles import VIEWER
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def _card(page: str, provider: str) -> str:
    return page.split(f'data-testid="provider-{provider}"', 1)[1].split('class="card-footer"', 1)[0]


def test_a_card_per_provider_with_mode_url_and_capabilities(admin_client_panel, settings):
    settings.JUSTSEND_SANDBOX = True
    settings.JUSTSEND_API_URL = "http://127.0.0.1:8100/api"
    page = admin_client_panel.get("/providers/").content.decode()
    justsend = _card(page, "justsend")
    assert "Justsend" in justsend and "Simulator" in justsend
    assert "http://127.0.0.1:8100/api" in justsend
    assert "contact groups kept at the provider" in justsend  # a readable capability
    assert "remote_groups" not in justsend


def test_the_page_never_shows_a_credential(admin_client_panel, settings):
    settings.JUSTSEND_SANDBOX = False
    settings.JUSTSEND_APP_KEY = "live-app-key-never-shown"
    settings.JUSTSEND_API_URL = "https://justsend.io/api"
    settings.JUSTSEND_WEBHOOK_SECRET = ""
    page = admin_client_panel.get("/providers/").content.decode()
    assert "Live" in _card(page, "justsend")
    assert "live-app-key-never-shown" not in page
    assert "Not available: set JUSTSEND_WEBHOOK_SECRET." in page


def test_the_webhook_url_to_paste_is_shown_to_administrators(admin_client_panel, settings):
    settings.JUSTSEND_WEBHOOK_SECRET = "hook-secret"
    settings.PANEL_PUBLIC_URL = ""
    page = admin_client_panel.get("/providers/").content.decode()
    assert "http://testserver/webhooks/justsend/hook-secret/" in _card(page, "justsend")
    settings.PANEL_PUBLIC_URL = "https://panel.example.com"
    page = admin_client_panel.get("/providers/").content.decode()
    assert "https://panel.example.com/webhooks/justsend/hook-secret/" in _card(page, "justsend")


def test_the_admin_menu_links_the_page(admin_client_panel):
    menu = admin_client_panel.get("/").content.decode().split('data-testid="admin-menu"', 1)[1]
    assert 'href="/providers/"' in menu.split("</li>\n      </ul>", 1)[0]


@pytest.fixture
def viewer_client(client):
    client.force_login(UserFactory(username="watcher", role=VIEWER))
    return client


@pytest.mark.parametrize("who", ["marketing_client", "viewer_client"])
def test_marketing_and_viewer_are_refused(who, request):
    client = request.getfixturevalue(who)
    assert client.get("/providers/").status_code == 403
    data = {"justsend-rate_limit": "1"}
    assert client.post("/providers/justsend/settings/", data).status_code == 403
    assert client.post("/providers/justsend/check/").status_code == 403
    assert not ProviderSetting.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.CONNECTION_CHECKED).exists()


def test_a_post_without_the_csrf_token_is_refused(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    response = client.post("/providers/justsend/settings/", {"justsend-rate_limit": "3"})
    assert response.status_code == 403
    assert not ProviderSetting.objects.exists()


def test_saving_the_settings_goes_through_the_service(admin_client_panel, administrator):
    response = admin_client_panel.post("/providers/justsend/settings/", {
        "justsend-default_sender": "SHOP", "justsend-price_per_segment": "0.0800",
        "justsend-currency": "PLN", "justsend-rate_limit": "4",
    })
    assert response.status_code == 302
    assert response["Location"] == "/providers/#provider-justsend"
    setting = ProviderSetting.objects.get(provider="justsend")
    assert (setting.default_sender, setting.price_per_segment, setting.currency,
            setting.rate_limit) == ("SHOP", Decimal("0.0800"), "PLN", 4.0)
    [entry] = AuditEntry.objects.filter(action=Action.SETTINGS_PROVIDER)
    assert entry.actor == administrator and entry.object_id == str(setting.pk)
    page = admin_client_panel.get("/providers/").content.decode()
    assert 'value="SHOP"' in _card(page, "justsend")


@pytest.mark.parametrize("data, error", [
    ({"justsend-rate_limit": "0"}, "greater than or equal to 0.01"),
    ({"justsend-price_per_segment": "0.1"}, "Give the currency of the price."),
])
def test_invalid_settings_are_refused_with_the_reason(admin_client_panel, data, error):
    response = admin_client_panel.post("/providers/justsend/settings/", data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not ProviderSetting.objects.exists()


def test_an_unknown_provider_is_404(admin_client_panel):
    assert admin_client_panel.post("/providers/nope/settings/", {}).status_code == 404
    assert admin_client_panel.post("/providers/nope/check/").status_code == 404


def test_check_connection_runs_the_backend_check(admin_client_panel, panel_sandbox, administrator):
    page = admin_client_panel.post("/providers/justsend/check/").content.decode()
    result = page.split('data-testid="check-result">', 1)[1].split("</div>", 1)[0]
    assert result.startswith("OK in ") and "balance" in result
    [entry] = AuditEntry.objects.filter(action=Action.CONNECTION_CHECKED)
    assert (entry.actor, entry.object_type, entry.object_id) == (administrator, "provider", "justsend")


def test_check_connection_shows_the_error_never_the_key(admin_client_panel, panel_sandbox, settings):
    settings.JUSTSEND_SANDBOX_APP_KEY = "not-the-key"
    page = admin_client_panel.post("/providers/justsend/check/").content.decode()
    result = page.split('data-testid="check-result">', 1)[1].split("</div>", 1)[0]
    assert result.startswith("Connection failed: ")
    assert "not-the-key" not in page


def test_django_admin_saves_through_the_same_service(admin_client_panel, administrator):
    response = admin_client_panel.post("/admin/core/providersetting/add/", {
        "provider": "justsend", "default_sender": "ADMIN", "price_per_segment": "",
        "currency": "", "rate_limit": "2",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProviderSetting.objects.get(provider="justsend").rate_limit == 2.0
    assert AuditEntry.objects.filter(action=Action.SETTINGS_PROVIDER, actor=administrator).count() == 1


def test_the_banner_names_the_simulated_providers(marketing_client, settings):
    settings.JUSTSEND_SANDBOX = True
    page = marketing_client.get("/").content.decode()
    banner = page.split('data-testid="sandbox-banner">', 1)[1].split("</div>", 1)[0]
    assert "Simulated providers: Justsend" in banner
    assert "no message leaves this machine" in banner
    settings.JUSTSEND_SANDBOX = False
    settings.JUSTSEND_APP_KEY = "live"
    settings.SMSMANAGER_API_KEY = "live"
    settings.JUSTCALL_API_KEY = "live"
    settings.SMSBY_TOKEN = "live"
    assert 'data-testid="sandbox-banner"' not in marketing_client.get("/").content.decode()


def test_smsmanager_has_its_card_check_and_webhook_url(admin_client_panel, settings,
                                                      panel_sandbox):
    settings.SMSMANAGER_WEBHOOK_SECRET = "sm-hook"
    page = admin_client_panel.get("/providers/").content.decode()
    card = _card(page, "smsmanager")
    assert "SMS Manager" in card and "Simulator" in card
    assert panel_sandbox.smsmanager_url in card
    assert "up to 100 recipients per call" in card and "channel flow (Viber, WhatsApp…)" in card
    # Large figures are formatted for the reader, not printed raw.
    assert "up to 1,000,000 recipients per call" in _card(page, "justsend")
    assert "http://testserver/webhooks/smsmanager/sm-hook/" in card
    assert panel_sandbox.smsmanager_api_key not in page
    checked = admin_client_panel.post("/providers/smsmanager/check/").content.decode()
    assert _card(checked, "smsmanager") and 'data-testid="check-result">OK in ' in checked


def test_the_banner_names_every_simulated_provider(marketing_client, settings):
    settings.JUSTSEND_SANDBOX = True
    settings.SMSMANAGER_API_KEY = ""
    settings.PRODUCTION = False
    page = marketing_client.get("/").content.decode()
    assert "Simulated providers: Justsend, SMS Manager, JustCall, SMS.by — no message leaves this machine" in page
