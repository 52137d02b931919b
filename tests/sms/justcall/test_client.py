"""JustCallClient against respx: the request as the manual shows it, the refusals before
sending, and every error status of the manual (and the transport's) mapped to its SmsError."""

import logging

import httpx
import pytest

from justsend_panel.sms.exceptions import (
    TRANSIENT_ERRORS,
    SmsApiError,
    SmsBadResponse,
    SmsHostError,
    SmsNotFound,
    SmsRateLimited,
    SmsServerError,
    SmsTimeoutError,
    SmsUnauthorized,
)
from justsend_panel.sms.justcall.client import JustCallClient
from justsend_panel.sms.justcall.wire import TextRequest

from .conftest import API_KEY, API_SECRET, BASE_URL, FROM, sent_json

ANSWER = {
    "status": "success",
    "message": "Message sent",
    "data": {"message_id": "msg_4d9e1a7f", "from": FROM, "to": "+14155559876", "direction": "outbound",
             "status": "queued"},
}


def _request(**overrides) -> TextRequest:
    fields = {"from_number": FROM, "to": "+14155559876", "body": "Hi Alex, your appointment is confirmed."}
    return TextRequest(**{**fields, **overrides})


def test_send_text_posts_the_manual_s_fields_with_the_key_and_secret_header(api, client):
    route = api.post("/texts/send").respond(200, json=ANSWER)
    answer = client.send_text(_request(media_url="https://yourapp.com/invoices/march-2026.pdf",
                                       webhook_url="https://panel.example/webhooks/justcall/s/tok/"))
    request = route.calls.last.request
    assert request.headers["Authorization"] == f"{API_KEY}:{API_SECRET}"
    assert request.headers["Content-Type"] == "application/json"
    assert sent_json(route) == {
        "from": FROM, "to": "+14155559876", "body": "Hi Alex, your appointment is confirmed.",
        "media_url": "https://yourapp.com/invoices/march-2026.pdf",
        "webhook_url": "https://panel.example/webhooks/justcall/s/tok/",
    }
    assert (answer.message_id, answer.status, answer.from_number, answer.to) == (
        "msg_4d9e1a7f", "queued", FROM, "+14155559876")
    assert answer.raw == ANSWER


def test_optional_fields_are_left_out_when_unset(api, client):
    route = api.post("/texts/send").respond(200, json=ANSWER)
    client.send_text(_request())
    assert set(sent_json(route)) == {"from", "to", "body"}


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"from_number": "14155551234"}, "'from' must be"),
        ({"to": "0048500100200"}, "'to' must be"),
        ({"body": ""}, "needs a body"),
        ({"body": "a" * 1601}, "at most 1,600 GSM-7"),
        ({"body": "ż" * 1121}, "at most 1,120 Unicode"),
        ({"body": "€" * 801}, "at most 1,600 GSM-7"),  # an extension character counts twice
        ({"media_url": "/media/x.png"}, "public http(s)"),
        ({"webhook_url": "ftp://x/y"}, "webhook URL"),
    ],
)
def test_what_the_api_refuses_is_never_sent(api, client, overrides, problem):
    route = api.post("/texts/send")
    with pytest.raises(ValueError) as raised:
        client.send_text(_request(**overrides))
    assert any(problem in text for text in raised.value.args[0])
    assert not route.called
    api.reset()
    route.mock(return_value=httpx.Response(200, json=ANSWER))
    client.send_text(_request())  # satisfy assert_all_called


def test_the_longest_bodies_are_sent():
    assert not _request(body="a" * 1600).problems()
    assert not _request(body="ż" * 1120).problems()


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (400, {"message": "Missing from, to, or body"}, SmsApiError, "Missing from, to, or body"),
        (401, {"message": "Unauthorized"}, SmsUnauthorized, "refused the API key and secret"),
        (403, None, SmsUnauthorized, "refused the operation"),
        (404, {"message": "Number not found"}, SmsNotFound, f"does not know {FROM} as an SMS-enabled number"),
        (422, {"message": "Message body exceeds character limit"}, SmsApiError, "exceeds character limit"),
        (429, None, SmsRateLimited, "limiting the request rate"),
        (500, {"message": "oops"}, SmsServerError, "internal error (500): oops"),
        (503, None, SmsServerError, "internal error (503)"),
    ],
)
def test_every_error_status_maps_to_its_sms_error(api, client, status, body, error, text):
    api.post("/texts/send").respond(status, json=body)
    with pytest.raises(error) as raised:
        client.send_text(_request())
    assert raised.value.status == status
    assert text in str(raised.value)


@pytest.mark.parametrize(
    ("status", "retryable"), [(400, False), (401, False), (404, False), (422, False), (429, True), (500, True)]
)
def test_only_429_and_5xx_are_retryable(api, client, status, retryable):
    api.post("/texts/send").respond(status)
    with pytest.raises(Exception) as raised:
        client.send_text(_request())
    assert isinstance(raised.value, TRANSIENT_ERRORS) is retryable


def test_429_carries_retry_after_when_given(api, client):
    api.post("/texts/send").respond(429, headers={"Retry-After": "7"})
    with pytest.raises(SmsRateLimited) as raised:
        client.send_text(_request())
    assert raised.value.retry_after == 7


def test_429_without_retry_after_leaves_the_back_off_to_the_caller(api, client):
    api.post("/texts/send").respond(429)
    with pytest.raises(SmsRateLimited) as raised:
        client.send_text(_request())
    assert raised.value.retry_after is None


def test_timeout_and_connection_failure(api, client):
    route = api.post("/texts/send")
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(SmsTimeoutError):
        client.send_text(_request())
    route.side_effect = httpx.ConnectError("refused")
    with pytest.raises(SmsHostError):
        client.send_text(_request())


@pytest.mark.parametrize(
    "body",
    [
        {"status": "success", "data": {}},
        {"status": "success"},
        {"status": "error", "data": {"message_id": "msg_1"}},
        ["msg_1"],
        None,
    ],
)
def test_a_2xx_without_a_message_id_is_a_bad_answer(api, client, body):
    api.post("/texts/send").respond(200, json=body)
    with pytest.raises(SmsBadResponse):
        client.send_text(_request())


def test_the_answer_is_read_tolerantly(api, client):
    api.post("/texts/send").respond(201, json={"data": {"message_id": 12345, "extra": {"x": 1}}})
    answer = client.send_text(_request())
    assert (answer.message_id, answer.status) == ("12345", None)


def test_credentials_never_reach_an_error_message_or_a_log_line(api, client, caplog):
    echo = {"message": f"bad credentials {API_KEY}:{API_SECRET} / {API_SECRET}"}
    api.post("/texts/send").respond(401, json=echo)
    with caplog.at_level(logging.DEBUG), pytest.raises(SmsUnauthorized) as raised:
        client.send_text(_request())
    shown = str(raised.value) + repr(raised.value) + repr(raised.value.body) + caplog.text + repr(client)
    assert API_KEY not in shown and API_SECRET not in shown


def test_key_and_secret_are_both_required():
    with pytest.raises(ValueError):
        JustCallClient(BASE_URL, API_KEY, "")
    with pytest.raises(ValueError):
        JustCallClient(BASE_URL, "", API_SECRET)
