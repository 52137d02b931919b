"""The one place the panel's configuration meets the provider layer.

:func:`provider_registry` builds the process's :class:`~justsend_panel.sms.registry.Registry`
from settings; every app reaches a provider through it: a campaign's own provider with
:func:`provider_backend`, a feature only some providers have (remote groups, Mail2SMS,
the provider's statistics…) with :func:`provider_for`, which names the capability.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from justsend_panel.core.models import ProviderSetting

from justsend_panel.sms.base import Backend, Mode, ProviderConfig
from justsend_panel.sms.exceptions import SmsUnsupported
from justsend_panel.sms.registry import PROVIDERS, Registry, backend_class


def justsend_app_key() -> str:
    return settings.JUSTSEND_APP_KEY or settings.JUSTSEND_SANDBOX_APP_KEY


def _mode_without_credentials() -> Mode:
    # Development runs a provider without credentials on its simulator; production never
    # pretends to send: the provider is off.
    return Mode.OFF if settings.PRODUCTION else Mode.SIMULATOR


def provider_configs() -> dict[str, ProviderConfig]:
    """Every provider's configuration, from the environment (settings). A provider with
    credentials is live; without them see :func:`_mode_without_credentials` (Justsend's
    App-Key is required in production, so Justsend is never off)."""
    smsmanager_mode = (
        Mode.LIVE if settings.SMSMANAGER_API_KEY else _mode_without_credentials()
    )
    justcall_mode = Mode.LIVE if settings.JUSTCALL_API_KEY else _mode_without_credentials()
    smsby_mode = Mode.LIVE if settings.SMSBY_TOKEN else _mode_without_credentials()
    return {
        "justsend": ProviderConfig(
            name="justsend",
            mode=Mode.SIMULATOR if settings.JUSTSEND_SANDBOX else Mode.LIVE,
            api_url=settings.JUSTSEND_API_URL,
            credentials={"app_key": justsend_app_key()},
            timeout=settings.JUSTSEND_TIMEOUT,
        ),
        "smsmanager": ProviderConfig(
            name="smsmanager",
            mode=smsmanager_mode,
            api_url=settings.SMSMANAGER_API_URL,
            credentials=(
                {} if smsmanager_mode is Mode.OFF
                else {"api_key": settings.SMSMANAGER_API_KEY or settings.SMSMANAGER_SANDBOX_API_KEY}
            ),
            timeout=settings.SMSMANAGER_TIMEOUT,
        ),
        "justcall": ProviderConfig(
            name="justcall",
            mode=justcall_mode,
            api_url=settings.JUSTCALL_API_URL,
            credentials=(
                {} if justcall_mode is Mode.OFF
                else {
                    "api_key": settings.JUSTCALL_API_KEY or settings.JUSTCALL_SANDBOX_API_KEY,
                    "api_secret": (
                        settings.JUSTCALL_API_SECRET if settings.JUSTCALL_API_KEY
                        else settings.JUSTCALL_SANDBOX_API_SECRET
                    ),
                }
            ),
            timeout=settings.JUSTCALL_TIMEOUT,
            # What its simulator sends from: offered while none is listed (see
            # provider_from_numbers); a live account's numbers are only those listed.
            options=(
                {"simulator_numbers": tuple(settings.JUSTCALL_SANDBOX_NUMBERS)}
                if justcall_mode is Mode.SIMULATOR else {}
            ),
        ),
        "smsby": ProviderConfig(
            name="smsby",
            mode=smsby_mode,
            api_url=settings.SMSBY_API_URL,
            credentials=(
                {} if smsby_mode is Mode.OFF else {"token": settings.SMSBY_TOKEN or settings.SMSBY_SANDBOX_TOKEN}
            ),
            timeout=settings.SMSBY_TIMEOUT,
            options={"mailing_size": settings.SMSBY_MAILING_SIZE},
        ),
    }


# The settings provider_configs() reads: a registry is built once per set of their values.
CONFIGURING_SETTINGS = (
    "PRODUCTION",
    "JUSTSEND_SANDBOX", "JUSTSEND_API_URL", "JUSTSEND_APP_KEY", "JUSTSEND_SANDBOX_APP_KEY",
    "JUSTSEND_TIMEOUT",
    "SMSMANAGER_API_KEY", "SMSMANAGER_API_URL", "SMSMANAGER_SANDBOX_API_KEY", "SMSMANAGER_TIMEOUT",
    "JUSTCALL_API_KEY", "JUSTCALL_API_SECRET", "JUSTCALL_API_URL", "JUSTCALL_SANDBOX_API_KEY",
    "JUSTCALL_SANDBOX_API_SECRET", "JUSTCALL_TIMEOUT", "JUSTCALL_SANDBOX_NUMBERS",
    "SMSBY_TOKEN", "SMSBY_API_URL", "SMSBY_SANDBOX_TOKEN", "SMSBY_TIMEOUT", "SMSBY_MAILING_SIZE",
)


@cache
def _registry(_key: tuple) -> Registry:
    # Only the providers this checkout has a package for (the others join as they land).
    return Registry({name: c for name, c in provider_configs().items() if name in PROVIDERS})


def provider_registry() -> Registry:
    # Keyed on the settings it reads, so that tests overriding them get a fresh registry.
    return _registry(tuple(getattr(settings, name) for name in CONFIGURING_SETTINGS))


def simulated_providers() -> list[str]:
    """The labels of the providers running on their simulator (the sandbox banner)."""
    registry = provider_registry()
    return [
        backend_class(c.name).label or c.name for c in registry if c.mode is Mode.SIMULATOR
    ]


def provider_webhook_secret(name: str) -> str:
    """The secret in provider ``name``'s webhook URL (``<NAME>_WEBHOOK_SECRET``)."""
    return getattr(settings, f"{name.upper()}_WEBHOOK_SECRET", "")


