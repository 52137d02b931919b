"""Retrying a provider read for a few seconds, for a page that waits on it.

A preview or a launch reads prices and the balance while the user waits: one 429 or 503
must not refuse the launch. :func:`call_retrying` retries the transient errors
(:data:`TRANSIENT_ERRORS`: host, timeout, 429, 5xx) with exponential backoff and jitter,
waits at least a 429's ``Retry-After``, and gives up (raising the last error) rather than
sleep past its total budget. Background tasks retry through Celery instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_before_delay,
    wait_random_exponential,
)

from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsRateLimited

T = TypeVar("T")

_backoff = wait_random_exponential(multiplier=0.25, max=4)


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    wait = _backoff(state)
    if isinstance(error, SmsRateLimited) and error.retry_after:
        wait = max(wait, float(error.retry_after))
    return wait


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # a function of its own: tests replace it


def call_retrying(operation: Callable[[], T], *, budget: float | None = None) -> T:
    """``operation()``, retried on transient provider errors within ``budget`` seconds.

    ``budget`` defaults to the ``JUSTSEND_READ_RETRY_SECONDS`` setting; no retry is started
    whose wait would end after it. The last error is raised as it was.
    """
    budget = settings.JUSTSEND_READ_RETRY_SECONDS if budget is None else budget
    retrying = Retrying(
        retry=retry_if_exception_type(TRANSIENT_ERRORS),
        wait=_wait,
        stop=stop_before_delay(budget),
        sleep=lambda seconds: _sleep(seconds),
        reraise=True,
    )
    return retrying(operation)
