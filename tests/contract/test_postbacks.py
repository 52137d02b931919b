"""Section 11: what the sandbox POSTs is parsed by the client's webhook parsers into normalised types."""

from __future__ import annotations

import uuid

from justsend_panel.sms.justsend import JustsendClient
from justsend_panel.sms.justsend.webhooks import parse_postback
from justsend_panel.sms.justsend.types import (
    DeliveryEvent,
    DeliveryStatus,
    InboundMessage,
    PostbackKind,
    Recipient,
)
from tests.contract.conftest import NUMBERS, bulk_request


def test_every_postback_of_a_bulk_a_single_message_and_a_reply_parses(sandbox_with_postbacks, postback_receiver):
    sandbox = sandbox_with_postbacks
    numbers = [str(48600000000 + i) for i in range(20)]
    with JustsendClient(sandbox.api_url, sandbox.app_key) as client:
        bulk = client.send_bulk(request=bulk_request(recipients=[Recipient(n) for n in numbers]))
        single = client.send_single_message(msisdn=NUMBERS[0], content="Code 1234")
        sandbox.advance(30)
        sandbox.incoming(msisdn="48123456789", message="Js.voucher test api", prefix="JS. VOUCHER", groupId=274652,
                         groupName="JS. VOUCHER_2026-01-16_11:08:36")
        details = client.get_bulk(uuid=bulk.id)

    sends = [parse_postback(body) for body in postback_receiver.raw_of_kind("send-status")]
    deliveries = [parse_postback(body) for body in postback_receiver.raw_of_kind("delivery-status")]
    incoming = [parse_postback(body) for body in postback_receiver.raw_of_kind("incoming")]

    assert len(sends) == len(deliveries) == 21 and len(incoming) == 1
    assert all(isinstance(e, DeliveryEvent) and e.kind is PostbackKind.SEND_STATUS and e.status is None for e in sends)
    assert all(isinstance(e, DeliveryEvent) and e.kind is PostbackKind.DELIVERY_STATUS and e.is_final
               for e in deliveries)
    bulk_events = [e for e in deliveries if e.uuid == bulk.id]
    assert sorted(e.msisdn for e in bulk_events) == numbers
    assert all(e.sender == "4777" and e.operator and e.ack_id and e.occurred_at is not None for e in bulk_events)
    by_status = {status: sum(e.status is status for e in bulk_events) for status in DeliveryStatus}
    assert by_status[DeliveryStatus.MESSAGE_DELIVERED] == details.counts.delivered
    assert by_status[DeliveryStatus.MESSAGE_UNDELIVERED] == details.counts.undelivered
    assert by_status[DeliveryStatus.MESSAGE_EXPIRED] == details.raw["expiredCount"]
    for send in (e for e in sends if e.uuid == bulk.id):
        assert send.occurred_at < next(d.occurred_at for d in bulk_events if d.message_id == send.message_id)

    single_events = [e for e in sends + deliveries if e.message_id == single.id]
    assert [e.kind for e in single_events] == [PostbackKind.SEND_STATUS, PostbackKind.DELIVERY_STATUS]
    assert uuid.UUID(single_events[0].uuid) and single_events[0].msisdn == NUMBERS[0]

    (reply,) = incoming
    assert isinstance(reply, InboundMessage) and reply.kind is PostbackKind.INCOMING
    assert (reply.msisdn, reply.sender, reply.message, reply.prefix) == (
        "48123456789", "4777", "Js.voucher test api", "JS. VOUCHER")
    assert (reply.group_id, reply.group_name, reply.id_msg_content) == (
        274652, "JS. VOUCHER_2026-01-16_11:08:36", None)
    assert reply.message_id and reply.received_at is not None and reply.operator == "POLAND_PLAY"
