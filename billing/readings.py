"""Values read from Justsend, kept briefly in the cache and, past that, as a fallback.

Pages read Justsend through :func:`cached_read`: a value younger than
``BILLING_CACHE_SECONDS`` is served from the cache; an older one is fetched again. When
the fetch fails, the last value that worked is served with its age and the error, and the
failure itself is remembered just as briefly, so that a Justsend that times out does not
make every page view wait for the timeout.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.conf import settings
from django.utils import timezone

from justsend_panel.core.caching import cache_delete, cache_get, cache_set
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.provider import provider_for
from justsend_panel.sms.exceptions import SmsError
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
JustsendClient = JS.JustsendClient

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long the last value that worked is kept to show while Justsend is unreachable.
STALE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Reading(Generic[T]):
    """A value from Justsend, when it was fetched, and why a newer one is missing."""

    value: T | None
    fetched_at: datetime | None
    error: str | None = None
    error_at: datetime | None = None

    @property
    def age(self) -> timedelta | None:
        return timezone.now() - self.fetched_at if self.fetched_at else None


@contextmanager
def justsend_session(capability: str) -> Iterator[JustsendClient]:
    """The client of the provider that offers ``capability`` (a
    :class:`~justsend_panel.sms.base.Capabilities` field: Justsend's, the one provider
    with these features). None does, or its key is missing: an SmsError with the reason."""
    with provider_for(capability).client() as client:
        yield client


def justsend_call(operation: Callable[[JustsendClient], T], *, capability: str) -> T:
    with justsend_session(capability) as client:
        return operation(client)


def cache_key(*parts: object) -> str:
    # The API URL is part of the key: values of one account are never shown for another.
    material = json.dumps([settings.JUSTSEND_API_URL, *parts], default=str, sort_keys=True)
    return "billing:" + hashlib.sha256(material.encode()).hexdigest()[:32]


def cached_read(
    key: str, fetch: Callable[[JustsendClient], T], *, capability: str, force: bool = False
) -> Reading[T]:
    """The value under ``key``: cached if fresh, else fetched from the provider that offers
    ``capability``, else the last one with the error."""
    now = timezone.now()
    fresh_for = timedelta(seconds=settings.BILLING_CACHE_SECONDS)
    entry: Reading[T] | None = cache_get(key)
    if entry is not None and not force:
        last_attempt = entry.error_at if entry.error else entry.fetched_at
        if last_attempt is not None and now - last_attempt < fresh_for:
            return entry
    try:
        value = justsend_call(fetch, capability=capability)
    except (SmsError, ApplicationError) as exc:
        logger.warning("Billing: reading from Justsend failed: %s", exc)
        failed = replace(entry, error=exc.message, error_at=now) if entry else Reading(
            value=None, fetched_at=None, error=exc.message, error_at=now
        )
        cache_set(key, failed, STALE_SECONDS)
        return failed
    reading = Reading(value=value, fetched_at=now)
    cache_set(key, reading, STALE_SECONDS)
    return reading


def cached_read_forget(key: str) -> None:
    """After a change made through the panel: the next read fetches again."""
    cache_delete(key)
