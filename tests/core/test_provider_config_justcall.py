"""Issue 17: JustCall's configuration from the environment, the same rule as every
provider's: live with a key (and its secret), its simulator without in development, off in
production; the run command makes the sandbox's JustCall key and secret and hands them over."""

import logging

from justsend_panel.core.envfile import GENERATED
from justsend_panel.core.logging import MASK, RedactSecretsFilter
from justsend_panel.core.management.commands.runpanel import panel_processes
from justsend_panel.core.provider import provider_configs, provider_registry
from justsend_panel.sms.base import Mode
from tests.core.test_production_settings import PRODUCTION, _python, _refused


def test_justcall_with_a_key_is_live_with_its_key_and_secret(settings):
    settings.JUSTCALL_API_KEY = "jc-live-key"
    settings.JUSTCALL_API_SECRET = "jc-live-secret"
    settings.JUSTCALL_API_URL = "https://api.justcall.io/v2"
    config = provider_configs()["justcall"]
    assert (config.mode, config.api_url) == (Mode.LIVE, "https://api.justcall.io/v2")
    assert config.credentials == {"api_key": "jc-live-key", "api_secret": "jc-live-secret"}
    assert "jc-live" not in repr(config)


def test_justcall_without_a_key_runs_on_its_simulator_in_development(settings):
    settings.JUSTCALL_API_KEY = ""
    settings.JUSTCALL_API_SECRET = "ignored"
    settings.JUSTCALL_SANDBOX_API_KEY = "sandbox-key"
    settings.JUSTCALL_SANDBOX_API_SECRET = "sandbox-secret"
    config = provider_configs()["justcall"]
    assert config.mode is Mode.SIMULATOR
    assert config.credentials == {"api_key": "sandbox-key", "api_secret": "sandbox-secret"}
    assert "justcall" in provider_registry().enabled()


def test_justcall_without_a_key_is_off_in_production(settings):
    settings.PRODUCTION = True
    settings.JUSTCALL_API_KEY = ""
    config = provider_configs()["justcall"]
    assert (config.mode, dict(config.credentials)) == (Mode.OFF, {})


SHOW_URL = "from django.conf import settings as s; print(s.JUSTCALL_API_URL)"


def test_the_api_url_defaults_to_the_sandbox_without_a_key_and_the_api_with_one():
    simulated = _python(SHOW_URL, JUSTSEND_SANDBOX_PORT="8123", JUSTCALL_API_KEY="")
    assert simulated.stdout.split() == ["http://127.0.0.1:8123/justcall/v2"], simulated.stderr
    live = _python(SHOW_URL, JUSTCALL_API_KEY="key")
    assert live.stdout.split() == ["https://api.justcall.io/v2"], live.stderr


SHOW_NUMBERS = "from django.conf import settings as s; print(*s.JUSTCALL_SANDBOX_NUMBERS)"


def test_the_simulator_s_from_numbers_come_from_the_sandbox_s_variable():
    listed = _python(SHOW_NUMBERS, JUSTCALL_SANDBOX_NUMBERS=" +48221234567, ,+14155550000")
    assert listed.stdout.split() == ["+48221234567", "+14155550000"], listed.stderr
    unset = _python(SHOW_NUMBERS, JUSTCALL_SANDBOX_NUMBERS="")
    assert unset.stdout.split() == ["+14155551234", "+48221234567"], unset.stderr


def test_production_with_a_justcall_key_needs_its_secret_and_webhook_secret():
    message = _refused(_python("", **PRODUCTION, JUSTCALL_API_KEY="key", JUSTCALL_API_SECRET="",
                               JUSTCALL_WEBHOOK_SECRET=""))
    assert "JUSTCALL_API_SECRET" in message and "JUSTCALL_WEBHOOK_SECRET" in message
    accepted = _python("", **PRODUCTION, JUSTCALL_API_KEY="key", JUSTCALL_API_SECRET="secret",
                       JUSTCALL_WEBHOOK_SECRET="hook")
    assert accepted.returncode == 0, accepted.stderr
    assert _python("", **PRODUCTION, JUSTCALL_API_KEY="").returncode == 0


def test_the_run_command_makes_and_hands_over_the_sandbox_credentials(settings):
    assert {"JUSTCALL_SANDBOX_API_KEY", "JUSTCALL_SANDBOX_API_SECRET", "JUSTCALL_WEBHOOK_SECRET"} <= set(GENERATED)
    settings.JUSTSEND_SANDBOX = True
    settings.JUSTCALL_SANDBOX_API_KEY = "jc-sandbox-key"
    settings.JUSTCALL_SANDBOX_API_SECRET = "jc-sandbox-secret"
    sandbox = next(extra for name, _c, extra in panel_processes(host="127.0.0.1", port=8765) if name == "sandbox")
    assert (sandbox["JUSTCALL_SANDBOX_API_KEY"], sandbox["JUSTCALL_SANDBOX_API_SECRET"]) == (
        "jc-sandbox-key", "jc-sandbox-secret")


def test_justcall_secrets_are_masked_in_logs(settings):
    settings.JUSTCALL_API_KEY = "jc-live-key-123"
    settings.JUSTCALL_API_SECRET = "jc-live-secret-456"
    settings.JUSTCALL_WEBHOOK_SECRET = "jc-hook-789"
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "POST %s auth=%s",
                               ("/webhooks/justcall/jc-hook-789/tok/", "jc-live-key-123:jc-live-secret-456"), None)
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == f"POST /webhooks/justcall/{MASK}/tok/ auth={MASK}:{MASK}"
