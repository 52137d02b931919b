"""JustCall's delivery statuses onto :class:`~justsend_panel.sms.types.MessageState`.

The manual lists five (JC L54–60): ``queued`` (accepted and queued), ``sent`` (to the
carrier), ``delivered`` (the carrier confirmed), ``failed`` (could not be delivered) and
``undelivered`` (the carrier rejected it). Case and surrounding blanks are ignored; any
other word maps to ``None``: the event is kept with its raw status and moves nothing.
"""

from __future__ import annotations

from justsend_panel.sms.types import MessageState

STATUS_MAP: dict[str, MessageState] = {
    "queued": MessageState.QUEUED,
    "sent": MessageState.SENT,
    "delivered": MessageState.DELIVERED,
    "failed": MessageState.FAILED,
    "undelivered": MessageState.UNDELIVERED,
}


def map_status(raw_status: object) -> MessageState | None:
    if not isinstance(raw_status, str):
        return None
    return STATUS_MAP.get(raw_status.strip().lower())
