import pytest

from justsend_panel.core import provider as provider_module
from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.registry import PROVIDERS
from tests.campaigns.providers.fake_backend import FakeBackend

SECRET = "fake-webhook-secret-0123456789"


@pytest.fixture
def fake_provider(monkeypatch, settings):
    """``fakeprov`` in the registry (live), its webhook secret and the panel's address."""
    monkeypatch.setitem(PROVIDERS, "fakeprov", "tests.campaigns.providers.fake_backend:FakeBackend")
    configs = provider_module.provider_configs
    monkeypatch.setattr(provider_module, "provider_configs", lambda: {
        **configs(), "fakeprov": ProviderConfig(name="fakeprov", mode=Mode.LIVE,
                                                api_url="http://fake.invalid",
                                                credentials={"api_key": "k"})})
    provider_module._registry.cache_clear()
    settings.FAKEPROV_WEBHOOK_SECRET = SECRET
    settings.PANEL_PUBLIC_URL = "https://panel.example"
    FakeBackend.reset()
    yield FakeBackend
    FakeBackend.reset()
    provider_module._registry.cache_clear()
