"""Issue 16: each provider's configuration from the environment. With credentials a
provider is live; without them it runs on its simulator in development and is off in
production; the run command gives the sandbox SMS Manager's key and every process the
panel's public URL."""

import logging

from justsend_panel.core.envfile import GENERATED
from justsend_panel.core.logging import MASK, RedactSecretsFilter
from justsend_panel.core.management.commands.runpanel import panel_processes, provider_lines
from justsend_panel.core.provider import provider_callback_url, provider_configs
from justsend_panel.sms.base import Mode
from tests.core.test_production_settings import PRODUCTION, _python, _refused


def test_smsmanager_with_a_key_is_live_with_that_key(settings):
    settings.SMSMANAGER_API_KEY = "live-key"
    settings.SMSMANAGER_API_URL = "https://api.smsmngr.com/v2"
    config = provider_configs()["smsmanager"]
    assert config.mode is Mode.LIVE
    assert config.api_url == "https://api.smsmngr.com/v2"
    assert config.credentials == {"api_key": "live-key"}
    assert "live-key" not in repr(config)


def test_smsmanager_without_a_key_runs_on_its_simulator_in_development(settings):
    settings.SMSMANAGER_API_KEY = ""
    settings.SMSMANAGER_SANDBOX_API_KEY = "sandbox-key"
    config = provider_configs()["smsmanager"]
    assert config.mode is Mode.SIMULATOR
    assert config.credentials == {"api_key": "sandbox-key"}


def test_smsmanager_without_a_key_is_off_in_production(settings):
    settings.PRODUCTION = True
    settings.SMSMANAGER_API_KEY = ""
    settings.SMSMANAGER_SANDBOX_API_KEY = "sandbox-key"
    config = provider_configs()["smsmanager"]
    assert config.mode is Mode.OFF
    assert config.credentials == {}


SHOW_URL = "from django.conf import settings as s; print(s.SMSMANAGER_API_URL)"


def test_the_api_url_defaults_to_the_sandbox_without_a_key_and_the_api_with_one():
    simulated = _python(SHOW_URL, JUSTSEND_SANDBOX_PORT="8123", SMSMANAGER_API_KEY="")
    assert simulated.stdout.split() == ["http://127.0.0.1:8123/smsmanager/v2"], simulated.stderr
    live = _python(SHOW_URL, SMSMANAGER_API_KEY="key")
    assert live.stdout.split() == ["https://api.smsmngr.com/v2"], live.stderr
    assert _python(SHOW_URL, **PRODUCTION).stdout.split() == ["https://api.smsmngr.com/v2"]


def test_production_with_an_smsmanager_key_needs_its_webhook_secret():
    message = _refused(_python("", **PRODUCTION, SMSMANAGER_API_KEY="key"))
    assert "Production needs SMSMANAGER_WEBHOOK_SECRET" in message
    accepted = _python("", **PRODUCTION, SMSMANAGER_API_KEY="key",
                       SMSMANAGER_WEBHOOK_SECRET="secret")
    assert accepted.returncode == 0, accepted.stderr
    # Without a key SMS Manager is off and needs nothing.
    assert _python("", **PRODUCTION).returncode == 0


def test_the_run_command_makes_the_smsmanager_secrets():
    assert {"SMSMANAGER_SANDBOX_API_KEY", "SMSMANAGER_WEBHOOK_SECRET"} <= set(GENERATED)


def test_smsmanager_secrets_are_masked_in_logs(settings):
    settings.SMSMANAGER_API_KEY = "sm-live-key-123"
    settings.SMSMANAGER_WEBHOOK_SECRET = "sm-hook-secret-456"
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1,
                               "POST %s key=%s", ("/webhooks/smsmanager/sm-hook-secret-456/",
                                                  "sm-live-key-123"), None)
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == f"POST /webhooks/smsmanager/{MASK}/ key={MASK}"


def test_every_process_gets_the_public_url_and_the_sandbox_smsmanager_key(settings):
    settings.PANEL_PUBLIC_URL = ""
    settings.JUSTSEND_SANDBOX = True
    settings.SMSMANAGER_SANDBOX_API_KEY = "sm-sandbox-key"
    processes = {name: extra for name, _command, extra in
                 panel_processes(host="0.0.0.0", port=8765)}
    for name in ("web", "worker-fast", "worker-bulk", "beat"):
        assert processes[name]["PANEL_PUBLIC_URL"] == "http://127.0.0.1:8765", name
    assert processes["sandbox"]["SMSMANAGER_SANDBOX_API_KEY"] == "sm-sandbox-key"


def test_a_configured_public_url_wins(settings):
    settings.PANEL_PUBLIC_URL = "https://panel.example.com"
    web = next(extra for name, _c, extra in panel_processes(host="127.0.0.1", port=8000)
               if name == "web")
    assert web["PANEL_PUBLIC_URL"] == "https://panel.example.com"


def test_the_run_command_says_which_providers_are_simulated(settings):
    settings.JUSTSEND_SANDBOX = True
    settings.JUSTSEND_API_URL = "http://127.0.0.1:8100/api"
    assert "Justsend: simulated by the sandbox at http://127.0.0.1:8100/api" in provider_lines()
    settings.JUSTSEND_SANDBOX = False
    settings.JUSTSEND_APP_KEY = "live-app-key"
    settings.JUSTSEND_API_URL = "https://justsend.io/api"
    lines = provider_lines()
    assert "Justsend: live, https://justsend.io/api" in lines
    assert not any("live-app-key" in line for line in lines)


def test_no_callback_url_without_a_public_url(settings):
    settings.PANEL_PUBLIC_URL = ""
    settings.SMSMANAGER_WEBHOOK_SECRET = "s"
    assert provider_callback_url("smsmanager") is None
