"""The sync outbox: what must be pushed to Justsend, written with the change itself."""

from django.db import transaction

from contacts.models import Group, SyncOperation
from justsend_panel.celery import app as celery_app

SYNC_PUSH_TASK = "contacts.sync_push"


def sync_operation_add(
    *, kind: SyncOperation.Kind, payload: dict, group: Group | None = None
) -> SyncOperation:
    """Record one push for Justsend; the push task runs once the transaction commits.

    Call it inside the transaction that makes the local change, so that the change and
    its push are stored together or not at all.
    """
    operation = SyncOperation.objects.create(kind=kind, group=group, payload=payload)
    transaction.on_commit(lambda: celery_app.send_task(SYNC_PUSH_TASK))
    return operation
