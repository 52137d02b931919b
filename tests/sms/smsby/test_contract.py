"""Contract: the real SmsByClient and SmsByBackend against the sandbox's SMS.by simulator
over loopback HTTP (nothing mocked), one test per endpoint of the manual at least."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from justsend_panel.sandbox.server import run_sandbox
from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsRateLimited,
    SmsServerError,
    SmsTimeoutError,
    SmsUnauthorized,
)
from justsend_panel.sms.smsby.backend import SmsByBackend
from justsend_panel.sms.smsby.client import SmsByClient
from justsend_panel.sms.smsby.vocabulary import MessageType
from justsend_panel.sms.smsby.wire import Mailing
from justsend_panel.sms.types import MessageState, OutboundBatch, OutboundMessage
from tests.fixtures.sandbox import POSTBACK_DELIVERY_MIX

GOOD = ["375291111111", "375292222222", "48500100200"]


@pytest.fixture
def sandbox(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual", delivery_mix=POSTBACK_DELIVERY_MIX, hang_seconds=5) as running:
        yield running


def _config(sandbox, token=None, timeout=10.0, **options) -> ProviderConfig:
    return ProviderConfig(name="smsby", mode=Mode.SIMULATOR, api_url=sandbox.smsby_url,
                          credentials={"token": token or sandbox.smsby_token}, timeout=timeout, options=options)


@pytest.fixture
def client(sandbox) -> Iterator[SmsByClient]:
    with SmsByClient(sandbox.smsby_url, sandbox.smsby_token, timeout=10) as smsby:
        yield smsby


@pytest.fixture
def backend(sandbox) -> Iterator[SmsByBackend]:
    with SmsByBackend(_config(sandbox, mailing_size=2)) as smsby:
        yield smsby


def test_send_bulk_sms_then_status_bulk_sms_move_with_the_clock(sandbox, client):
    answer = client.send_bulk_sms([
        Mailing(name="bulk-1", alphaname_id=1, message_type=MessageType.BULK, phones=GOOD[:2], text="Hello"),
        Mailing(name="personal-1", alphaname_id=1, message_type=MessageType.PERSONAL,
                personal=[(GOOD[2], "Hi Ann")]),
    ])
    first = client.status_bulk_sms(answer.uuid)
    assert [m.name for m in first] == ["bulk-1", "personal-1"]
    assert {d.state for m in first for d in m.deliveries} == {MessageState.QUEUED}
    sandbox.advance(10)
    final = client.status_bulk_sms(answer.uuid)
    assert all(d.state is not None and d.state.is_final for m in final for d in m.deliveries)
    assert [d.phone for d in final[0].deliveries] == GOOD[:2]


def test_status_bulk_sms_of_an_unknown_uuid_is_refused(client):
    with pytest.raises(SmsApiError, match="Unknown uuid"):
        client.status_bulk_sms("00000000-0000-0000-0000-000000000000")


def test_get_sms_messages_lists_the_mailing_with_cost_and_parts(sandbox, client):
    client.send_bulk_sms([Mailing(name="priced", alphaname_id=1, message_type=MessageType.BULK,
                                  phones=GOOD[:2], text="x" * 161)])  # two parts each
    [mailing] = client.get_sms_messages(type="API")
    assert (mailing.name, mailing.count_phones, mailing.parts) == ("priced", 2, 4)
    assert mailing.cost == Decimal("0.104")
    assert client.get_sms_messages(type="WEB") == []


def test_send_quick_sms_with_show_cost_and_viber_forwarding_then_check_sms(sandbox, client):
    answer = client.send_quick_sms(GOOD[0], "Hello", 1, show_cost=True, forwarding_message=True,
                                   forwarding_time=5, vibername_id=2)
    assert (answer.state, answer.parts, answer.cost) == (MessageState.QUEUED, 1, Decimal("0.026"))
    sandbox.advance(2)
    assert client.check_sms(int(answer.sms_id)).sent_at is not None


def test_an_undelivered_sms_with_forwarding_goes_by_viber_after_forwarding_time(sandbox, client):
    # POSTBACK_DELIVERY_MIX leaves some messages undelivered: send until one is.
    sent = [client.send_quick_sms(GOOD[0], f"Hello {i}", 1, forwarding_message=True, forwarding_time=5,
                                  vibername_id=2) for i in range(12)]
    sandbox.advance(10)
    statuses = sandbox.smsby_messages()
    waiting = [s for s in sent if statuses[s.sms_id]["status"] == "sent"]
    assert waiting, "the delivery mix should leave at least one SMS undelivered"
    assert client.check_sms(int(waiting[0].sms_id)).delivered_at is None
    sandbox.advance(5 * 60)
    checked = client.check_sms(int(waiting[0].sms_id))
    assert (checked.state, checked.channel) == (MessageState.DELIVERED, "viber")
    delivered_by_sms = [s for s in sent if s not in waiting]
    assert delivered_by_sms and client.check_sms(int(delivered_by_sms[0].sms_id)).channel == "sms"


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
def test_verification_codes(sandbox, client, channel):
    answer = client.send_otp(channel, GOOD[0], "0123456789012345")
    assert answer.state is MessageState.QUEUED
    assert sandbox.smsby_messages()[answer.sms_id]["channel"] == channel


def test_create_sms_message_send_sms_check_sms_and_the_mailing_status(sandbox, client):
    created = client.create_sms_message("Created text", name="News", alphaname_id=3,
                                        time=datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1))
    assert (created.parts, created.length, created.alphaname) == (1, 12, "alpha-3")
    sms = client.send_sms(int(created.message_id), GOOD[0])
    assert sms.state is MessageState.QUEUED
    assert client.check_sms_message_status(created.message_id).status == "NEW"
    assert client.check_sms(int(sms.sms_id)).state is MessageState.QUEUED
    [entry] = client.get_messages_list(limit_offset=0, limit_rows=5)
    assert (entry.message_id, entry.message, entry.status) == (created.message_id, "Created text", "moderated")
    [delivery] = client.get_sms_delivery_list(int(created.message_id))
    assert (delivery.phone, delivery.state) == (GOOD[0], MessageState.QUEUED)


def test_send_sms_to_an_unknown_message_is_refused(client):
    with pytest.raises(SmsApiError, match="Unknown message_id"):
        client.send_sms(999, GOOD[0])


def test_get_sms_delivery_list_pages(sandbox, client):
    client.send_bulk_sms([Mailing(name="paged", alphaname_id=1, message_type=MessageType.BULK,
                                  phones=GOOD, text="x")])
    [mailing] = client.get_sms_messages()
    page = client.get_sms_delivery_list(int(mailing.id), limit_offset=1, limit_rows=1)
    assert [d.phone for d in page] == [GOOD[1]]


def test_send_sms_list_confirm_0_shows_the_cost_and_confirm_1_sends_or_refuses_for_funds(sandbox, client):
    created = client.send_sms_list(name="List", message="To the list", d_schedule=datetime.now(UTC), list_id=1,
                                   alphaname_id=1)
    offer = client.confirm_send_message_by_list(int(created.message_id), confirm=False)
    assert offer.cost == Decimal("0.078") and offer.raw["count_phones"] == 3
    assert sandbox.smsby_messages() == {}
    sandbox.smsby_set_balance(0.01)
    with pytest.raises(SmsApiError, match="Insufficient funds"):
        client.confirm_send_message_by_list(int(created.message_id), confirm=True)
    sandbox.smsby_set_balance(10)
    assert client.confirm_send_message_by_list(int(created.message_id), confirm=True).status == "confirmed"
    assert len(sandbox.smsby_messages()) == 3


def test_a_campaign_planned_sent_found_again_by_name_and_polled(sandbox, backend):
    messages = [OutboundMessage(reference=f"r{i}", to=number, text="Same") for i, number in enumerate(GOOD)]
    calls = backend.plan_calls(messages)
    assert [len(call) for call in calls] == [2, 1]
    receipts = [backend.send_batch(OutboundBatch(reference=f"camp-1-call-{i}", messages=call, sender="1"))
                for i, call in enumerate(calls)]
    assert backend.find_batch("camp-1-call-1") is not None
    assert backend.find_batch("camp-1-call-9") is None
    sandbox.advance(10)
    by_uuid = backend.poll_statuses(receipts[0].batch_id)
    assert [e.msisdn for e in by_uuid] == GOOD[:2] and all(e.state.is_final for e in by_uuid)
    recovered = backend.poll_statuses(backend.find_batch("camp-1-call-0"))
    assert [(e.msisdn, e.state) for e in recovered] == [(e.msisdn, e.state) for e in by_uuid]


def test_check_and_a_wrong_token(sandbox, backend):
    assert backend.check() == "token accepted"
    with SmsByBackend(_config(sandbox, token="wrong")) as wrong, pytest.raises(SmsUnauthorized):
        wrong.check()


def test_the_simulator_refuses_what_the_manual_refuses_even_past_the_client(sandbox, client):
    with pytest.raises(SmsApiError, match="digits"):
        client.transport.request("POST", "sendOtpTelegram",
                                 params={"token": sandbox.smsby_token, "message": "12ab", "phone": GOOD[0]})
    with pytest.raises(SmsApiError, match="5 to 60"):
        client.transport.request("POST", "sendQuickSMS", params={
            "token": sandbox.smsby_token, "message": "x", "phone": GOOD[0], "alphaname_id": "1"},
            data={"forwarding_message": "1", "forwarding_time": "61", "vibername_id": "1"})


def test_fault_switches_map_to_sms_errors(sandbox):
    with SmsByBackend(_config(sandbox, timeout=0.5)) as backend:
        sandbox.set_faults(rate_429=1, retry_after=12)
        with pytest.raises(SmsRateLimited) as caught:
            backend.check()
        assert caught.value.retry_after == 12
        sandbox.set_faults(rate_500=1)
        with pytest.raises(SmsServerError):
            backend.check()
        sandbox.set_faults(timeout=True)
        with pytest.raises(SmsTimeoutError):
            backend.check()
        sandbox.set_faults()
        assert backend.check() == "token accepted"


def test_the_token_never_reaches_the_request_log(sandbox, client):
    client.send_bulk_sms([Mailing(name="n", alphaname_id=1, message_type=MessageType.BULK, phones=GOOD[:1],
                                  text="x")])
    client.send_sms_list(name="L", message="m", d_schedule=datetime.now(UTC), list_id=1, alphaname_id=1)
    client.check_sms(1)
    logged = repr(sandbox.requests("/smsby"))
    assert sandbox.smsby_token not in logged
    assert logged.count("***") == 2  # the JSON body's and the query's; the form is not logged
