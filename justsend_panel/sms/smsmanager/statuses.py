"""SMS Manager's delivery statuses onto :class:`~justsend_panel.sms.types.MessageState`.

The manual does not list the statuses its notifications carry: this map is the panel's
reading of the usual words (case and ``-``/space ignored). A status not listed maps to
``None``: the event is kept with its raw status and moves nothing.
"""

from __future__ import annotations

from justsend_panel.sms.types import MessageState

STATUS_MAP: dict[str, MessageState] = {
    "accepted": MessageState.QUEUED,
    "queued": MessageState.QUEUED,
    "scheduled": MessageState.QUEUED,
    "pending": MessageState.QUEUED,
    "sent": MessageState.SENT,
    "delivered": MessageState.DELIVERED,
    "undelivered": MessageState.UNDELIVERED,
    "not_delivered": MessageState.UNDELIVERED,
    "expired": MessageState.EXPIRED,
    "rejected": MessageState.REJECTED,
    "failed": MessageState.FAILED,
    "error": MessageState.FAILED,
    "cancelled": MessageState.CANCELLED,
    "canceled": MessageState.CANCELLED,
}


def map_status(raw_status: str | None) -> MessageState | None:
    if not isinstance(raw_status, str):
        return None
    return STATUS_MAP.get(raw_status.strip().lower().replace("-", "_").replace(" ", "_"))
