"""SmsManagerBackend against respx: payload per request, receipts per recipient, check()."""

from datetime import UTC, datetime

import pytest

from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.exceptions import SmsUnauthorized, SmsUnsupported
from justsend_panel.sms.smsmanager.backend import SmsManagerBackend
from justsend_panel.sms.types import AcceptedMessage, OutboundBatch, OutboundMessage, RejectedMessage

from .conftest import sent_json


def _batch(messages, **kwargs):
    return OutboundBatch(reference="call-1", messages=messages, **kwargs)


def _m(ref, to, text="Sale today"):
    return OutboundMessage(reference=ref, to=to, text=text)


def test_send_batch_packs_texts_into_requests_with_refs_in_the_payload(api, backend):
    route = api.post("/messages").respond(
        200, json={"request_id": "req-1", "accepted": [{"message_id": "A"}, {"message_id": "B"}], "rejected": []}
    )
    messages = [_m("r1", "48500000001"), _m("r2", "48500000002", "Hi Jane"), _m("r3", "48500000003")]
    receipt = backend.send_batch(
        _batch(messages, sender="Shop", options={"flow": ["viber", "sms"], "tag": "transactional"},
               scheduled_at=datetime(2026, 12, 24, 9, 0, tzinfo=UTC), callback_url="https://panel/webhooks/smsmanager/s/")
    )
    common = {"sender": "Shop", "callback": "https://panel/webhooks/smsmanager/s/", "tag": "transactional",
              "flow": ["viber", "sms"], "send_at": "2026-12-24T09:00:00Z"}
    assert sent_json(route) == [
        {"body": "Sale today", "to": [{"phone_number": "48500000001"}, {"phone_number": "48500000003"}],
         "payload": {"refs": ["r1", "r3"]}, **common},
        {"body": "Hi Jane", "to": [{"phone_number": "48500000002"}], "payload": {"refs": ["r2"]}, **common},
    ]
    assert receipt.batch_id == "req-1"
    assert receipt.accepted == (AcceptedMessage("r1", "A-0"), AcceptedMessage("r2", "B-0"), AcceptedMessage("r3", "A-1"))
    assert receipt.rejected == ()


def test_rejected_recipients_keep_their_index_and_reason(api, backend):
    api.post("/messages").respond(
        200,
        json={"request_id": "req-2", "accepted": [{"message_id": "B"}],
              "rejected": [{"phone_number": "123", "reason": "Invalid phone number", "code": "INVALID_NUMBER"},
                           {"phone_number": "48500000009", "reason": "Invalid phone number"}]},
    )
    messages = [_m("r1", "123"), _m("r2", "48500000002", "other"), _m("r3", "48500000009", "other"), _m("r4", "48500000004", "other")]
    receipt = backend.send_batch(_batch(messages))
    # request 0 (r1) is wholly rejected, so the one accepted entry is request 1's
    assert receipt.accepted == (AcceptedMessage("r2", "B-0"), AcceptedMessage("r4", "B-2"))
    assert receipt.rejected == (
        RejectedMessage("r1", "123", "Invalid phone number", "INVALID_NUMBER"),
        RejectedMessage("r3", "48500000009", "Invalid phone number", None),
    )


def test_indices_in_the_answer_win_over_order(api, backend):
    api.post("/messages").respond(
        200,
        json={"request_id": "q", "accepted": [{"message_id": "Y", "request_index": 1}, {"message_id": "X", "request_index": 0}],
              "rejected": [{"phone_number": "48500000001", "reason": "blocked", "request_index": 0, "recipient_index": 1}]},
    )
    messages = [_m("a", "48500000001"), _m("b", "48500000001"), _m("c", "48500000003", "two")]
    receipt = backend.send_batch(_batch(messages))
    assert receipt.accepted == (AcceptedMessage("a", "X-0"), AcceptedMessage("c", "Y-0"))
    assert receipt.rejected == (RejectedMessage("b", "48500000001", "blocked"),)


def test_a_recipient_the_answer_does_not_name_is_neither_accepted_nor_rejected(api, backend):
    api.post("/messages").respond(200, json={"request_id": "q", "accepted": [{"message_id": "A"}], "rejected": []})
    receipt = backend.send_batch(_batch([_m("a", "48500000001"), _m("b", "48500000002", "other")]))
    assert receipt.accepted == (AcceptedMessage("a", "A-0"),)  # "b": in doubt, in neither list
    assert receipt.rejected == ()


def test_invalid_options_and_oversized_batches_are_refused_before_a_call(api, backend):
    with pytest.raises(ValueError):
        backend.send_batch(_batch([_m("a", "48500000001")], options={"flow": []}))
    eleven_texts = [_m(f"r{i}", f"4850000{i:04d}", f"text {i}") for i in range(11)]
    with pytest.raises(ValueError, match="plan_calls"):
        backend.send_batch(_batch(eleven_texts))
    assert not api.calls


def test_parse_webhook_resolves_references(backend):
    body = b'{"message_id": "A-1", "status": "delivered", "payload": {"refs": ["r1", "r3"]}}'
    (event,) = backend.parse_webhook(body, headers={})
    assert (event.reference, event.state.value) == ("r3", "delivered")


def test_check_expects_the_validation_refusal(api, backend):
    route = api.post("/message").respond(400, json={"message": "Field 'to' must not be empty"})
    assert backend.check() == "API key accepted"
    assert sent_json(route)["to"] == []
    route.respond(401, json={"message": "Invalid API key"})
    with pytest.raises(SmsUnauthorized):
        backend.check()


def test_balance_is_unsupported_and_a_missing_key_is_unauthorized():
    config = ProviderConfig(name="smsmanager", mode=Mode.SIMULATOR, api_url="http://127.0.0.1:1/smsmanager/v2")
    backend = SmsManagerBackend(config)
    with pytest.raises(SmsUnsupported):
        backend.balance()
    with pytest.raises(SmsUnauthorized, match="No SMS Manager API key"):
        backend.check()
