"""The one place the panel's configuration meets the provider layer.

:func:`provider_registry` builds the process's :class:`~justsend_panel.sms.registry.Registry`
from settings; every app reaches a provider through it (:func:`provider_backend`), and
Justsend-only features through :func:`justsend_client`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from justsend_panel.sms.base import Backend, Mode, ProviderConfig
from justsend_panel.sms.exceptions import SmsUnauthorized
from justsend_panel.sms.registry import Registry, vocabulary

JustsendClient = vocabulary("justsend").JustsendClient


def justsend_app_key() -> str:
    return settings.JUSTSEND_APP_KEY or settings.JUSTSEND_SANDBOX_APP_KEY


def provider_configs() -> dict[str, ProviderConfig]:
    """Every provider's configuration, from the environment (settings)."""
    return {
        "justsend": ProviderConfig(
            name="justsend",
            mode=Mode.SIMULATOR if settings.JUSTSEND_SANDBOX else Mode.LIVE,
            api_url=settings.JUSTSEND_API_URL,
            credentials={"app_key": justsend_app_key()},
            timeout=settings.JUSTSEND_TIMEOUT,
        ),
    }


@cache
def _registry(_key: tuple) -> Registry:
    return Registry(provider_configs())


def provider_registry() -> Registry:
    # Keyed on the settings it reads, so that tests overriding them get a fresh registry.
    return _registry(
        (settings.JUSTSEND_SANDBOX, settings.JUSTSEND_API_URL, justsend_app_key(), settings.JUSTSEND_TIMEOUT)
    )


def provider_backend(name: str) -> Backend:
    """A new backend for provider ``name``; use it as a context manager."""
    return provider_registry().get(name)


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
    return provider_backend("justsend").client()


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
