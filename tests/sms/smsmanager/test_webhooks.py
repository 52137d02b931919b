"""SMS Manager notifications: statuses mapped, references from the echoed payload,
replies recognised, malformed bodies refused."""

import json
from datetime import UTC, datetime

import pytest

from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.smsmanager.statuses import STATUS_MAP, map_status
from justsend_panel.sms.smsmanager.webhooks import parse_notifications
from justsend_panel.sms.types import InboundMessage, MessageState, StatusEvent

REFS = {"refs": ["rcp-10", "rcp-11", "rcp-12"]}


def _one(body):
    (event,) = parse_notifications(json.dumps(body).encode())
    return event


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("accepted", MessageState.QUEUED),
        ("queued", MessageState.QUEUED),
        ("sent", MessageState.SENT),
        ("Delivered", MessageState.DELIVERED),
        ("undelivered", MessageState.UNDELIVERED),
        ("NOT-DELIVERED", MessageState.UNDELIVERED),
        ("expired", MessageState.EXPIRED),
        ("rejected", MessageState.REJECTED),
        ("failed", MessageState.FAILED),
        ("error", MessageState.FAILED),
        ("cancelled", MessageState.CANCELLED),
        ("teleported", None),
    ],
)
def test_statuses_map_onto_message_states(raw, state):
    assert map_status(raw) is state
    event = _one({"message_id": "m-0", "status": raw})
    assert event.state is state and event.raw_status == raw


def test_every_mapped_status_is_a_message_state():
    assert set(STATUS_MAP.values()) == set(MessageState)


def test_the_reference_comes_from_the_payload_by_the_message_id_suffix():
    event = _one(
        {"message_id": "pppppppp-qqqq-rrrr-ssss-tttttttttttt-2", "status": "delivered", "payload": REFS,
         "phone_number": "420777123456", "timestamp": "2026-12-03T08:00:05Z"}
    )
    assert isinstance(event, StatusEvent)
    assert event.provider == "smsmanager"
    assert (event.reference, event.message_id, event.msisdn) == (
        "rcp-12", "pppppppp-qqqq-rrrr-ssss-tttttttttttt-2", "420777123456"
    )
    assert event.occurred_at == datetime(2026, 12, 3, 8, 0, 5, tzinfo=UTC)
    assert event.raw["payload"] == REFS


def test_a_recipient_index_field_wins_and_one_ref_needs_no_index():
    assert _one({"message_id": "m", "status": "sent", "payload": REFS, "recipient_index": 1}).reference == "rcp-11"
    assert _one({"message_id": "m", "status": "sent", "payload": {"refs": ["only"]}}).reference == "only"
    assert _one({"message_id": "m-7", "status": "sent", "payload": REFS}).reference is None
    assert _one({"message_id": "m-1", "status": "sent"}).reference is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1764748800, datetime(2025, 12, 3, 8, 0, tzinfo=UTC)),
        (1764748800000, datetime(2025, 12, 3, 8, 0, tzinfo=UTC)),
        ("2025-12-03T09:00:00+01:00", datetime(2025, 12, 3, 8, 0, tzinfo=UTC)),
    ],
)
def test_times_in_seconds_milliseconds_or_iso(value, expected):
    assert _one({"message_id": "m", "status": "sent", "timestamp": value}).occurred_at == expected


def test_an_error_reason_is_kept():
    event = _one({"message_id": "m-0", "status": "undelivered", "error": "absent subscriber"})
    assert event.error == "absent subscriber"


def test_an_array_of_notifications():
    events = parse_notifications(
        json.dumps([{"message_id": "m-0", "status": "sent", "payload": REFS},
                    {"message_id": "m-1", "status": "delivered", "payload": REFS}])
    )
    assert [(e.reference, e.state) for e in events] == [("rcp-10", MessageState.SENT), ("rcp-11", MessageState.DELIVERED)]


def test_a_reply_is_an_inbound_message():
    reply = _one({"type": "reply", "message_id": "m-0", "phone_number": "420777123456", "text": "STOP",
                  "payload": REFS, "timestamp": 1764748800})
    assert isinstance(reply, InboundMessage)
    assert (reply.msisdn, reply.message, reply.message_id) == ("420777123456", "STOP", "m-0")
    assert reply.raw["payload"] == REFS
    untyped = _one({"from": "420777123456", "message": "Yes please"})
    assert isinstance(untyped, InboundMessage) and untyped.message == "Yes please"


def test_a_reply_names_the_recipient_it_answers_from_the_echoed_payload():
    by_suffix = _one({"type": "reply", "message_id": "m-2", "phone_number": "420777123456",
                      "text": "STOP", "payload": REFS})
    by_index = _one({"type": "reply", "message_id": "m", "recipient_index": 1,
                     "phone_number": "420777123456", "text": "Yes", "payload": REFS})
    unnamed = _one({"type": "reply", "phone_number": "420777123456", "text": "Hi", "payload": REFS})
    assert (by_suffix.reference, by_index.reference, unnamed.reference) == ("rcp-12", "rcp-11", None)


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'"text"', b"[1]", b'{"status": "sent"}', b'{"message_id": "m"}',
     b'{"message_id": "m", "status": "sent", "timestamp": "yesterday"}', b'{"text": "hi"}',
     b"\xff\xfe", b"[" * 100 + b"]" * 100],
)
def test_a_malformed_body_raises_a_webhook_error(body):
    with pytest.raises(SmsWebhookError):
        parse_notifications(body)