def provider_webhook_path(name: str) -> str | None:
    """``/webhooks/<name>/<secret>/``; ``None`` without a secret or before the route exists."""
    secret = provider_webhook_secret(name)
    if not secret:
        return None
    try:
        return reverse("provider_webhook", kwargs={"provider": name, "secret": secret})
    except NoReverseMatch:
        return None


def provider_callback_url(name: str) -> str | None:
    """The webhook URL a call to provider ``name`` names for its status callbacks:
    ``PANEL_PUBLIC_URL`` + the route; ``None`` when either is missing."""
    path = provider_webhook_path(name)
    if not (path and settings.PANEL_PUBLIC_URL):
        return None
    return settings.PANEL_PUBLIC_URL + path


def provider_backend(name: str, *, needs: str | None = None) -> Backend:
    """A new backend for provider ``name``; use it as a context manager. With ``needs`` (a
    :class:`~justsend_panel.sms.base.Capabilities` field), a provider without that
    capability raises :class:`SmsUnsupported` instead of failing later in a call."""
    registry = provider_registry()
    if needs is not None and not getattr(registry.capabilities(name), needs):
        raise SmsUnsupported(
            _("%(provider)s does not offer %(feature)s.")
            % {"provider": backend_class(name).label or name, "feature": _feature(needs)}
        )
    backend = registry.get(name)
    if backend.capabilities.from_numbers:
        numbers = provider_from_numbers(name)
        if numbers:  # the administrator's list binds the backend; none listed: no check
            backend.config = replace(backend.config,
                                     options={**backend.config.options, "from_numbers": numbers})
    return backend


def provider_from_numbers(name: str) -> list[str]:
    """The numbers provider ``name`` sends from, E.164: those an administrator listed
    (Providers page); none listed while it runs on its simulator, the simulator's
    (:func:`provider_simulator_numbers`)."""
    numbers = ProviderSetting.objects.filter(provider=name).values_list(
        "from_numbers", flat=True).first()
    return list(numbers or []) or provider_simulator_numbers(name)


def provider_simulator_numbers(name: str) -> list[str]:
    """The numbers provider ``name``'s simulator sends from (JustCall's
    ``JUSTCALL_SANDBOX_NUMBERS``) while it runs on it; live or off, none."""
    config = provider_registry().config(name)
    if config.mode is not Mode.SIMULATOR:
        return []
    return list(config.options.get("simulator_numbers", ()))


def provider_for(capability: str) -> Backend:
    """A new backend of the first enabled provider (in the panel's order) that offers
    ``capability``; use it as a context manager, and its ``client()`` for the provider's
    own methods. None does: :class:`SmsUnsupported` with a message fit for the page."""
    return provider_registry().get(provider_name_for(capability))


def provider_offers(capability: str) -> bool:
    """Whether an enabled provider offers ``capability`` (a page may offer the feature)."""
    return bool(provider_registry().with_capability(capability))


