"""Sandbox settings: constructor arguments first, then ``JUSTSEND_SANDBOX_*`` variables (and
``SMSMANAGER_SANDBOX_API_KEY``, ``JUSTCALL_SANDBOX_API_KEY``/``_SECRET``/``_NUMBERS``,
``SMSBY_SANDBOX_TOKEN``), then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Mapping

from .rules import VARIANTS

# The prices of the manual's account-summary example, in points per SMS part (per call for VOICE).
DEFAULT_PRICES = {"ECO": 7, "FULL": 8, "PRO": 9, "ECO_RESP": 9, "PRO_RESP": 9, "INTER": 35, "VOICE": 15}
DEFAULT_DELIVERY_MIX = {"MESSAGE_DELIVERED": 0.85, "MESSAGE_UNDELIVERED": 0.10, "MESSAGE_EXPIRED": 0.05}
DELIVERY_STATUSES = tuple(DEFAULT_DELIVERY_MIX)
DEFAULT_JUSTCALL_NUMBERS = ("+14155551234", "+48221234567")


def _parse_pairs(text: str, what: str) -> dict[str, float]:
    """``"ECO=7,PRO=9.5"`` -> ``{"ECO": 7.0, "PRO": 9.5}``."""
    pairs = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"{what}: expected KEY=VALUE, got {item!r}")
        pairs[key.strip().upper()] = float(value)
    return pairs


def _env_float(name: str) -> float | None:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else None


@dataclass
class SandboxConfig:
    state_path: Path
    app_key: str
    postback_url: str | None = None
    clock: Literal["manual", "real"] = "real"
    starting_balance: float = 10_000.0
    starting_promo: float = 0.0
    prices: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PRICES))
    delivery_mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DELIVERY_MIX))
    seed: int = 1
    # Lifecycle timing, in (virtual) seconds: a due bulk starts after ``start_after``, sends
    # its recipients evenly over ``send_duration`` and each message gets its delivery report
    # ``delivery_after`` after it was sent.
    start_after: float = 1.0
    send_duration: float = 2.0
    delivery_after: float = 1.0
    tick_seconds: float = 0.2
    request_log_size: int = 500
    postback_batch: int = 200
    postback_timeout: float = 5.0
    postback_retry_base: float = 1.0
    postback_retry_max: float = 60.0
    # How long a request hangs in the ``timeout`` fault mode: longer than any client timeout.
    hang_seconds: float = 120.0
    # SMS Manager's simulator (under /smsmanager/v2): its API key; without one it answers 401.
    smsmanager_api_key: str | None = None
    # JustCall's simulator (under /justcall/v2): its key and secret (without both it answers
    # 401) and its SMS-enabled From numbers (any other ``from`` gets 404).
    justcall_api_key: str | None = None
    justcall_api_secret: str | None = None
    justcall_numbers: tuple[str, ...] = DEFAULT_JUSTCALL_NUMBERS
    # SMS.by's simulator (under /smsby/api/v1): its token; without one it answers 401.
    smsby_token: str | None = None

    @property
    def justcall_credentials(self) -> str | None:
        """The ``Authorization`` value JustCall's simulator expects, or None when unset."""
        if not (self.justcall_api_key and self.justcall_api_secret):
            return None
        return f"{self.justcall_api_key}:{self.justcall_api_secret}"

    @classmethod
    def build(cls, *, state_path, app_key: str, postback_url=None, clock="real",
              starting_balance=None, starting_promo=None, prices: Mapping[str, float] | None = None,
              delivery_mix: Mapping[str, float] | None = None, seed=None, **options) -> "SandboxConfig":
        if not app_key:
            raise ValueError("app_key is required")
        if clock not in ("manual", "real"):
            raise ValueError("clock must be 'manual' or 'real'")
        env_prices = os.environ.get("JUSTSEND_SANDBOX_PRICES")
        env_mix = os.environ.get("JUSTSEND_SANDBOX_DELIVERY_MIX")
        env_seed = os.environ.get("JUSTSEND_SANDBOX_SEED")
        merged_prices = dict(DEFAULT_PRICES)
        merged_prices.update(_parse_pairs(env_prices, "JUSTSEND_SANDBOX_PRICES") if env_prices else {})
        merged_prices.update({k.upper(): float(v) for k, v in (prices or {}).items()})
        unknown = set(merged_prices) - set(VARIANTS)
        if unknown:
            raise ValueError(f"prices for unknown variants: {sorted(unknown)}")
        mix = dict(delivery_mix) if delivery_mix else (_parse_mix(env_mix) if env_mix else dict(DEFAULT_DELIVERY_MIX))
        if set(mix) - set(DELIVERY_STATUSES) or sum(mix.values()) <= 0:
            raise ValueError(f"delivery_mix keys must be among {DELIVERY_STATUSES} with a positive total")
        defaults = cls(state_path=Path(state_path), app_key=app_key)
        return cls(
            state_path=Path(state_path),
            app_key=app_key,
            postback_url=postback_url,
            clock=clock,
            starting_balance=_first(starting_balance, _env_float("JUSTSEND_SANDBOX_STARTING_BALANCE"), defaults.starting_balance),
            starting_promo=_first(starting_promo, _env_float("JUSTSEND_SANDBOX_PROMO_POINTS"), defaults.starting_promo),
            prices=merged_prices,
            delivery_mix=mix,
            seed=int(_first(seed, env_seed, defaults.seed)),
            **{
                "smsmanager_api_key": os.environ.get("SMSMANAGER_SANDBOX_API_KEY") or None,
                "justcall_api_key": os.environ.get("JUSTCALL_SANDBOX_API_KEY") or None,
                "justcall_api_secret": os.environ.get("JUSTCALL_SANDBOX_API_SECRET") or None,
                "justcall_numbers": _justcall_numbers(os.environ.get("JUSTCALL_SANDBOX_NUMBERS")),
                "smsby_token": os.environ.get("SMSBY_SANDBOX_TOKEN") or None,
                **options,
            },
        )


def _justcall_numbers(text: str | None) -> tuple[str, ...]:
    """``"+14155551234,+48221234567"``; unset or empty: the defaults."""
    numbers = tuple(filter(None, (part.strip() for part in (text or "").split(","))))
    return numbers or DEFAULT_JUSTCALL_NUMBERS


def _parse_mix(text: str) -> dict[str, float]:
    """``"DELIVERED=0.8,UNDELIVERED=0.2"``; the ``MESSAGE_`` prefix is optional."""
    return {
        key if key.startswith("MESSAGE_") else f"MESSAGE_{key}": value
        for key, value in _parse_pairs(text, "JUSTSEND_SANDBOX_DELIVERY_MIX").items()
    }


def _first(*values):
    return next(v for v in values if v is not None)
