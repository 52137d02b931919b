"""The sync outbox: what must be pushed to Justsend, written with the change itself."""


from contacts.models import Group, SyncOperation, SyncState
from justsend_panel.core.queueing import task_enqueue

SYNC_PUSH_TASK = "contacts.sync_push"

# Payload keys that list what an operation pushes one by one (its progress counts these).
_ITEM_KEYS = ("msisdns", "members", "updates")


def sync_operation_add(
    *, kind: SyncOperation.Kind, payload: dict, group: Group | None = None
) -> SyncOperation:
    """Record one push for Justsend; the push task runs once the transaction commits.

    Call it inside the transaction that makes the local change, so that the change and
    its push are stored together or not at all.
    """
    items = next((len(payload[key]) for key in _ITEM_KEYS if key in payload), 1)
    operation = SyncOperation.objects.create(
        kind=kind, group=group, payload=payload, items_total=items
    )
    if group is not None and group.pk is not None:
        # A synced group has something to push again; a group in error keeps showing it.
        Group.objects.filter(pk=group.pk, sync_state=SyncState.SYNCED).update(
            sync_state=SyncState.PENDING
        )
    sync_push_request()
    return operation


def sync_push_request() -> None:
    """Ask a worker to push the outbox once the current transaction commits."""
    task_enqueue(SYNC_PUSH_TASK)
