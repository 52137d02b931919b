"""Contract: the real JustCallClient and JustCallBackend against the sandbox's JustCall
simulator over loopback HTTP (nothing mocked): sends, every refusal of the manual, the
status webhooks parsed back to their recipient, the check and the fault switches."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from justsend_panel.sandbox.server import run_sandbox
from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsNotFound,
    SmsUnauthorized,
)
from justsend_panel.sms.justcall.backend import JustCallBackend
from justsend_panel.sms.justcall.client import JustCallClient
from justsend_panel.sms.justcall.wire import TextRequest
from justsend_panel.sms.types import MessageState, OutboundBatch, OutboundMessage
from tests.fixtures.providers import fault_switches_map_to_sms_errors
from tests.fixtures.sandbox import POSTBACK_DELIVERY_MIX, PostbackReceiver

FROM = "+14155551234"  # one of the simulator's default SMS-enabled numbers


@pytest.fixture
def sandbox(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual", delivery_mix=POSTBACK_DELIVERY_MIX, hang_seconds=5) as running:
        yield running


def _config(sandbox, secret=None, timeout=10.0) -> ProviderConfig:
    return ProviderConfig(name="justcall", mode=Mode.SIMULATOR, api_url=sandbox.justcall_url,
                          credentials={"api_key": sandbox.justcall_api_key,
                                       "api_secret": secret or sandbox.justcall_api_secret}, timeout=timeout)


@pytest.fixture
def backend(sandbox) -> Iterator[JustCallBackend]:
    with JustCallBackend(_config(sandbox)) as justcall:
        yield justcall


@pytest.fixture
def client(sandbox) -> Iterator[JustCallClient]:
    with JustCallClient(sandbox.justcall_url, sandbox.justcall_api_key, sandbox.justcall_api_secret) as justcall:
        yield justcall


@pytest.fixture
def receiver() -> Iterator[PostbackReceiver]:
    with PostbackReceiver() as collector:
        yield collector


def test_send_text_sms_and_mms(sandbox, client):
    sms = client.send_text(TextRequest(FROM, "+14155559876", "Hi Alex, your appointment is confirmed."))
    mms = client.send_text(TextRequest(FROM, "+48500100200", "Here is your invoice for March.",
                                       media_url="https://yourapp.com/invoices/march-2026.pdf"))
    assert sms.status == mms.status == "queued"
    assert (sms.from_number, sms.to) == (FROM, "+14155559876")
    assert sms.raw["status"] == "success" and sms.raw["data"]["direction"] == "outbound"
    assert sandbox.justcall_statuses() == {sms.message_id: "queued", mms.message_id: "queued"}


def test_the_manual_s_refusals(sandbox, client):
    transport = client.transport
    with pytest.raises(SmsApiError, match="Missing from, to, or body") as missing:
        transport.request("POST", "texts/send", json_body={"from": FROM, "to": "+48500100200"})
    assert missing.value.status == 400
    with pytest.raises(SmsNotFound, match=r"\+48600000000") as unknown:
        client.send_text(TextRequest("+48600000000", "+48500100200", "Hi"))
    assert unknown.value.status == 404
    with pytest.raises(SmsApiError, match="exceeds") as too_long:
        transport.request("POST", "texts/send", json_body={"from": FROM, "to": "+48500100200", "body": "ż" * 1121})
    assert too_long.value.status == 422
    with pytest.raises(SmsApiError, match="E.164"):
        transport.request("POST", "texts/send", json_body={"from": FROM, "to": "48500100200", "body": "x"})
    with pytest.raises(SmsApiError, match="Unknown fields"):
        transport.request("POST", "texts/send", json_body={"from": FROM, "to": "+48500100200", "body": "x", "cc": 1})
    assert sandbox.justcall_statuses() == {}
    # The limits themselves are accepted.
    client.send_text(TextRequest(FROM, "+48500100200", "a" * 1600))
    client.send_text(TextRequest(FROM, "+48500100200", "ż" * 1120))


def test_a_campaign_one_call_per_recipient_tracked_by_token(sandbox, backend, receiver):
    callback = receiver.url.replace("/webhooks/justsend/", "/webhooks/justcall/")
    audience = [OutboundMessage(f"rcp-{i}", f"4850010{i:04d}", f"Hi #{i}", callback_token=f"tok-{i}")
                for i in range(12)]
    accepted = {}
    for number, call in enumerate(backend.plan_calls(audience)):
        receipt = backend.send_batch(OutboundBatch(reference=f"call-{number}", messages=call, sender=FROM,
                                                   callback_url=callback))
        accepted[call[0].callback_token] = receipt.accepted[0].message_id
    sandbox.advance(10)
    events = []
    for path, body in receiver.raw:
        segments = [s for s in urlsplit(path).path.split("/") if s]
        assert segments[:3] == ["webhooks", "justcall", "s3cret"]
        events += backend.parse_webhook(body, headers={}, path=segments[3:])
    assert {e.reference for e in events} == set(accepted)
    for event in events:
        assert event.message_id == accepted[event.reference]
        assert set(event.raw) == {"message_id", "status", "to", "from", "timestamp"}
        assert event.occurred_at is not None
    simulator = sandbox.justcall_statuses()
    finals = {e.reference: e.state for e in events if e.state.is_final}
    assert len(finals) == 12
    assert {ref: simulator[accepted[ref]] for ref in finals} == {ref: s.value for ref, s in finals.items()}
    assert {MessageState.QUEUED, MessageState.SENT} <= {e.state for e in events}
    assert {s.value for s in finals.values()} <= {"delivered", "undelivered", "failed"}


def test_check_sends_nothing_and_a_wrong_secret_is_refused(sandbox, backend):
    assert backend.check() == "API key and secret accepted"
    assert sandbox.justcall_statuses() == {}
    with JustCallBackend(_config(sandbox, secret="wrong")) as wrong:
        with pytest.raises(SmsUnauthorized, match=r"JustCall refused the API key and secret \(401\)"):
            wrong.check()


def test_fault_switches_map_to_sms_errors(sandbox):
    with JustCallBackend(_config(sandbox, timeout=0.5)) as backend:
        fault_switches_map_to_sms_errors(sandbox, backend, OutboundBatch(reference="c", messages=[OutboundMessage("a", "48500100200", "Hi")], sender=FROM))
