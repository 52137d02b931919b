import json
from datetime import UTC, datetime

import pytest

from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.justcall.webhooks import parse_status_webhook
from justsend_panel.sms.types import MessageState

PAYLOAD = {"message_id": "msg_4d9e1a7f", "status": "delivered", "to": "+48500100200", "from": "+14155551234",
           "timestamp": "2026-12-03T08:00:05Z"}


def test_a_status_webhook_becomes_one_neutral_event_with_the_token_as_reference(backend):
    (event,) = backend.parse_webhook(json.dumps(PAYLOAD).encode(), headers={}, path=["tok-123"])
    assert event.provider == "justcall"
    assert event.state is MessageState.DELIVERED
    assert event.raw_status == "delivered"
    assert event.message_id == "msg_4d9e1a7f"
    assert event.reference == "tok-123"
    assert event.msisdn == "48500100200"
    assert event.occurred_at == datetime(2026, 12, 3, 8, 0, 5, tzinfo=UTC)
    assert event.raw == PAYLOAD


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (1764748805, datetime(2025, 12, 3, 8, 0, 5, tzinfo=UTC)),
        ("1764748805", datetime(2025, 12, 3, 8, 0, 5, tzinfo=UTC)),
        (1764748805000, datetime(2025, 12, 3, 8, 0, 5, tzinfo=UTC)),
        ("3 Dec 2026, 8 AM", None),  # kept raw, not guessed
        (None, None),
    ],
)
def test_the_timestamp_is_read_when_it_can_be_and_kept_raw(timestamp, expected):
    (event,) = parse_status_webhook(json.dumps({**PAYLOAD, "timestamp": timestamp}))
    assert event.occurred_at == expected
    assert event.raw["timestamp"] == timestamp


def test_an_unknown_status_is_kept_and_moves_nothing():
    (event,) = parse_status_webhook(json.dumps({**PAYLOAD, "status": "read"}))
    assert event.state is None and event.raw_status == "read"


def test_without_a_token_the_reference_is_empty_and_extra_fields_are_kept():
    (event,) = parse_status_webhook(json.dumps({**PAYLOAD, "direction": "outbound"}))
    assert event.reference is None and event.raw["direction"] == "outbound"


def test_an_array_of_objects_is_read_too():
    events = parse_status_webhook(json.dumps([PAYLOAD, {**PAYLOAD, "status": "sent"}]), path=["t"])
    assert [e.state for e in events] == [MessageState.DELIVERED, MessageState.SENT]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'"text"',
        b"[1]",
        json.dumps({**PAYLOAD, "status": None}).encode(),
        json.dumps({k: v for k, v in PAYLOAD.items() if k != "message_id"}).encode(),
        b"\xff",
    ],
)
def test_a_malformed_body_is_refused(body):
    with pytest.raises(SmsWebhookError):
        parse_status_webhook(body)


def test_unstorable_text_is_made_storable():
    (event,) = parse_status_webhook('{"message_id": "m\\u0000", "status": "sent", "to": "+48500100200"}')
    assert event.message_id == "m\ufffd"
