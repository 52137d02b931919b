"""Inbound postbacks of manual section 11, parsed into normalised events.

Justsend POSTs JSON to the panel for three kinds of event and does not say
which kind in a header, so the kind is told by the fields:

* ``deliveryStatus`` present -> delivery status (11.2) -> :class:`DeliveryEvent`
* ``message`` or ``prefix`` present -> incoming SMS (11.3) -> :class:`InboundMessage`
* otherwise -> send status (11.1) -> :class:`DeliveryEvent` with ``status=None``

``deliveryTime`` is milliseconds since the epoch and becomes an aware UTC
datetime. Ids arrive as numbers (``39107899271``) and are kept as strings.
The manual names no signature; the webhook view authenticates the caller with
a shared secret (e.g. in the URL) compared by :func:`secret_matches`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.types import (
    DeliveryEvent,
    DeliveryStatus,
    InboundMessage,
    PostbackKind,
)
from justsend_panel.sms.types import JsonDict
from justsend_panel.sms.webhooks import (  # noqa: F401 - Justsend's vocabulary names them
    MAX_NESTING,
    Payload,
    json_load,
    json_storable,
    secret_matches,
    storable_text,
    unstorable_possible,
)

Postback = DeliveryEvent | InboundMessage

# Milliseconds for 2286-11-20; anything larger is not a plausible deliveryTime.
_MAX_EPOCH_MS = 10**13


def _load(payload: Payload | list[Any]) -> Any:
    """JSON text parsed and made storable; data already parsed is taken as it is (the
    webhook made it storable before storing it)."""
    if not isinstance(payload, bytes | bytearray | str):
        return payload
    return json_storable(json_load(payload), texts=unstorable_possible(payload))[0]


def _object(payload: Payload) -> JsonDict:
    data = _load(payload)
    if not isinstance(data, Mapping):
        raise SmsWebhookError(f"The postback body must be a JSON object, not {type(data).__name__}.")
    return dict(data)


def _occurred_at(data: JsonDict) -> datetime | None:
    value = data.get("deliveryTime")
    if value is None:
        return None
    if isinstance(value, bool):
        raise SmsWebhookError("deliveryTime must be milliseconds since the epoch.")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        millis = float(value)
        if not 0 <= millis < _MAX_EPOCH_MS:
            raise SmsWebhookError(f"deliveryTime {value!r} is out of range.")
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    parsed = wire.timestamp(value)  # be liberal: an ISO 8601 text is taken too
    if parsed is None:
        raise SmsWebhookError(f"deliveryTime {value!r} is neither milliseconds since the epoch nor ISO 8601.")
    return parsed


def _identify(data: JsonDict, kind: str) -> tuple[str | None, str | None]:
    message_id, uuid = wire.text(data.get("id")), wire.text(data.get("uuid"))
    if message_id is None and uuid is None:
        raise SmsWebhookError(f"The {kind} postback has neither an id nor a uuid.")
    return message_id, uuid


def _event(data: JsonDict, kind: PostbackKind, status_code: str | None) -> DeliveryEvent:
    message_id, uuid = _identify(data, kind.value.replace("_", " "))
    status = None
    if status_code is not None:
        try:
            status = DeliveryStatus(status_code.strip().upper())
        except ValueError:
            status = None  # an outcome the manual does not list; kept in status_code and raw
    return DeliveryEvent(
        kind=kind,
        message_id=message_id,
        uuid=uuid,
        msisdn=wire.text(data.get("msisdn")),
        sender=wire.text(data.get("sender")),
        operator=wire.text(data.get("operator")),
        occurred_at=_occurred_at(data),
        status=status,
        status_code=status_code,
        ack_id=wire.text(data.get("ackId")),
        raw=data,
    )


def parse_send_status(payload: Payload) -> DeliveryEvent:
    """11.1: the message was handed to the operator."""
    return _event(_object(payload), PostbackKind.SEND_STATUS, None)


def parse_delivery_status(payload: Payload) -> DeliveryEvent:
    """11.2: the final outcome, ``MESSAGE_DELIVERED``/``UNDELIVERED``/``EXPIRED``/``REJECTED``."""
    data = _object(payload)
    status_code = data.get("deliveryStatus")
    if not isinstance(status_code, str) or not status_code.strip():
        raise SmsWebhookError("The delivery status postback has no deliveryStatus.")
    return _event(data, PostbackKind.DELIVERY_STATUS, status_code)


def parse_incoming(payload: Payload) -> InboundMessage:
    """11.3: an SMS a recipient sent (a reply or a keyword)."""
    data = _object(payload)
    message_id, uuid = _identify(data, "incoming message")
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        raise SmsWebhookError("The incoming message's text must be a string.")
    if not wire.text(data.get("msisdn")):
        raise SmsWebhookError("The incoming message has no msisdn.")
    return InboundMessage(
        message_id=message_id,
        uuid=uuid,
        msisdn=wire.text(data.get("msisdn")),
        sender=wire.text(data.get("sender")),
        operator=wire.text(data.get("operator")),
        received_at=_occurred_at(data),
        message=message or "",
        prefix=wire.text(data.get("prefix")),
        group_id=wire.integer(data.get("groupId")),
        group_name=wire.text(data.get("groupName")),
        id_msg_content=wire.text(data.get("idMsgContent")),
        raw=data,
    )


def detect_kind(data: Mapping[str, Any]) -> PostbackKind:
    if "deliveryStatus" in data:
        return PostbackKind.DELIVERY_STATUS
    if "message" in data or "prefix" in data:
        return PostbackKind.INCOMING
    return PostbackKind.SEND_STATUS


_PARSERS = {
    PostbackKind.SEND_STATUS: parse_send_status,
    PostbackKind.DELIVERY_STATUS: parse_delivery_status,
    PostbackKind.INCOMING: parse_incoming,
}


def parse_postback(payload: Payload, kind: PostbackKind | None = None) -> Postback:
    """Parse one postback; without ``kind`` it is told from the fields (see the module docstring)."""
    data = _object(payload)
    return _PARSERS[kind or detect_kind(data)](data)


def parse_postbacks(payload: Payload | list[Any], kind: PostbackKind | None = None) -> list[Postback]:
    """Like :func:`parse_postback`, also taking a JSON array of postbacks in one body."""
    data = _load(payload)
    items = data if isinstance(data, list) else [data]
    return [parse_postback(_object_item(item), kind) for item in items]


def _object_item(item: Any) -> JsonDict:
    if not isinstance(item, Mapping):
        raise SmsWebhookError(f"Each postback must be a JSON object, not {type(item).__name__}.")
    return dict(item)
