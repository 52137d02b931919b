"""SmsByBackend: the provider interface over the client (respx)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from justsend_panel.sms.exceptions import SmsUnauthorized
from justsend_panel.sms.registry import Registry, backend_class
from justsend_panel.sms.base import Mode, ProviderConfig
from justsend_panel.sms.types import MessageState, OutboundBatch, OutboundMessage

from .conftest import make_backend, sent_json, sent_query


def _messages(count: int, text=lambda i: "Same text") -> list[OutboundMessage]:
    return [OutboundMessage(reference=f"r{i}", to=f"3752911{i:05d}", text=text(i)) for i in range(count)]


def test_capabilities_from_the_manual():
    capabilities = backend_class("smsby").capabilities
    assert capabilities.find_batch_by_reference and capabilities.delivery_polling
    assert capabilities.personalised_batch and capabilities.channels and not capabilities.scheduling
    assert not capabilities.delivery_webhooks and not capabilities.balance and not capabilities.cancel
    assert not capabilities.inbound_messages


def test_registry_builds_it():
    config = ProviderConfig(name="smsby", mode=Mode.SIMULATOR, api_url="http://x", credentials={"token": "t"})
    with Registry({"smsby": config}).get("smsby") as backend:
        assert backend.label == "SMS.by"


def test_plan_calls_makes_mailings_of_the_configured_size():
    with make_backend(mailing_size=3) as backend:
        calls = backend.plan_calls(_messages(7))
    assert [len(call) for call in calls] == [3, 3, 1]
    assert [m.reference for call in calls for m in call] == [f"r{i}" for i in range(7)]


def test_a_mailing_size_outside_1_to_10000_is_refused():
    with make_backend(mailing_size=10_001) as backend, pytest.raises(ValueError):
        backend.plan_calls(_messages(1))


def test_one_text_goes_as_a_bulk_mailing_named_by_the_reference(api, backend):
    route = api.post("/sendBulkSms").respond(200, json={"uuid": "u-1", "success": "OK"})
    batch = OutboundBatch(reference="campaign-9-call-3", messages=_messages(2), sender="55")
    receipt = backend.send_batch(batch)
    [mailing] = sent_json(route)["messages"]
    assert mailing == {"alphaname_id": "55", "name": "campaign-9-call-3", "message_type": "bulk",
                       "text": "Same text", "delivery_list": ["375291100000", "375291100001"]}
    assert receipt.batch_id == "u-1"
    assert [a.reference for a in receipt.accepted] == ["r0", "r1"] and receipt.rejected == ()


def test_different_texts_go_as_a_personal_mailing_and_options_win_over_the_sender(api, backend):
    route = api.post("/sendBulkSms").respond(200, json={"uuid": "u-2", "success": "OK"})
    batch = OutboundBatch(reference="ref", messages=_messages(2, text=lambda i: f"Hi {i}"), sender="55",
                          options={"alphaname_id": 8}, callback_url="https://panel.test/cb")
    backend.send_batch(batch)
    body = sent_json(route)
    assert body["callback_url"] == "https://panel.test/cb"
    assert body["messages"][0]["message_type"] == "personal" and body["messages"][0]["alphaname_id"] == "8"
    assert body["messages"][0]["delivery_list"][1] == {"phone": "375291100001", "text": "Hi 1"}


def test_a_scheduled_batch_is_refused_the_panel_schedules_itself(backend):
    batch = OutboundBatch(reference="ref", messages=_messages(1), sender="1",
                          scheduled_at=datetime(2026, 12, 24, 9, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="time zone"):
        backend.build_payload(batch)


def test_a_batch_without_an_alpha_name_is_refused_before_the_call(backend):
    with pytest.raises(ValueError, match="alpha name"):
        backend.build_payload(OutboundBatch(reference="ref", messages=_messages(1)))


def test_find_batch_looks_the_mailing_up_by_its_name(api, backend):
    route = api.get("/getSMSMessages").respond(200, json={"status": "success", "data": [
        {"id": 10, "name": "other"}, {"id": 11, "name": "campaign-9-call-3"}]})
    assert backend.find_batch("campaign-9-call-3") == "mailing:11"
    assert sent_query(route)["type"] == "API"
    assert backend.find_batch("never-sent") is None


def test_batch_figures_read_cost_and_parts_of_the_named_mailings(api, backend):
    api.get("/getSMSMessages").respond(200, json={"status": "success", "data": [
        {"id": 10, "name": "other", "parts": "5", "cost": "0.13000"},
        {"id": 11, "name": "c-1", "parts": "27631", "cost": "718.40600"},
        {"id": 12, "name": "c-2", "parts": "3", "cost": "0.07800"}]})
    figures = backend.batch_figures(["c-1", "c-2", "c-3"])
    assert [(f.reference, f.batch_id, f.cost, f.parts) for f in figures] == [
        ("c-1", "mailing:11", Decimal("718.40600"), 27631),
        ("c-2", "mailing:12", Decimal("0.07800"), 3)]


def test_poll_statuses_by_uuid_reads_status_bulk_sms(api, backend):
    api.post("/statusBulkSms").respond(200, json=[{"message_id": 1, "name": "n", "alphaname_id": 1, "success": [
        {"delivery_id": 5, "phone": "375291100000", "status": "DELIVERED", "status_time": "2026-12-03 12:00:00.0"},
        {"delivery_id": 6, "phone": "375291100001", "status": "ODD", "status_time": "2026-12-03 12:00:00.0"}]}])
    first, second = backend.poll_statuses("u-1")
    assert (first.provider, first.state, first.message_id, first.msisdn) == (
        "smsby", MessageState.DELIVERED, "5", "375291100000")
    assert first.occurred_at == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert second.state is None and second.raw_status == "ODD"


def test_poll_statuses_of_a_recovered_mailing_pages_through_the_delivery_list(api, backend, monkeypatch):
    monkeypatch.setattr("justsend_panel.sms.smsby.backend.DELIVERY_PAGE", 2)
    route = api.get("/getSmsDeliveryList")
    route.side_effect = [
        httpx.Response(200, json={"result": [{"phone": 1, "status": "sent", "d_sent": None},
                                                             {"phone": 2, "status": "delivered", "d_sent": None}]}),
        httpx.Response(200, json={"result": [{"phone": 3, "status": "new", "d_sent": None}]}),
    ]
    events = backend.poll_statuses("mailing:11")
    assert [e.msisdn for e in events] == ["1", "2", "3"]
    assert [dict(c.request.url.params)["limit_offset"] for c in route.calls] == ["0", "2"]


def test_check_is_one_row_of_get_messages_list(api, backend):
    route = api.get("/getMessagesList").respond(200, json={"result": []})
    assert backend.check() == "token accepted"
    assert sent_query(route)["limit_rows"] == "1"


def test_check_reports_a_refused_token(api, backend):
    api.get("/getMessagesList").respond(400, json={"message": "Invalid token"})
    with pytest.raises(SmsUnauthorized, match="Invalid token"):
        backend.check()


def test_no_token_configured():
    config = ProviderConfig(name="smsby", mode=Mode.LIVE, api_url="http://x", credentials={})
    with backend_class("smsby")(config) as backend, pytest.raises(SmsUnauthorized):
        backend.check()
