"""The SMS.by client against respx: where the token goes, what is sent, how answers and
errors are read. One test (at least) per endpoint of the manual."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsBadResponse,
    SmsNotFound,
    SmsRateLimited,
    SmsServerError,
    SmsTimeoutError,
)
from justsend_panel.sms.smsby.vocabulary import MessageType
from justsend_panel.sms.smsby.wire import Mailing
from justsend_panel.sms.types import MessageState

from .conftest import BASE_URL, TOKEN, sent_form, sent_json, sent_query

BULK = Mailing(name="c42-call-0001", alphaname_id=123, message_type=MessageType.BULK,
               phones=["375297777777", "375295555555"], text="message text 2")
PERSONAL = Mailing(name="c42-call-0002", alphaname_id=123, message_type=MessageType.PERSONAL,
                   personal=[("375299999999", "personal message 1"), ("375298888888", "personal message 2")],
                   schedule_time=datetime(2024, 12, 31, 20, 59, 59, tzinfo=UTC))


def test_send_bulk_sms_puts_the_token_in_the_json_body_as_the_sample_and_never_in_a_header(api, client):
    route = api.post("/sendBulkSms").respond(200, json={"uuid": "cc9c8043-8caf-11ef-b035-9e8f47954dec",
                                                        "success": "OK"})
    answer = client.send_bulk_sms([PERSONAL, BULK])
    assert answer.uuid == "cc9c8043-8caf-11ef-b035-9e8f47954dec"
    request = route.calls.last.request
    assert TOKEN not in str(request.url) and all(TOKEN not in value for value in request.headers.values())
    assert sent_json(route) == {
        "token": TOKEN,
        "callback_url": "",
        "messages": [
            {"alphaname_id": "123", "name": "c42-call-0002", "message_type": "personal",
             "schedule_time": "2024-12-31T23:59:59",  # Minsk time (UTC+3)
             "delivery_list": [{"phone": "375299999999", "text": "personal message 1"},
                               {"phone": "375298888888", "text": "personal message 2"}]},
            {"alphaname_id": "123", "name": "c42-call-0001", "message_type": "bulk", "text": "message text 2",
             "delivery_list": ["375297777777", "375295555555"]},
        ],
    }


@pytest.mark.parametrize("mailing", [
    Mailing(name="", alphaname_id=1, message_type=MessageType.BULK, phones=["375291111111"], text="x"),
    Mailing(name="n", alphaname_id=0, message_type=MessageType.BULK, phones=["375291111111"], text="x"),
    Mailing(name="n", alphaname_id=1, message_type=MessageType.BULK, phones=["+375291111111"], text="x"),
    Mailing(name="n", alphaname_id=1, message_type=MessageType.BULK, phones=[], text="x"),
    Mailing(name="n", alphaname_id=1, message_type=MessageType.PERSONAL, personal=[("375291111111", "")]),
    Mailing(name="n", alphaname_id=1, message_type=MessageType.BULK, phones=["375291111111"], text="x",
            schedule_time=datetime(2026, 1, 1)),
])
def test_send_bulk_sms_refuses_what_the_api_would_refuse_before_any_request(client, mailing):
    with pytest.raises(ValueError):
        client.send_bulk_sms([mailing])


def test_status_bulk_sms_reads_every_recipient_with_its_neutral_state_and_keeps_raw(api, client):
    route = api.post("/statusBulkSms").respond(200, json=[
        {"message_id": 1, "name": "mailing list 1", "alphaname_id": 1, "success": [
            {"delivery_id": 1, "phone": "375291111111", "status": "DELIVERED",
             "status_time": "2024-10-16 22:52:42.497994"},
            {"delivery_id": 2, "phone": "375292222222", "status": "NOT_DELIVERED",
             "status_time": "2024-10-16 22:52:43.379779"},
        ]},
    ])
    [mailing] = client.status_bulk_sms("cc9c8043")
    assert sent_query(route) == {"token": TOKEN, "uuid": "cc9c8043"}
    assert mailing.name == "mailing list 1"
    first, second = mailing.deliveries
    assert (first.delivery_id, first.phone, first.state) == ("1", "375291111111", MessageState.DELIVERED)
    assert first.time == datetime(2024, 10, 16, 19, 52, 42, 497994, tzinfo=UTC)  # Minsk time read as UTC+3
    assert second.state is MessageState.UNDELIVERED and second.raw["status"] == "NOT_DELIVERED"


def test_get_sms_messages_reads_mailings_and_filters_by_type(api, client):
    route = api.get("/getSMSMessages").respond(200, json={"status": "success", "data": [
        {"id": 1173020, "name": "Notification", "d_create": 1614154034, "d_schedule": 1645612020, "type": "API",
         "parts": "27631", "count_phones": 27631, "status": "NEW", "sms_delivered": "0", "cost": "718.40600",
         "alphaname": "SMS.by"}]})
    [mailing] = client.get_sms_messages(type="API")
    assert sent_query(route) == {"token": TOKEN, "type": "API"}
    assert (mailing.id, mailing.name, mailing.parts, mailing.count_phones) == ("1173020", "Notification", 27631, 27631)
    assert mailing.cost == Decimal("718.40600")
    assert mailing.created_at == datetime.fromtimestamp(1614154034, UTC)
    with pytest.raises(ValueError):
        client.get_sms_messages(type="SMS")


def test_send_quick_sms_with_viber_forwarding_sends_the_form_fields_as_form_data(api, client):
    route = api.post("/sendQuickSMS").respond(200, json={"sms_id": 2197871, "status": "NEW", "parts": 1,
                                                         "cost": "0.026"})
    answer = client.send_quick_sms("375291234567", "Hello", 7, show_cost=True, forwarding_message=True,
                                   forwarding_time=15, vibername_id=9)
    assert sent_query(route) == {"token": TOKEN, "message": "Hello", "phone": "375291234567",
                                 "alphaname_id": "7", "show_cost": "1"}
    assert sent_form(route) == {"forwarding_message": "1", "forwarding_time": "15", "vibername_id": "9"}
    assert (answer.sms_id, answer.state, answer.parts, answer.cost) == ("2197871", MessageState.QUEUED, 1,
                                                                          Decimal("0.026"))


def test_send_quick_sms_without_forwarding_sends_no_body(api, client):
    route = api.post("/sendQuickSMS").respond(200, json={"sms_id": 1, "status": "NEW", "parts": 1})
    client.send_quick_sms("375291234567", "Hello", 7)
    assert route.calls.last.request.content == b""
    assert "show_cost" not in sent_query(route)


@pytest.mark.parametrize("options", [
    {"forwarding_message": True, "forwarding_time": 4, "vibername_id": 1},
    {"forwarding_message": True, "forwarding_time": 61, "vibername_id": 1},
    {"forwarding_message": True},
    {"forwarding_time": 10},
])
def test_send_quick_sms_refuses_forwarding_outside_the_manual(client, options):
    with pytest.raises(ValueError):
        client.send_quick_sms("375291234567", "Hello", 7, **options)


@pytest.mark.parametrize(("method", "path"), [("send_otp_telegram", "/sendOtpTelegram"),
                                              ("send_otp_whatsapp", "/sendOtpWhatsApp")])
def test_send_otp_sends_the_code_and_the_phone_in_the_query(api, client, method, path):
    route = api.post(path).respond(200, json={"sms_id": 2197871, "status": "NEW", "parts": 1})
    answer = getattr(client, method)("375291234567", "0123456789012345")
    assert sent_query(route) == {"token": TOKEN, "message": "0123456789012345", "phone": "375291234567"}
    assert answer.sms_id == "2197871"


@pytest.mark.parametrize("code", ["12345678901234567", "12a4", "", "١٢٣"])
def test_send_otp_refuses_a_code_that_is_not_1_to_16_digits(client, code):
    with pytest.raises(ValueError):
        client.send_otp_telegram("375291234567", code)


def test_create_sms_message_sends_minsk_time_and_reads_the_answer(api, client):
    route = api.get("/createSmsMessage").respond(200, json={"status": "ok", "parts": 1, "len": 31,
                                                            "message_id": 2604834, "alphaname": "system", "time": 0})
    created = client.create_sms_message("Your message", name="News", alphaname_id=5,
                                        time=datetime(2019, 5, 24, 7, 22, tzinfo=UTC))
    assert sent_query(route) == {"token": TOKEN, "message": "Your message", "name": "News", "alphaname_id": "5",
                                 "time": "2019-05-24 10:22"}
    assert (created.message_id, created.parts, created.length, created.time) == ("2604834", 1, 31, None)


def test_check_sms_message_status_keeps_the_unshown_answer_raw(api, client):
    route = api.get("/checkSMSMessageStatus").respond(200, json={"message_id": 5, "status": "DONE", "x": 1})
    answer = client.check_sms_message_status(5)
    assert sent_query(route) == {"token": TOKEN, "message_id": "5"}
    assert (answer.status, answer.raw["x"]) == ("DONE", 1)


def test_send_sms_and_check_sms(api, client):
    send = api.get("/sendSMS").respond(200, json={"sms_id": 2204968, "status": "NEW"})
    check = api.get("/checkSMS").respond(200, json={"sms_id": 2637396, "sent": 1616407661, "delivered": 1616407673})
    assert client.send_sms(2604834, "375291234567").sms_id == "2204968"
    assert sent_query(send) == {"token": TOKEN, "message_id": "2604834", "phone": "375291234567"}
    checked = client.check_sms(2637396)
    assert sent_query(check) == {"token": TOKEN, "sms_id": "2637396"}
    assert checked.delivered_at == datetime.fromtimestamp(1616407673, UTC)
    assert checked.state is MessageState.DELIVERED and checked.channel is None


def test_check_sms_reads_zero_as_not_yet_and_the_viber_channel(api, client):
    api.get("/checkSMS").respond(200, json={"sms_id": 1, "sent": 1616407661, "delivered": 0, "channel": "viber"})
    checked = client.check_sms(1)
    assert (checked.delivered_at, checked.state, checked.channel) == (None, MessageState.SENT, "viber")


def test_get_messages_list_and_its_paging_rule(api, client):
    route = api.get("/getMessagesList").respond(200, json={"result": [
        {"message_id": 2564327, "message": "68755", "parts": 1, "d_create": "2021-03-22 11:32:32",
         "status": "moderated"}]})
    [entry] = client.get_messages_list(limit_offset=0, limit_rows=1)
    assert sent_query(route) == {"token": TOKEN, "limit_offset": "0", "limit_rows": "1"}
    assert (entry.message_id, entry.message, entry.status) == ("2564327", "68755", "moderated")
    with pytest.raises(ValueError):
        client.get_messages_list(limit_offset=10)


def test_get_sms_delivery_list_reads_numbers_given_as_integers(api, client):
    route = api.get("/getSmsDeliveryList").respond(200, json={"result": [
        {"phone": 375293332211, "status": "delivered", "d_sent": "2021-03-22 11:32:32"},
        {"phone": 375293332212, "status": "sent", "d_sent": "2021-03-22 11:32:32"}]})
    first, second = client.get_sms_delivery_list(9, limit_offset=0, limit_rows=2)
    assert sent_query(route) == {"token": TOKEN, "message_id": "9", "limit_offset": "0", "limit_rows": "2"}
    assert (first.phone, first.state, second.state) == ("375293332211", MessageState.DELIVERED, MessageState.SENT)


def test_send_sms_list_and_confirm_put_the_token_in_the_form(api, client):
    send = api.post("/sendSmsList").respond(200, json={"status": "ok", "message_id": 77})
    confirm = api.post("/confirmSendMessageByList").respond(200, json={"message_id": 77, "cost": "0.07800"})
    created = client.send_sms_list(name="List", message="Hi", d_schedule=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
                                   list_id=3, alphaname_id=4)
    assert sent_form(send) == {"token": TOKEN, "name": "List", "message": "Hi", "d_schedule": "2026-12-03 12:00",
                               "list_id": "3", "alphaname_id": "4"}
    assert str(send.calls.last.request.url) == "https://smsby.test/api/v1/sendSmsList"
    assert created.message_id == "77"
    offer = client.confirm_send_message_by_list(77, confirm=False)
    assert sent_form(confirm) == {"token": TOKEN, "message_id": "77", "confirm": "0"}
    assert offer.cost == Decimal("0.07800")


def test_insufficient_funds_is_a_permanent_api_error_naming_the_reason(api, client):
    api.post("/confirmSendMessageByList").respond(400, json={"message": "Insufficient funds to continue"})
    with pytest.raises(SmsApiError) as caught:
        client.confirm_send_message_by_list(77, confirm=True)
    assert "Insufficient funds" in caught.value.message and caught.value.status == 400


@pytest.mark.parametrize(("status", "error"), [(400, SmsApiError), (404, SmsNotFound), (429, SmsRateLimited),
                                               (500, SmsServerError), (503, SmsServerError)])
def test_http_errors_map_onto_the_sms_family(api, client, status, error):
    api.get("/checkSMS").respond(status, json={"error": f"token {TOKEN} bad"}, headers={"Retry-After": "3"})
    with pytest.raises(error) as caught:
        client.check_sms(1)
    assert TOKEN not in str(caught.value.body) and TOKEN not in caught.value.message
    if status == 429:
        assert caught.value.retry_after == 3


def test_a_200_that_says_error_is_a_refusal(api, client):
    api.get("/checkSMS").respond(200, json={"error": "Incorrect token"})
    with pytest.raises(SmsApiError, match="Incorrect token"):
        client.check_sms(1)


def test_a_timeout_is_transient(api, client):
    api.get("/checkSMS").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(SmsTimeoutError):
        client.check_sms(1)


@pytest.mark.parametrize(("path", "call", "body"), [
    ("/sendBulkSms", lambda c: c.send_bulk_sms([BULK]), {"success": "OK"}),
    ("/statusBulkSms", lambda c: c.status_bulk_sms("u"), {"not": "a list"}),
    ("/sendQuickSMS", lambda c: c.send_quick_sms("375291234567", "x", 1), {"status": "NEW"}),
    ("/getSMSMessages", lambda c: c.get_sms_messages(), {"status": "success"}),
    ("/getMessagesList", lambda c: c.get_messages_list(), {"result": "nope"}),
])
def test_an_answer_of_the_wrong_shape_is_a_bad_response(api, client, path, call, body):
    api.route(url=BASE_URL + path).respond(200, json=body)
    with pytest.raises(SmsBadResponse):
        call(client)


def test_the_token_is_not_in_the_clients_repr(client):
    assert TOKEN not in repr(client) and TOKEN not in repr(client.transport)
