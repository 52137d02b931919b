"""Per-provider send pacing: one rate limit per provider account, shared by every worker.

Built on the ``limits`` library (a moving window). :func:`pace` blocks the calling worker
until one more request to the provider fits under its limit. The storage comes from
``settings.RATE_LIMIT_STORAGE_URL`` (``limits``' storage URL: ``redis://…`` in
production, so that every worker on every host shares the window).
"""

from __future__ import annotations

import time
from functools import cache

from django.conf import settings
from limits import RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

# Requests per second a provider gets when neither the Providers page nor the provider's
# backend says otherwise.
DEFAULT_RATE = 10.0


@cache
def _limiter(url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(url))


def rate_item(rate: float):
    """A limit of ``rate`` requests per second; fractions become requests per N seconds."""
    if rate >= 1:
        return RateLimitItemPerSecond(int(rate))
    return parse(f"1/{max(1, round(1 / rate))} second")


def pace(provider: str, rate: float | None = None, *, sleep=time.sleep) -> None:
    """Return once one more request to ``provider`` fits under ``rate`` per second."""
    item = rate_item(rate or DEFAULT_RATE)
    limiter = _limiter(settings.RATE_LIMIT_STORAGE_URL)
    while not limiter.hit(item, "sms-provider", provider):
        reset_at, _remaining = limiter.get_window_stats(item, "sms-provider", provider)
        sleep(min(1.0, max(0.005, reset_at - time.time())))