def provider_name_for(capability: str) -> str:
    """The name of the provider :func:`provider_for` would use, without building it."""
    names = provider_registry().with_capability(capability)
    if not names:
        missing = CAPABILITY_MISSING.get(capability)
        raise SmsUnsupported(
            str(missing) if missing is not None
            else _("No configured provider offers %(feature)s.") % {"feature": _feature(capability)}
        )
    return names[0]


def _feature(capability: str) -> str:
    return str(CAPABILITY_LABELS.get(capability, capability))


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


# What each capability is called on the Providers page (Capabilities' field names).
CAPABILITY_LABELS = {
    "personalised_batch": gettext_lazy("a different text per recipient in one call"),
    "file_upload": gettext_lazy("audience file upload"),
    "remote_groups": gettext_lazy("contact groups kept at the provider"),
    "remote_blacklist": gettext_lazy("blacklist kept at the provider"),
    "scheduling": gettext_lazy("scheduled sending"),
    "cancel": gettext_lazy("cancelling a sent batch"),
    "find_batch_by_reference": gettext_lazy("finding a batch by the panel's reference"),
    "delivery_webhooks": gettext_lazy("delivery reports by webhook"),
    "per_message_callback": gettext_lazy("a status callback address per message"),
    "from_numbers": gettext_lazy("sending from the account's numbers listed here"),
    "delivery_polling": gettext_lazy("delivery reports by polling"),
    "inbound_messages": gettext_lazy("replies"),
    "mms": gettext_lazy("MMS"),
    "channels": gettext_lazy("channel flow (Viber, WhatsApp…)"),
    "device_routing": gettext_lazy("choice of device and SIM"),
    "balance": gettext_lazy("account balance"),
    "price_query": gettext_lazy("prices from the provider"),
    "email_to_sms": gettext_lazy("Mail2SMS (e-mail to SMS)"),
    "statistics": gettext_lazy("sending history and statistics at the provider"),
    "charged_points": gettext_lazy("points charged, as the provider reports them"),
    "verification_codes": gettext_lazy("verification codes through Telegram and WhatsApp"),
    "message_status_polling": gettext_lazy("a single message's status, polled"),
}

# What a page says when no enabled provider has the capability a feature needs (the
# others: "No configured provider offers <label>.").
CAPABILITY_MISSING = {
    "remote_groups": gettext_lazy("No configured provider keeps contact groups."),
    "balance": gettext_lazy("No configured provider reports an account balance."),
    "file_upload": gettext_lazy("No configured provider takes audience files."),
    "email_to_sms": gettext_lazy("No configured provider offers Mail2SMS."),
    "statistics": gettext_lazy("No configured provider keeps sending statistics."),
}


@dataclass(frozen=True)
class ProviderOverview:
    """One provider as the Providers page shows it: never a credential."""

    name: str
    label: str
    mode: Mode
    api_url: str
    credentials_set: bool
    webhook_secret_name: str
    webhook_secret_set: bool
    webhook_path: str | None
    capabilities: list[str]
    max_recipients_per_call: int
    default_rate_limit: float
    setting: ProviderSetting | None
    # Offered because none is listed and the provider runs on its simulator.
    simulator_numbers: list[str] = field(default_factory=list)


def providers_overview_get() -> list[ProviderOverview]:
    registry = provider_registry()
    settings_by_provider = {s.provider: s for s in ProviderSetting.objects.all()}
    overviews = []
    for config in registry:
        backend = backend_class(config.name)
        capabilities = backend.capabilities
        setting = settings_by_provider.get(config.name)
        overviews.append(
            ProviderOverview(
                name=config.name,
                label=backend.label or config.name,
                mode=config.mode,
                api_url=config.api_url,
                credentials_set=config.mode is Mode.LIVE,
                webhook_secret_name=f"{config.name.upper()}_WEBHOOK_SECRET",
                webhook_secret_set=bool(provider_webhook_secret(config.name)),
                webhook_path=provider_webhook_path(config.name),
                capabilities=[
                    CAPABILITY_LABELS.get(name, name) for name in capabilities.offered()
                ],
                max_recipients_per_call=capabilities.max_recipients_per_call,
                default_rate_limit=backend.default_rate_limit,
                setting=setting,
                simulator_numbers=(
                    provider_simulator_numbers(config.name)
                    if capabilities.from_numbers and not (setting and setting.from_numbers)
                    else []
                ),
            )
        )
    return overviews
