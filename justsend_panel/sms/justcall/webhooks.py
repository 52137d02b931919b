"""JustCall's delivery-status webhook, parsed tolerantly.

JustCall POSTs to each message's ``webhook_url`` when its status changes; the payload
"includes message_id, status, to, from, and timestamp" (JC L53–61) and nothing more is
documented (no signature, no timestamp format, no batching). The panel's readings
(docs/providers.md):

* a body is one JSON object (an array of them is read too);
* ``status`` and ``message_id`` are required; ``to`` is the recipient (E.164, the ``+``
  dropped, as the panel stores numbers); ``timestamp`` is kept raw and read as ISO 8601,
  epoch seconds or epoch milliseconds when it is one of those, else left unread
  (``occurred_at`` ``None``): statuses only move forward, so nothing orders by it;
* the recipient is named by the per-recipient token the panel put at the end of the
  ``webhook_url``: the last segment of the ``path`` the panel's route hands over becomes
  the event's ``reference`` (the panel checks the token; JustCall echoes nothing of ours).

The raw object is kept on every event; a body that is not JSON objects, or an object
without a status or a message id, raises :class:`SmsWebhookError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from justsend_panel.sms import wire
from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.justcall.statuses import map_status
from justsend_panel.sms.types import StatusEvent
from justsend_panel.sms.webhooks import json_load, json_storable, unstorable_possible

PROVIDER = "justcall"
_EPOCH_SECONDS_BELOW = 10**11  # a smaller number is seconds, a larger one milliseconds


def _text(value: Any) -> str | None:
    value = wire.text(value)
    return (value.strip() or None) if value is not None else None


def occurred_at(value: Any) -> datetime | None:
    """The ``timestamp`` when it is ISO 8601 or an epoch number, else ``None`` (kept raw)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, int | float) and 0 <= value < _EPOCH_SECONDS_BELOW:
            return datetime.fromtimestamp(value, tz=UTC)
        if isinstance(value, str) and value.strip().isdigit() and int(value) < _EPOCH_SECONDS_BELOW:
            return datetime.fromtimestamp(int(value), tz=UTC)
        return wire.timestamp(value)
    except (OverflowError, OSError, ValueError):
        return None


def msisdn(value: Any) -> str | None:
    number = _text(value)
    return number.removeprefix("+") if number else None


def parse_status(data: dict[str, Any], *, token: str | None = None) -> StatusEvent:
    raw_status = _text(data.get("status"))
    if raw_status is None:
        raise SmsWebhookError("The JustCall webhook has no status.")
    message_id = _text(data.get("message_id"))
    if message_id is None:
        raise SmsWebhookError("The JustCall webhook has no message_id.")
    return StatusEvent(
        provider=PROVIDER,
        state=map_status(raw_status),
        raw_status=raw_status,
        message_id=message_id,
        reference=token,
        msisdn=msisdn(data.get("to")),
        occurred_at=occurred_at(data.get("timestamp")),
        raw=data,
    )


def parse_status_webhook(body: bytes | str, *, path: Sequence[str] = ()) -> list[StatusEvent]:
    data = json_load(body)
    data = json_storable(data, texts=unstorable_possible(body))[0]
    items = data if isinstance(data, list) else [data]
    if not items:
        raise SmsWebhookError("The JustCall webhook body is an empty list.")
    token = _text(path[-1]) if path else None
    events = []
    for item in items:
        if not isinstance(item, Mapping):
            raise SmsWebhookError(f"The JustCall webhook must be a JSON object, not {type(item).__name__}.")
        events.append(parse_status(dict(item), token=token))
    return events
