"""SMS Manager's notifications (delivery statuses and replies), parsed tolerantly.

The manual names the ``callback`` URL and says the request's ``payload`` "is returned in
the delivery notification and replies", but shows no notification body. The panel's
readings (docs/providers.md):

* a body is one JSON object or an array of them;
* a delivery notification has a status (``status``, else ``state``/``delivery_status``),
  ``message_id`` (the recipient's ``<request message_id>-<index>``), the request's
  ``payload``, ``phone_number`` and a time (``timestamp``/``time``/``updated_at``/
  ``created_at``: ISO 8601, or epoch seconds, or epoch milliseconds), maybe ``error``
  and ``recipient_index``;
* a reply has no status but a text (``text``, ``message`` or ``body``) and the replying
  number (``phone_number`` or ``from``), or says ``"type": "reply"``/``"inbound"``;
* a reply carries the original request's ``payload`` and names the message it answers
  (``message_id``, ``recipient_index``), so its ``reference`` is the recipient's, read
  like a status's; the payload stays in ``raw``;
* the recipient's reference is ``payload["refs"][index]``, ``index`` from
  ``recipient_index`` or the ``-<index>`` suffix of ``message_id`` (a request of one
  recipient: ``refs[0]``).

The raw object is kept on every event; a body that is not JSON objects, or a status
notification without a status or a message id, raises :class:`SmsWebhookError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms import wire
from justsend_panel.sms.smsmanager.statuses import map_status
from justsend_panel.sms.types import InboundMessage, JsonDict, StatusEvent
from justsend_panel.sms.webhooks import json_load, json_storable, unstorable_possible

PROVIDER = "smsmanager"
STATUS_KEYS = ("status", "state", "delivery_status")
TEXT_KEYS = ("text", "message", "body")
TIME_KEYS = ("timestamp", "time", "updated_at", "created_at", "received_at")
REPLY_TYPES = frozenset({"reply", "inbound", "incoming", "mo"})
_INDEX_SUFFIX = re.compile(r"-(\d{1,4})$")
_EPOCH_SECONDS_BELOW = 10**11  # a smaller number is seconds, a larger one milliseconds


def _text(value: Any) -> str | None:
    value = wire.text(value)
    return value.strip() or None if value is not None else None


def _first(data: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((data[key] for key in keys if data.get(key) not in (None, "")), None)


def occurred_at(data: Mapping[str, Any]) -> datetime | None:
    value = _first(data, TIME_KEYS)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < _EPOCH_SECONDS_BELOW:
        return datetime.fromtimestamp(value, tz=UTC)
    try:
        parsed = wire.timestamp(value)
    except (OverflowError, OSError, ValueError):
        parsed = None
    if parsed is None:
        raise SmsWebhookError(f"The notification's time {value!r} is neither ISO 8601 nor an epoch number.")
    return parsed


def recipient_index(data: Mapping[str, Any]) -> int | None:
    index = wire.integer(data.get("recipient_index"))
    if index is not None:
        return index
    match = _INDEX_SUFFIX.search(_text(data.get("message_id")) or "")
    return int(match.group(1)) if match else None


def reference_of(data: Mapping[str, Any]) -> str | None:
    """The panel's recipient reference echoed in ``payload["refs"]``, or ``None``."""
    payload = data.get("payload")
    refs = payload.get("refs") if isinstance(payload, Mapping) else None
    if not isinstance(refs, list) or not refs:
        return None
    index = recipient_index(data)
    if index is None:
        index = 0 if len(refs) == 1 else None
    if index is None or not 0 <= index < len(refs):
        return None
    return _text(refs[index])


def is_reply(data: Mapping[str, Any]) -> bool:
    kind = _text(data.get("type"))
    if kind is not None and kind.lower() in REPLY_TYPES:
        return True
    return _first(data, STATUS_KEYS) is None and _first(data, TEXT_KEYS) is not None


def parse_status(data: JsonDict) -> StatusEvent:
    raw_status = _text(_first(data, STATUS_KEYS))
    if raw_status is None:
        raise SmsWebhookError("The SMS Manager notification has no status.")
    message_id = _text(data.get("message_id"))
    if message_id is None:
        raise SmsWebhookError("The SMS Manager notification has no message_id.")
    error = _first(data, ("error", "reason", "error_message"))
    return StatusEvent(
        provider=PROVIDER,
        state=map_status(raw_status),
        raw_status=raw_status,
        message_id=message_id,
        reference=reference_of(data),
        msisdn=_text(data.get("phone_number")),
        occurred_at=occurred_at(data),
        error=_text(error) if error is not None else None,
        raw=data,
    )


def parse_reply(data: JsonDict) -> InboundMessage:
    text = _first(data, TEXT_KEYS)
    if text is not None and not isinstance(text, str):
        raise SmsWebhookError("The reply's text must be a string.")
    msisdn = _text(data.get("phone_number")) or _text(data.get("from"))
    if msisdn is None:
        raise SmsWebhookError("The SMS Manager reply has no phone number.")
    return InboundMessage(
        message_id=_text(data.get("message_id")),
        uuid=_text(data.get("request_id")),
        msisdn=msisdn,
        sender=_text(data.get("sender")) or _text(data.get("to")),
        received_at=occurred_at(data),
        message=text or "",
        reference=reference_of(data),
        raw=data,
    )


def parse_notifications(body: bytes | str) -> list[StatusEvent | InboundMessage]:
    data = json_load(body)
    data = json_storable(data, texts=unstorable_possible(body))[0]
    items = data if isinstance(data, list) else [data]
    if not items:
        raise SmsWebhookError("The SMS Manager notification body is an empty list.")
    events: list[StatusEvent | InboundMessage] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise SmsWebhookError(f"Each notification must be a JSON object, not {type(item).__name__}.")
        item = dict(item)
        events.append(parse_reply(item) if is_reply(item) else parse_status(item))
    return events
