"""Per-provider send pacing: one rate limit per provider account, shared by every worker.

Built on the ``limits`` library (a moving window). :func:`pace` blocks the calling worker
until one more request to the provider fits under its limit. The storage comes from
``settings.RATE_LIMIT_STORAGE_URL`` (``limits``' storage URL): ``redis://…`` in
production, so that every worker on every host shares the window; on the embedded
defaults ``sqlite:///…/var/rate-limits.sqlite3`` (:mod:`justsend_panel.core.pacing_storage`),
shared by every process of the machine.
"""

from __future__ import annotations

import time
from functools import cache

from django.conf import settings
from limits import RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

import justsend_panel.core.pacing_storage  # noqa: F401  (registers the sqlite:// scheme)
from justsend_panel.core.models import ProviderSetting
from justsend_panel.sms.base import Backend
from justsend_panel.sms.registry import backend_class

# Requests per second of a provider whose backend names no rate of its own.
DEFAULT_RATE = Backend.default_rate_limit


@cache
def _limiter(url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(url))


def rate_item(rate: float):
    """A limit of ``rate`` requests per second; fractions become requests per N seconds."""
    if rate >= 1:
        return RateLimitItemPerSecond(int(rate))
    return parse(f"1/{max(1, round(1 / rate))} second")


def provider_rate_get(provider: str) -> float:
    """Requests per second to ``provider``: the Providers page's, else its backend's default."""
    configured = (
        ProviderSetting.objects.filter(provider=provider)
        .values_list("rate_limit", flat=True)
        .first()
    )
    return configured or backend_class(provider).default_rate_limit


def pace(provider: str, rate: float | None = None, *, sleep=time.sleep) -> None:
    """Return once one more request to ``provider`` fits under ``rate`` per second
    (``None``: :func:`provider_rate_get`; ask once per batch of calls, not per call)."""
    item = rate_item(rate if rate is not None else provider_rate_get(provider))
    limiter = _limiter(settings.RATE_LIMIT_STORAGE_URL)
    while not limiter.hit(item, "sms-provider", provider):
        reset_at, _remaining = limiter.get_window_stats(item, "sms-provider", provider)
        sleep(min(1.0, max(0.005, reset_at - time.time())))
