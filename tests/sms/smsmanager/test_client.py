"""SmsManagerClient against respx: one test per endpoint, the refusals before sending,
and every error status mapped to its SmsError."""

import logging
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs

import httpx
import pytest

from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsBadResponse,
    SmsHostError,
    SmsRateLimited,
    SmsServerError,
    SmsTimeoutError,
    SmsUnauthorized,
)
from justsend_panel.sms.smsmanager.wire import MessageRequest

from .conftest import API_KEY, sent_json

ANSWER = {
    "request_id": "66666666-6666-6666-6666-666666666666",
    "accepted": [{"message_id": "pppppppp-qqqq-rrrr-ssss-tttttttttttt"}],
    "rejected": [],
}


def test_send_message_posts_one_body_with_every_field(api, client):
    route = api.post("/message").respond(200, json=ANSWER)
    when = datetime(2026, 12, 24, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    answer = client.send_message(
        MessageRequest(
            body="Test message", to=["420777123456", "420777654321"], sender="Shop", callback="https://p/cb",
            tag="priority", flow=["viber", "sms"], payload={"refs": ["a", "b"]}, send_at=when,
        )
    )
    request = route.calls.last.request
    assert request.headers["x-api-key"] == API_KEY
    assert sent_json(route) == {
        "body": "Test message",
        "to": [{"phone_number": "420777123456"}, {"phone_number": "420777654321"}],
        "sender": "Shop",
        "callback": "https://p/cb",
        "tag": "priority",
        "flow": ["viber", "sms"],
        "payload": {"refs": ["a", "b"]},
        "send_at": "2026-12-24T09:30:00Z",
    }
    assert answer.request_id == ANSWER["request_id"]
    assert [a.message_id for a in answer.accepted] == ["pppppppp-qqqq-rrrr-ssss-tttttttttttt"]
    assert answer.raw == ANSWER


def test_send_messages_posts_a_list_and_parses_rejections(api, client):
    body = {
        "request_id": "r-1",
        "accepted": [{"message_id": "m-1", "request_index": 0}, {"message_id": "m-2"}],
        "rejected": [{"phone_number": "4201", "reason": "invalid number", "recipient_index": 1, "request_index": 0}],
    }
    route = api.post("/messages").respond(200, json=body)
    answer = client.send_messages(
        [MessageRequest(body="Hello John", to=["420777123456", "4201"]), MessageRequest(body="Hello Jane", to=["420777115577"])]
    )
    assert sent_json(route) == [
        {"body": "Hello John", "to": [{"phone_number": "420777123456"}, {"phone_number": "4201"}]},
        {"body": "Hello Jane", "to": [{"phone_number": "420777115577"}]},
    ]
    assert [(a.message_id, a.request_index) for a in answer.accepted] == [("m-1", 0), ("m-2", None)]
    (rejected,) = answer.rejected
    assert (rejected.phone_number, rejected.reason, rejected.request_index, rejected.recipient_index) == (
        "4201", "invalid number", 0, 1
    )


def test_simple_message_get_puts_the_key_in_the_query(api, client):
    route = api.get("/simple/message").respond(
        200, json={"request_id": "r", "message_id": "m", "accepted": True}
    )
    answer = client.simple_message_get("420777123456", "Hi there", sender="Shop")
    assert dict(route.calls.last.request.url.params) == {
        "apikey": API_KEY, "phone_number": "420777123456", "message": "Hi there", "sender": "Shop"
    }
    assert (answer.request_id, answer.message_id, answer.accepted) == ("r", "m", True)


def test_simple_message_post_is_form_encoded(api, client):
    route = api.post("/simple/message").respond(
        200, json={"request_id": "r", "message_id": "m", "accepted": False}
    )
    answer = client.simple_message_post("420777123456", "Hi")
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["x-api-key"] == API_KEY
    assert parse_qs(request.content.decode()) == {"phone_number": ["420777123456"], "message": ["Hi"]}
    assert answer.accepted is False


@pytest.mark.parametrize(
    ("requests", "problem"),
    [
        ([MessageRequest(body="x", to=[f"42077712{i:04d}" for i in range(11)])], "at most 10 recipients"),
        ([MessageRequest(body="x", to=["420777123456"])] * 11, "at most 10 message requests"),
        ([], "at least one message request"),
        ([MessageRequest(body="x", to=["420777123456"], flow=[])], "must not be empty"),
        ([MessageRequest(body="x", to=["420777123456"], tag="urgent")], "Unknown tag"),
        ([MessageRequest(body="", to=["420777123456"])], "needs a body"),
        ([MessageRequest(body="x", to=[])], "at least one recipient"),
        ([MessageRequest(body="x", to=["+420777123456"])], "digits only"),
        ([MessageRequest(body="x", to=["420777123456"], send_at=datetime(2026, 1, 1))], "timezone-aware"),
    ],
)
def test_what_the_api_would_refuse_is_never_sent(api, client, requests, problem):
    with pytest.raises(ValueError, match=problem):
        client.send_messages(requests)
    assert not api.calls


def test_send_message_refuses_too_many_recipients_without_a_call(api, client):
    with pytest.raises(ValueError, match="at most 10 recipients"):
        client.send_message(MessageRequest(body="x", to=[f"42077712{i:04d}" for i in range(11)]))
    with pytest.raises(ValueError, match="digits only"):
        client.simple_message_get("12ab", "x")
    assert not api.calls


@pytest.mark.parametrize(
    ("status", "body", "error_class", "message_part"),
    [
        (400, {"message": "Field 'to' is required"}, SmsApiError, "Field 'to' is required"),
        (422, {"error": "Invalid flow"}, SmsApiError, "Invalid flow"),
        (401, {"message": "Invalid API key"}, SmsUnauthorized, "SMS Manager refused the API key (401)"),
        (403, "Forbidden", SmsUnauthorized, "(403)"),
        (500, {"message": "boom"}, SmsServerError, "SMS Manager had an internal error (500)"),
        (503, "", SmsServerError, "(503)"),
    ],
)
def test_error_statuses_map_to_sms_errors(api, client, status, body, error_class, message_part):
    response = httpx.Response(status, json=body) if isinstance(body, dict) else httpx.Response(status, text=body)
    api.post("/message").mock(return_value=response)
    with pytest.raises(error_class) as info:
        client.send_message(MessageRequest(body="x", to=["420777123456"]))
    assert info.value.status == status
    assert message_part in info.value.message


def test_429_carries_retry_after(api, client):
    api.post("/messages").respond(429, json={"message": "Too many requests"}, headers={"Retry-After": "7"})
    with pytest.raises(SmsRateLimited) as info:
        client.send_messages([MessageRequest(body="x", to=["420777123456"])])
    assert info.value.retry_after == 7.0
    assert "SMS Manager is limiting the request rate (429); retry in 7 s" in info.value.message


def test_timeout_and_connection_errors(api, client):
    route = api.post("/message")
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(SmsTimeoutError, match="SMS Manager did not answer"):
        client.send_message(MessageRequest(body="x", to=["420777123456"]))
    route.side_effect = httpx.ConnectError("refused")
    with pytest.raises(SmsHostError, match="Could not talk to SMS Manager"):
        client.send_message(MessageRequest(body="x", to=["420777123456"]))


@pytest.mark.parametrize(
    "body",
    [
        {"request_id": "r", "accepted": [{"phone_number": "1"}]},
        {"request_id": "r", "accepted": {"message_id": "m"}},
        ["not", "an", "object"],
    ],
)
def test_an_answer_of_the_wrong_shape_is_a_bad_response(api, client, body):
    api.post("/message").respond(200, json=body)
    with pytest.raises(SmsBadResponse):
        client.send_message(MessageRequest(body="x", to=["420777123456"]))


def test_the_key_never_reaches_a_log_line_or_an_error(api, client, caplog):
    api.post("/message").respond(400, json={"message": f"bad key {API_KEY}"})
    caplog.set_level(logging.DEBUG, logger="justsend_panel.sms")
    with pytest.raises(SmsApiError) as info:
        client.send_message(MessageRequest(body="x", to=["420777123456"]))
    assert API_KEY not in info.value.message and API_KEY not in str(info.value.body)
    assert "smsmanager POST message -> 400" in caplog.text
    assert API_KEY not in caplog.text
    assert API_KEY not in repr(client) and API_KEY not in repr(client.transport)


def test_a_naive_scheduled_time_is_refused_and_an_aware_one_goes_in_utc():
    request = MessageRequest(body="x", to=["1"], send_at=datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    assert request.to_json()["send_at"] == "2026-06-01T12:00:00Z"
