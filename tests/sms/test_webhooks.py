"""Manual section 11: the three postback kinds, parsed from bytes, text or dicts."""

import json
from datetime import UTC, datetime

import pytest

from justsend_panel.sms.exceptions import SmsWebhookError
from justsend_panel.sms.justsend.webhooks import (
    json_storable,
    parse_delivery_status,
    parse_incoming,
    parse_postback,
    parse_postbacks,
    parse_send_status,
    secret_matches,
    unstorable_possible,
)
from justsend_panel.sms.justsend.types import (
    DeliveryEvent,
    DeliveryStatus,
    InboundMessage,
    PostbackKind,
)

SEND_STATUS = {
    "id": 39107899271,
    "sender": "ACME",
    "msisdn": "481234567689",
    "operator": "POLAND_ORANGE",
    "deliveryTime": 1774360067991,
    "uuid": "786b2c34-573f-45bf-9a85-0d16df541090",
}
DELIVERY_STATUS = {
    "id": 39107899271,
    "sender": "ACME",
    "msisdn": "48123456789",
    "operator": "POLAND_ORANGE",
    "deliveryTime": 1774360069305,
    "deliveryStatus": "MESSAGE_DELIVERED",
    "ackId": 3910789,
    "uuid": "786b2c34-573f-45bf-9a85-0d16df541090",
}
INCOMING = {
    "id": 504076,
    "sender": "4777",
    "msisdn": "48123456789",
    "operator": "POLAND_ORANGE",
    "deliveryTime": 1774360330718,
    "prefix": "JS. VOUCHER",
    "groupId": 274652,
    "groupName": "JS. VOUCHER_2026-01-16_11:08:36",
    "idMsgContent": None,
    "message": "Js.voucher test api",
    "uuid": "504",
}


@pytest.mark.parametrize("encode", [dict, json.dumps, lambda d: json.dumps(d).encode()], ids=["dict", "str", "bytes"])
def test_send_status(encode):
    event = parse_send_status(encode(SEND_STATUS))
    assert isinstance(event, DeliveryEvent)
    assert event.kind is PostbackKind.SEND_STATUS
    assert (event.message_id, event.uuid, event.msisdn, event.operator) == (
        "39107899271",
        "786b2c34-573f-45bf-9a85-0d16df541090",
        "481234567689",
        "POLAND_ORANGE",
    )
    assert event.occurred_at == datetime(2026, 3, 24, 13, 47, 47, 991000, tzinfo=UTC)
    assert event.status is None and not event.is_final
    assert event.raw == SEND_STATUS


@pytest.mark.parametrize("status", list(DeliveryStatus))
def test_delivery_status_each_outcome(status):
    event = parse_delivery_status(json.dumps({**DELIVERY_STATUS, "deliveryStatus": status.value}))
    assert event.kind is PostbackKind.DELIVERY_STATUS
    assert event.status is status and event.is_final
    assert event.ack_id == "3910789"
    assert event.occurred_at.tzinfo is UTC


def test_delivery_status_unknown_outcome_is_kept_as_text():
    event = parse_delivery_status({**DELIVERY_STATUS, "deliveryStatus": "MESSAGE_BUFFERED"})
    assert event.status is None
    assert event.status_code == "MESSAGE_BUFFERED"


def test_incoming_message():
    message = parse_incoming(json.dumps(INCOMING).encode())
    assert isinstance(message, InboundMessage)
    assert message.kind is PostbackKind.INCOMING
    assert (message.message_id, message.msisdn, message.sender, message.message) == (
        "504076",
        "48123456789",
        "4777",
        "Js.voucher test api",
    )
    assert (message.prefix, message.group_id, message.id_msg_content) == ("JS. VOUCHER", 274652, None)
    assert message.received_at == datetime(2026, 3, 24, 13, 52, 10, 718000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (SEND_STATUS, PostbackKind.SEND_STATUS),
        (DELIVERY_STATUS, PostbackKind.DELIVERY_STATUS),
        (INCOMING, PostbackKind.INCOMING),
        ({"id": 1, "msisdn": "48", "prefix": "STOP"}, PostbackKind.INCOMING),
    ],
    ids=["send", "delivery", "incoming", "prefix-only"],
)
def test_parse_postback_detects_the_kind(payload, kind):
    assert parse_postback(json.dumps(payload)).kind is kind


def test_parse_postback_with_an_explicit_kind_overrides_detection():
    with pytest.raises(SmsWebhookError, match="deliveryStatus"):
        parse_postback(SEND_STATUS, PostbackKind.DELIVERY_STATUS)
    assert parse_postback(DELIVERY_STATUS, PostbackKind.SEND_STATUS).status is None


