"""Celery tasks of CSV imports (listed in CELERY_IMPORTS): ids in, one service call."""

from celery import Task, shared_task
from django.db import OperationalError
from django.utils.translation import gettext as _

from contacts.imports.services import import_fail, import_run, imports_resume


class ImportRunTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # The traceback goes to the worker log; the user sees a plain sentence.
        import_fail(
            import_id=kwargs["import_id"],
            error=_("The import stopped on an unexpected error (%(error)s); retry it.")
            % {"error": type(exc).__name__},
        )


@shared_task(
    bind=True,
    name="contacts.import_run",
    base=ImportRunTask,
    acks_late=True,
    ignore_result=True,
    # Only a busy database is worth another go; Justsend is not called from here.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def import_run_task(self, *, import_id: int, stale_after_seconds: int | None = None) -> None:
    # (stale_after_seconds: sent by versions before leases; ignored.)
    # Helpers and the next slice go where this run came from (a worker may listen to its
    # own queue only).
    queue = (self.request.delivery_info or {}).get("routing_key") or None
    import_run(import_id=import_id, queue=queue)


@shared_task(name="contacts.imports_resume", acks_late=True, ignore_result=True)
def imports_resume_task() -> None:
    imports_resume()
