"""The registry: the only way the panel's apps reach a provider.

``PROVIDERS`` names every provider package; :class:`Registry` builds the configured
backends from :class:`~justsend_panel.sms.base.ProviderConfig` values (the panel's
settings make them, :mod:`justsend_panel.core.provider` holds the one registry of a
process). A provider's own vocabulary (Justsend's variants and countries…) is reached
through :func:`vocabulary`, so that no app imports a provider package directly (a test
checks the imports).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType

from justsend_panel.sms.base import Backend, Capabilities, Mode, ProviderConfig
from justsend_panel.sms.exceptions import SmsUnsupported

# name -> "module:Class" of its backend, in the order the panel lists providers.
PROVIDERS: dict[str, str] = {
    "justsend": "justsend_panel.sms.justsend.backend:JustsendBackend",
    "smsmanager": "justsend_panel.sms.smsmanager.backend:SmsManagerBackend",
    "justcall": "justsend_panel.sms.justcall.backend:JustCallBackend",
    "smsby": "justsend_panel.sms.smsby.backend:SmsByBackend",
}


def backend_class(name: str) -> type[Backend]:
    try:
        target = PROVIDERS[name]
    except KeyError:
        raise SmsUnsupported(f"No SMS provider is called {name!r}.") from None
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def vocabulary(name: str) -> ModuleType:
    """A provider's own enums and rules (``justsend_panel.sms.<name>.vocabulary``)."""
    backend_class(name)  # an unknown name fails the same way everywhere
    return importlib.import_module(f"justsend_panel.sms.{name}.vocabulary")


class Registry:
    def __init__(self, configs: Mapping[str, ProviderConfig]) -> None:
        unknown = set(configs) - set(PROVIDERS)
        if unknown:
            raise ValueError(f"Unknown providers in the configuration: {', '.join(sorted(unknown))}")
        self._configs = dict(configs)

    def config(self, name: str) -> ProviderConfig:
        try:
            return self._configs[name]
        except KeyError:
            return ProviderConfig(name=name, mode=Mode.OFF, api_url="")

    def names(self) -> list[str]:
        """Every known provider, configured or not, in the panel's order."""
        return list(PROVIDERS)

    def enabled(self) -> list[str]:
        return [name for name in PROVIDERS if self.config(name).mode is not Mode.OFF]

    def capabilities(self, name: str) -> Capabilities:
        return backend_class(name).capabilities

    def with_capability(self, capability: str) -> list[str]:
        """Enabled providers that have ``capability`` (a :class:`Capabilities` field name)."""
        return [name for name in self.enabled() if getattr(self.capabilities(name), capability)]

    def get(self, name: str, *, transport: object = None) -> Backend:
        """A new backend for ``name`` (use it as a context manager). Off: SmsUnsupported."""
        config = self.config(name)
        if config.mode is Mode.OFF:
            raise SmsUnsupported(f"The SMS provider {name!r} is not configured.")
        return backend_class(name)(config, transport=transport)

    def __iter__(self) -> Iterator[ProviderConfig]:
        return (self.config(name) for name in PROVIDERS)


__all__ = ["PROVIDERS", "Registry", "backend_class", "vocabulary"]
