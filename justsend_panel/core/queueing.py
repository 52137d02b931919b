"""Handing work to the Celery workers after the change that needs it is committed.

The one way the panel enqueues a task: ``task_enqueue`` sends it once the current
transaction commits (or at once, outside one). A broker that is down at that moment must
not turn a saved change into an error page: the failure is logged on one line, remembered
for the current request (the page then says the background work will follow), and the
work is found again by the sweep that owns it (every piece of background work has a beat
entry that finds what is due, stuck, or whose lease expired).
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# Set when an enqueue failed during the current request (or task): the page tells the user.
_enqueue_failed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "enqueue_failed", default=False
)


def enqueue_failed() -> bool:
    """Whether a task could not be handed to the broker in the current context."""
    return _enqueue_failed.get()


def enqueue_failed_reset() -> None:
    _enqueue_failed.set(False)


def task_send_now(
    name: str,
    *,
    kwargs: dict[str, Any] | None = None,
    countdown: float | None = None,
    queue: str | None = None,
) -> bool:
    """Send the task now; returns False (logged, remembered) when the broker refused it."""
    from justsend_panel.celery import app as celery_app

    options: dict[str, Any] = {}
    if countdown:
        options["countdown"] = countdown
    if queue:
        options["queue"] = queue
    try:
        celery_app.send_task(name, kwargs=kwargs or {}, **options)
    except Exception as error:  # noqa: BLE001 - any broker failure: the sweep picks it up
        _enqueue_failed.set(True)
        logger.warning(
            "Could not enqueue %s (%s: %s); the saved work is picked up by its sweep",
            name, type(error).__name__, error,
        )
        return False
    return True


def task_enqueue(
    name: str,
    *,
    kwargs: dict[str, Any] | None = None,
    countdown: float | None = None,
    queue: str | None = None,
) -> None:
    """Send the task once the current transaction commits; never raises for the broker."""
    transaction.on_commit(
        lambda: task_send_now(name, kwargs=kwargs, countdown=countdown, queue=queue)
    )
