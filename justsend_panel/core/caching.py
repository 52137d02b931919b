"""The shared cache, read and written so that an outage of it never breaks a page.

The cache (Redis in production) only saves work: the low-balance banner on every page and
Justsend's lists on the Billing pages. When it is down Django's RedisCache raises
ConnectionError (the file cache an OSError) from every call; here that is logged once per
outage and the caller goes on as on a miss, or without the value.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

_state = {"down": False}
_state_lock = threading.Lock()


def _failed(operation: str, key: str, error: Exception) -> None:
    with _state_lock:
        first = not _state["down"]
        _state["down"] = True
    if first:
        logger.warning(
            "The cache is unreachable (%s %s: %s: %s); pages go on without it until it is back",
            operation, key, type(error).__name__, error,
        )


def _worked() -> None:
    if _state["down"]:
        with _state_lock:
            was_down, _state["down"] = _state["down"], False
        if was_down:
            logger.info("The cache is reachable again")


def cache_get(key: str, default: Any = None, *, unavailable: Any = None) -> Any:
    """``cache.get``; ``unavailable`` when the cache cannot be reached."""
    try:
        value = cache.get(key, default)
    except Exception as error:  # noqa: BLE001 - any backend's outage: go on without it
        _failed("get", key, error)
        return unavailable
    _worked()
    return value


def cache_set(key: str, value: Any, timeout: float | None) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as error:  # noqa: BLE001
        _failed("set", key, error)
    else:
        _worked()


def cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception as error:  # noqa: BLE001
        _failed("delete", key, error)
    else:
        _worked()
