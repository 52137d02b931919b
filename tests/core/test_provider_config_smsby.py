"""Issue 17: SMS.by's configuration from the environment, the same rule as every provider's
(live with a token, its simulator in development without one, off in production)."""

import logging

from justsend_panel.core.envfile import GENERATED
from justsend_panel.core.logging import MASK, RedactSecretsFilter
from justsend_panel.core.provider import provider_configs
from justsend_panel.sms.base import Mode
from tests.core.test_production_settings import PRODUCTION, _python, _refused

SHOW_URL = "from django.conf import settings as s; print(s.SMSBY_API_URL)"


def test_smsby_with_a_token_is_live_with_that_token(settings):
    settings.SMSBY_TOKEN = "live-token"
    settings.SMSBY_API_URL = "https://smsby.example/api/v1"
    settings.SMSBY_MAILING_SIZE = 250
    config = provider_configs()["smsby"]
    assert (config.mode, config.api_url) == (Mode.LIVE, "https://smsby.example/api/v1")
    assert config.credentials == {"token": "live-token"} and config.options == {"mailing_size": 250}
    assert "live-token" not in repr(config)


def test_smsby_without_a_token_runs_on_its_simulator_in_development_and_is_off_in_production(settings):
    settings.SMSBY_TOKEN = ""
    settings.SMSBY_SANDBOX_TOKEN = "sandbox-token"
    assert provider_configs()["smsby"].mode is Mode.SIMULATOR
    assert provider_configs()["smsby"].credentials == {"token": "sandbox-token"}
    settings.PRODUCTION = True
    assert provider_configs()["smsby"].mode is Mode.OFF
    assert provider_configs()["smsby"].credentials == {}


def test_the_api_url_defaults_to_the_sandbox_and_is_required_with_a_token():
    simulated = _python(SHOW_URL, JUSTSEND_SANDBOX_PORT="8123", SMSBY_TOKEN="", SMSBY_API_URL="")
    assert simulated.stdout.split() == ["http://127.0.0.1:8123/smsby/api/v1"], simulated.stderr
    message = _refused(_python(SHOW_URL, SMSBY_TOKEN="token", SMSBY_API_URL=""))
    assert "set SMSBY_API_URL too" in message
    live = _python(SHOW_URL, **PRODUCTION, SMSBY_TOKEN="token", SMSBY_API_URL="https://smsby.example/api/v1")
    assert live.stdout.split() == ["https://smsby.example/api/v1"], live.stderr


def test_the_run_command_makes_the_sandbox_token_and_logs_mask_the_tokens(settings):
    assert "SMSBY_SANDBOX_TOKEN" in GENERATED
    settings.SMSBY_TOKEN = "by-live-token-123"
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "GET /checkSMS?token=%s", ("by-live-token-123",),
                               None)
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == f"GET /checkSMS?token={MASK}"
