"""Builds the Justsend client from settings: the one place the panel's configuration
meets the provider layer. Everything that talks to Justsend gets its client here."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from justsend_panel.sms.justsend.client import JustsendClient


def justsend_app_key() -> str:
    return settings.JUSTSEND_APP_KEY or settings.JUSTSEND_SANDBOX_APP_KEY


def justsend_client() -> JustsendClient:
    return JustsendClient(
        settings.JUSTSEND_API_URL, justsend_app_key(), timeout=settings.JUSTSEND_TIMEOUT
    )


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
