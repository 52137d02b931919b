"""Celery tasks of contacts: thin, each loads by id and calls one service."""

from celery import shared_task

from contacts.services.pull import justsend_pull_run
from contacts.services.push import sync_push_pending
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsRateLimited

RETRY_OPTIONS = {
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    # Beat pushes and pulls again on its own schedule once the retries are spent.
    "max_retries": 8,
}


def _retry_after(task, exc: SmsRateLimited):
    """A 429 that says how long to wait is retried after that wait, not the backoff."""
    if exc.retry_after:
        return task.retry(exc=exc, countdown=exc.retry_after)
    return exc


@shared_task(bind=True, name="contacts.sync_push", **RETRY_OPTIONS)
def sync_push_task(self) -> None:
    try:
        sync_push_pending()
    except SmsRateLimited as exc:
        raise _retry_after(self, exc) from None


@shared_task(bind=True, name="contacts.justsend_pull", **RETRY_OPTIONS)
def justsend_pull_task(self, operation_id: int | None = None, full: bool = False) -> None:
    try:
        justsend_pull_run(operation_id=operation_id, full=full)
    except SmsRateLimited as exc:
        raise _retry_after(self, exc) from None
