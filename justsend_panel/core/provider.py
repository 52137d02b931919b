"""Builds the Justsend client from settings: the one place the panel's configuration
meets the provider layer. Everything that talks to Justsend gets its client here."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from justsend_panel.sms.exceptions import SmsUnauthorized
from justsend_panel.sms.justsend.client import JustsendClient


def justsend_app_key() -> str:
    return settings.JUSTSEND_APP_KEY or settings.JUSTSEND_SANDBOX_APP_KEY


def justsend_client() -> JustsendClient:
    app_key = justsend_app_key()
    if not app_key:
        # A configuration error, reported like any other refusal so that every page
        # that talks to Justsend shows it as a message instead of failing.
        raise SmsUnauthorized(
            _(
                "No Justsend App-Key is configured: set JUSTSEND_APP_KEY, or run the panel"
                " with its run command, which sets up the sandbox."
            )
        )
    return JustsendClient(settings.JUSTSEND_API_URL, app_key, timeout=settings.JUSTSEND_TIMEOUT)


@dataclass(frozen=True)
class ConnectionSettings:
    sandbox: bool
    api_url: str
    key_set: bool
    webhook_secret_set: bool
    webhook_path: str | None


def connection_settings_get() -> ConnectionSettings:
    """What the Connection page may show: never the key itself."""
    try:
        webhook_path = reverse(
            "justsend_webhook", kwargs={"secret": settings.JUSTSEND_WEBHOOK_SECRET}
        )
    except NoReverseMatch:
        webhook_path = None
    return ConnectionSettings(
        sandbox=settings.JUSTSEND_SANDBOX,
        api_url=settings.JUSTSEND_API_URL,
        key_set=bool(justsend_app_key()),
        webhook_secret_set=bool(settings.JUSTSEND_WEBHOOK_SECRET),
        webhook_path=webhook_path if settings.JUSTSEND_WEBHOOK_SECRET else None,
    )
