"""Issue 17: SMS.by's Viber name (``vibername_id``), the sender single messages are forwarded
from, is set on the Providers page (SMS.by's card only) and kept through the service."""

import pytest

from justsend_panel.core.models import ProviderSetting

pytestmark = pytest.mark.django_db


def _card(page: str, provider: str) -> str:
    return page.split(f'data-testid="provider-{provider}"', 1)[1].split('class="card-footer"', 1)[0]


def test_only_sms_by_s_card_asks_for_the_viber_name(admin_client_panel):
    page = admin_client_panel.get("/providers/").content.decode()
    assert 'name="smsby-vibername_id"' in _card(page, "smsby")
    assert "vibername_id" not in _card(page, "justsend") + _card(page, "smsmanager")


def test_the_viber_name_is_saved_and_shown_again(admin_client_panel):
    response = admin_client_panel.post("/providers/smsby/settings/", {
        "smsby-default_sender": "7", "smsby-vibername_id": "3"})
    assert response.status_code == 302
    assert ProviderSetting.objects.get(provider="smsby").vibername_id == 3
    page = admin_client_panel.get("/providers/").content.decode()
    assert 'name="smsby-vibername_id" value="3"' in _card(page, "smsby")


def test_a_viber_name_must_be_a_positive_id(admin_client_panel):
    response = admin_client_panel.post("/providers/smsby/settings/", {"smsby-vibername_id": "0"})
    assert response.status_code == 400
    assert not ProviderSetting.objects.exists()
