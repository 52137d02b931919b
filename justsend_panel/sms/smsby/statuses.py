"""SMS.by's statuses onto :class:`~justsend_panel.sms.types.MessageState`.

The manual shows ``NEW`` (a message just accepted), ``DELIVERED`` (``statusBulkSms``),
``sent``/``delivered`` (``getSmsDeliveryList``) and ``moderated`` (``getMessagesList``), in
either case; it lists no other. The rest of this map is the panel's reading of the usual
words (case and ``-``/space ignored). A status not listed maps to ``None``: the event is
kept with its raw status and moves nothing.
"""

from __future__ import annotations

from justsend_panel.sms.types import MessageState

STATUS_MAP: dict[str, MessageState] = {
    "new": MessageState.QUEUED,
    "moderated": MessageState.QUEUED,
    "moderation": MessageState.QUEUED,
    "queued": MessageState.QUEUED,
    "scheduled": MessageState.QUEUED,
    "sent": MessageState.SENT,
    "delivered": MessageState.DELIVERED,
    "not_delivered": MessageState.UNDELIVERED,
    "undelivered": MessageState.UNDELIVERED,
    "expired": MessageState.EXPIRED,
    "rejected": MessageState.REJECTED,
    "error": MessageState.FAILED,
    "failed": MessageState.FAILED,
    "cancelled": MessageState.CANCELLED,
    "canceled": MessageState.CANCELLED,
}


def map_status(raw_status: object) -> MessageState | None:
    if not isinstance(raw_status, str):
        return None
    return STATUS_MAP.get(raw_status.strip().lower().replace("-", "_").replace(" ", "_"))
