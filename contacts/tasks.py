"""Celery tasks of contacts: thin, each loads by id and calls one service."""

from celery import shared_task

from contacts.services.pull import PULL_TASK, justsend_pull_run, pulls_resume
from contacts.services.outbox import sync_push_request
from contacts.services.push import sync_push_pending
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsRateLimited

RETRY_OPTIONS = {
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    # Once the retries are spent, beat's sweeps (every 30 s) push, and resume the pull,
    # from where they stopped.
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
        summary = sync_push_pending()
    except SmsRateLimited as exc:
        raise _retry_after(self, exc) from None
    if summary.more:
        sync_push_request()  # the next slice, behind whatever else waits on the queue


@shared_task(bind=True, name="contacts.justsend_pull", **RETRY_OPTIONS)
def justsend_pull_task(self, operation_id: int | None = None, full: bool = False) -> None:
    try:
        operation = justsend_pull_run(operation_id=operation_id, full=full)
    except SmsRateLimited as exc:
        raise _retry_after(self, exc) from None
    if operation is not None and getattr(operation, "more", False):
        # The next slice continues from the saved cursor.
        task_enqueue(PULL_TASK, kwargs={"operation_id": operation.pk})


@shared_task(name="contacts.pull_resume", acks_late=True, ignore_result=True)
def pulls_resume_task() -> None:
    pulls_resume()
