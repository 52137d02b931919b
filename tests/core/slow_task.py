"""A task that takes a while, for the worker started by test_supervise (``-I``)."""

import time

from celery import shared_task


@shared_task(name="tests.slow", acks_late=True)
def slow(*, seconds: float) -> str:
    time.sleep(seconds)
    return "slept"