def test_parse_postbacks_takes_an_array():
    events = parse_postbacks(json.dumps([SEND_STATUS, DELIVERY_STATUS, INCOMING]))
    assert [event.kind for event in events] == [
        PostbackKind.SEND_STATUS,
        PostbackKind.DELIVERY_STATUS,
        PostbackKind.INCOMING,
    ]
    assert len(parse_postbacks(SEND_STATUS)) == 1


def test_delivery_time_as_text_is_accepted():
    assert parse_send_status({**SEND_STATUS, "deliveryTime": "1774360067991"}).occurred_at.year == 2026
    iso = parse_send_status({**SEND_STATUS, "deliveryTime": "2026-03-24T13:47:47Z"})
    assert iso.occurred_at == datetime(2026, 3, 24, 13, 47, 47, tzinfo=UTC)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{'operator': 'POLAND_ORANGE'}", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        ("[1, 2]", "must be a JSON object"),
        ('"text"', "must be a JSON object"),
        ({"sender": "ACME", "msisdn": "48"}, "neither an id nor a uuid"),
        ({**SEND_STATUS, "deliveryTime": "yesterday"}, "deliveryTime"),
        ({**SEND_STATUS, "deliveryTime": 10**15}, "out of range"),
        ({**SEND_STATUS, "deliveryTime": True}, "deliveryTime"),
    ],
    ids=["single-quotes", "not-utf8", "array", "string", "no-id", "bad-time", "time-range", "bool-time"],
)
def test_malformed_send_status_is_refused_clearly(payload, message):
    with pytest.raises(SmsWebhookError, match=message):
        parse_send_status(payload)


@pytest.mark.parametrize(
    "payload",
    [
        {**DELIVERY_STATUS, "deliveryStatus": ""},
        {**DELIVERY_STATUS, "deliveryStatus": 3},
    ],
)
def test_malformed_delivery_status(payload):
    with pytest.raises(SmsWebhookError):
        parse_delivery_status(payload)


@pytest.mark.parametrize(
    "payload",
    [{**INCOMING, "message": {"text": "x"}}, {**INCOMING, "msisdn": None}, {"message": "hi", "msisdn": "48"}],
    ids=["message-object", "no-msisdn", "no-id"],
)
def test_malformed_incoming(payload):
    with pytest.raises(SmsWebhookError):
        parse_incoming(payload)


def test_parse_postbacks_refuses_non_object_items():
    with pytest.raises(SmsWebhookError, match="Each postback"):
        parse_postbacks("[1]")


@pytest.mark.parametrize(
    ("given", "expected", "result"),
    [("s3cret", "s3cret", True), ("s3cret", "S3cret", False), ("", "s3cret", False), ("", "", False)],
)
def test_secret_matches(given, expected, result):
    assert secret_matches(given, expected) is result


def test_secret_matches_uses_constant_time_comparison(monkeypatch):
    calls = []
    import hmac

    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert secret_matches("abc", "abc")
    assert calls == [(b"abc", b"abc")]


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 100_000])
def test_json_nesting_beyond_the_parsers_stack_is_a_webhook_error(body):
    with pytest.raises(SmsWebhookError, match="nests too deeply"):
        parse_postback(body)


def test_nesting_beyond_any_postback_is_a_webhook_error():
    body = json.dumps({"id": 1, "uuid": "u", "x": json.loads("[" * 40 + "]" * 40)})
    with pytest.raises(SmsWebhookError, match="nests too deeply"):
        parse_postback(body)


@pytest.mark.parametrize("sent,parsed", [
    ("x\ud800", "x\ufffd"), ("a\u0000b", "a\ufffdb"), ("\udc00", "\ufffd"),
    ("ok 😀 \u00e9", "ok 😀 \u00e9"),
])
def test_texts_no_database_stores_are_replaced_when_parsed(sent, parsed):
    body = json.dumps({"id": 1, "uuid": "u", "msisdn": "48500000000", "message": sent})
    assert parse_postback(body.encode()).message == parsed
    assert parse_postback(body).message == parsed


def test_json_storable_says_whether_it_replaced_anything():
    assert json_storable({"a": ["x\ud800"], "b\u0000": 1}) == ({"a": ["x\ufffd"], "b\ufffd": 1},
                                                                 True)
    assert json_storable({"a": ["é"]}) == ({"a": ["é"]}, False)
    assert unstorable_possible(b'{"a": "\\uD83D"}') and unstorable_possible('{"a": "\\u0000"}')
    assert not unstorable_possible(b'{"a": "\\u00e9 \\\\"}')
