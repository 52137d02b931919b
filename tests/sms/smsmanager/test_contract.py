"""Contract: the real SmsManagerClient and SmsManagerBackend against the real sandbox's
SMS Manager simulator over loopback HTTP (nothing mocked)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from justsend_panel.sandbox.server import run_sandbox
from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsUnauthorized,
)
from justsend_panel.sms.smsmanager.backend import SmsManagerBackend
from justsend_panel.sms.smsmanager.client import SmsManagerClient
from justsend_panel.sms.smsmanager.wire import MessageRequest
from justsend_panel.sms.types import MessageState, OutboundBatch, OutboundMessage, StatusEvent
from tests.fixtures.providers import fault_switches_map_to_sms_errors
from tests.fixtures.sandbox import POSTBACK_DELIVERY_MIX, PostbackReceiver


@pytest.fixture
def sandbox(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual", delivery_mix=POSTBACK_DELIVERY_MIX, hang_seconds=5) as running:
        yield running


def _config(sandbox, key=None, timeout=10.0) -> ProviderConfig:
    return ProviderConfig(name="smsmanager", mode=Mode.SIMULATOR, api_url=sandbox.smsmanager_url,
                          credentials={"api_key": key or sandbox.smsmanager_api_key}, timeout=timeout)


@pytest.fixture
def backend(sandbox) -> Iterator[SmsManagerBackend]:
    with SmsManagerBackend(_config(sandbox)) as smsmanager:
        yield smsmanager


@pytest.fixture
def receiver() -> Iterator[PostbackReceiver]:
    with PostbackReceiver() as collector:
        yield collector


def _m(ref, to, text="Winter sale -20%"):
    return OutboundMessage(reference=ref, to=to, text=text)


def test_client_sends_and_reads_the_answer(sandbox):
    with SmsManagerClient(sandbox.smsmanager_url, sandbox.smsmanager_api_key) as client:
        answer = client.send_message(MessageRequest(body="Hi", to=["48500100200", "0123"], sender="Shop", tag="priority"))
        simple = client.simple_message_get("48500100201", "Hi")
        posted = client.simple_message_post("48500100202", "Hi", sender="Shop")
    assert answer.request_id and len(answer.accepted) == 1
    assert [(r.phone_number, r.recipient_index, r.reason) for r in answer.rejected] == [("0123", 1, "Invalid phone number")]
    assert simple.accepted and posted.accepted
    assert len(sandbox.app.smsmanager.statuses()) == 3


def test_a_campaign_planned_sent_and_tracked_by_reference(sandbox, backend, receiver):
    callback = receiver.url.replace("/webhooks/justsend/", "/webhooks/smsmanager/")
    audience = [_m(f"rcp-{i}", f"4850010{i:04d}", "Hello" if i % 3 else f"Hi #{i}") for i in range(24)]
    audience[5] = _m("rcp-5", "48123", audience[5].text)  # digits, but not a number: rejected
    receipts = []
    for call_number, call in enumerate(backend.plan_calls(audience)):
        batch = OutboundBatch(reference=f"call-{call_number}", messages=call, sender="Shop",
                              options={"flow": ["sms"], "tag": "transactional"}, callback_url=callback)
        receipts.append(backend.send_batch(batch))
    accepted = {a.reference: a.message_id for r in receipts for a in r.accepted}
    rejected = {m.reference: m.reason for r in receipts for m in r.rejected}
    assert rejected == {"rcp-5": "Invalid phone number"}
    assert set(accepted) == {m.reference for m in audience} - {"rcp-5"}
    assert set(accepted.values()) <= set(sandbox.app.smsmanager.statuses())

    sandbox.advance(10)
    events = [event for _, body in receiver.raw for event in backend.parse_webhook(body, headers={})]
    assert all(isinstance(e, StatusEvent) for e in events)
    assert {e.reference for e in events} == set(accepted)
    for event in events:
        assert event.message_id == accepted[event.reference]
    finals = {e.reference: e.state for e in events if e.state.is_final}
    simulator = sandbox.app.smsmanager.statuses()
    assert {ref: simulator[accepted[ref]] for ref in finals} == {ref: state.value for ref, state in finals.items()}
    assert {MessageState.QUEUED, MessageState.SENT} <= {e.state for e in events}


def test_limits_are_refused_by_the_simulator_too(sandbox, backend):
    transport = backend.client().transport
    too_many = {"body": "x", "to": [{"phone_number": f"4850010{i:04d}"} for i in range(11)]}
    with pytest.raises(SmsApiError, match="at most 10 recipients") as refused:
        transport.request("POST", "message", json_body=too_many)
    assert refused.value.status == 400
    with pytest.raises(SmsApiError, match="At most 10"):
        transport.request("POST", "messages", json_body=[{"body": "x", "to": [{"phone_number": "48500100200"}]}] * 11)
    with pytest.raises(SmsApiError, match="must not be empty"):
        transport.request("POST", "message", json_body={"body": "x", "to": [{"phone_number": "48500100200"}], "flow": []})


def test_check_and_a_wrong_key(sandbox, backend):
    assert backend.check() == "API key accepted"
    assert sandbox.app.smsmanager.statuses() == {}  # the check sent nothing
    with SmsManagerBackend(_config(sandbox, key="wrong-key")) as wrong:
        with pytest.raises(SmsUnauthorized, match=r"SMS Manager refused the API key \(401\)"):
            wrong.check()
        with pytest.raises(SmsUnauthorized):
            wrong.send_batch(OutboundBatch(reference="c", messages=[_m("a", "48500100200")]))


def test_fault_switches_map_to_sms_errors(sandbox):
    with SmsManagerBackend(_config(sandbox, timeout=0.5)) as backend:
        fault_switches_map_to_sms_errors(sandbox, backend, OutboundBatch(reference="c", messages=[_m("a", "48500100200")]))


def test_a_reply_reaches_the_callback_and_parses_as_an_inbound_message(sandbox, backend, receiver):
    from justsend_panel.sms.types import InboundMessage

    callback = receiver.url.replace("/webhooks/justsend/", "/webhooks/smsmanager/")
    receipt = backend.send_batch(OutboundBatch(reference="c", messages=[_m("rcp-1", "48500100200")], callback_url=callback))
    message_id = receipt.accepted[0].message_id
    result = sandbox._control("POST", "smsmanager/reply", json={"message_id": message_id, "text": "STOP"})
    assert result["queued"] == 1
    replies = [e for _, body in receiver.raw for e in backend.parse_webhook(body, headers={}) if isinstance(e, InboundMessage)]
    assert [(r.msisdn, r.message, r.message_id, r.raw["payload"]) for r in replies] == [
        ("48500100200", "STOP", message_id, {"refs": ["rcp-1"]})]


def test_a_reply_by_number_carries_exactly_the_documented_body_and_names_its_recipient(
        sandbox, backend, receiver):
    """The simulator's reply body is the one docs/providers.md assumes, no more; the
    parser reads the answered recipient's reference from the echoed payload."""
    from justsend_panel.sms.types import InboundMessage

    callback = receiver.url.replace("/webhooks/justsend/", "/webhooks/smsmanager/")
    messages = [_m("rcp-1", "48500100200"), _m("rcp-2", "48500100201")]
    receipt = backend.send_batch(OutboundBatch(reference="c", messages=messages, callback_url=callback))
    assert sandbox.smsmanager_reply("Stop", phone_number="48500100201")["queued"] == 1
    [body] = [body for _, body in receiver.raw if b'"reply"' in body]
    data = json.loads(body)
    assert set(data) == {"type", "message_id", "request_id", "phone_number", "text",
                         "recipient_index", "timestamp", "payload"}
    assert (data["type"], data["phone_number"], data["text"], data["payload"]) \
        == ("reply", "48500100201", "Stop", {"refs": ["rcp-1", "rcp-2"]})
    assert data["message_id"] == receipt.accepted[1].message_id
    [reply] = backend.parse_webhook(body, headers={})
    assert isinstance(reply, InboundMessage) and reply.reference == "rcp-2"
    with pytest.raises(httpx.HTTPStatusError):
        sandbox.smsmanager_reply("Stop", phone_number="48999999999")  # never sent to
