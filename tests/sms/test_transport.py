"""Headers, decoding of answers, error mapping, logging and secrecy of the App-Key."""

import logging
import pickle
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from justsend_panel.sms import TRANSIENT_ERRORS, __version__
from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsBadResponse,
    SmsConflict,
    SmsError,
    SmsHostError,
    SmsNotFound,
    SmsRateLimited,
    SmsServerError,
    SmsTimeoutError,
    SmsUnauthorized,
)
from justsend_panel.sms.justsend import JustsendClient
from justsend_panel.sms.justsend.transport import parse_retry_after

from .conftest import APP_KEY, BASE_URL


def test_every_request_carries_app_key_user_agent_and_json_accept(api, client):
    route = api.get("/pricing/config").respond(json=["ECO"])

    client.get_pricing_config()

    request = route.calls.last.request
    assert request.url == f"{BASE_URL}/pricing/config"
    assert request.headers["App-Key"] == APP_KEY
    assert request.headers["User-Agent"] == f"JustsendPanel/{__version__}"
    assert __version__ == "0.1.0"
    assert "application/json" in request.headers["Accept"]


def test_user_agent_can_be_overridden(api):
    route = api.get("/pricing/config").respond(json=[])
    with JustsendClient(BASE_URL, APP_KEY, user_agent="Custom/2.0") as client:
        client.get_pricing_config()
    assert route.calls.last.request.headers["User-Agent"] == "Custom/2.0"


def test_injected_transport_is_used_and_base_url_trailing_slash_is_harmless():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": 7, "accountBalance": 1})

    with JustsendClient(BASE_URL + "/", APP_KEY, transport=httpx.MockTransport(handler)) as client:
        summary = client.get_account_summary()

    assert summary.id == "7"
    assert str(seen[0].url) == f"{BASE_URL}/payment/account/summary"


def test_default_timeouts_are_explicit_and_a_float_is_accepted():
    with JustsendClient(BASE_URL, APP_KEY) as client:
        timeout = client._http.timeout
        assert (timeout.connect, timeout.read) == (10.0, 30.0)
    with JustsendClient(BASE_URL, APP_KEY, timeout=3.5) as client:
        assert client._http.timeout.read == 3.5


def test_context_manager_closes_the_http_client():
    with JustsendClient(BASE_URL, APP_KEY) as client:
        pass
    assert client._http.is_closed


def test_app_key_is_required():
    with pytest.raises(ValueError):
        JustsendClient(BASE_URL, "")


def test_repr_of_client_hides_the_app_key():
    client = JustsendClient(BASE_URL, APP_KEY)
    try:
        assert APP_KEY not in repr(client)
        assert BASE_URL in repr(client)
    finally:
        client.close()


# --- answers that are not JSON objects ----------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(200, text="Bulk process cancelled successfully"), "Bulk process cancelled successfully"),
        (httpx.Response(200, json="Bulk process cancelled successfully"), "Bulk process cancelled successfully"),
        (
            httpx.Response(200, text="PROCESS_STARTED", headers={"Content-Type": "application/json"}),
            "PROCESS_STARTED",
        ),
        (httpx.Response(204), None),
        (httpx.Response(200, content=b"  \n"), None),
    ],
    ids=["bare-text", "quoted-json-string", "unquoted-string-labelled-json", "204-empty", "200-blank"],
)
def test_cancel_accepts_bare_quoted_and_empty_answers(api, client, response, expected):
    api.delete("/sender/bulk/abc").mock(return_value=response)
    assert client.cancel_bulk(uuid="abc").message == expected


def test_malformed_json_is_a_bad_response(api, client):
    api.get("/payment/account/summary").respond(200, text='{"id": 1, "accountBalance": ')
    with pytest.raises(SmsBadResponse) as info:
        client.get_account_summary()
    assert info.value.status == 200
    assert "malformed JSON" in info.value.message


def test_json_of_the_wrong_shape_is_a_bad_response(api, client):
    api.get("/payment/account/summary").respond(200, text="Service temporarily degraded")
    with pytest.raises(SmsBadResponse, match="not a JSON object"):
        client.get_account_summary()


def test_a_page_without_content_is_a_bad_response(api, client):
    api.get("/blacklist/get").respond(json={"totalPages": 1})
    with pytest.raises(SmsBadResponse, match="content"):
        client.list_blacklist()


def test_an_unexpected_redirect_is_a_bad_response(api, client):
    api.get("/pricing/config").respond(302, headers={"Location": "https://elsewhere.test/"})
    with pytest.raises(SmsBadResponse, match="redirect"):
        client.get_pricing_config()


# --- error statuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error_class", "message_part"),
    [
        (400, {"message": "Invalid input data"}, SmsApiError, "Invalid input data"),
        (400, "Invalid input data", SmsApiError, "Invalid input data"),
        (401, "Access denied", SmsUnauthorized, "Access denied"),
        (403, {"error": "Forbidden"}, SmsUnauthorized, "Forbidden"),
        (404, "Bulk not found", SmsNotFound, "Bulk not found"),
        (409, "Bulk cannot be cancelled", SmsConflict, "Bulk cannot be cancelled"),
        (422, {"detail": "Unprocessable"}, SmsApiError, "Unprocessable"),
        (500, {"message": "NullPointerException"}, SmsServerError, "internal error (500)"),
        (503, "", SmsServerError, "internal error (503)"),
    ],
)
def test_statuses_map_to_error_classes(api, client, status, body, error_class, message_part):
    response = (
        httpx.Response(status, json=body) if isinstance(body, dict) else httpx.Response(status, text=body)
    )
    api.delete("/sender/bulk/b-1").mock(return_value=response)

    with pytest.raises(error_class) as info:
        client.cancel_bulk(uuid="b-1")

    error = info.value
    assert error.status == status
    assert message_part in error.message
    assert error.body == (body or None)


def test_400_message_is_the_providers_own_words(api, client):
    api.post("/sender/singlemessage/send").respond(400, text='"Invalid input data"', headers={"Content-Type": "application/json"})
    with pytest.raises(SmsApiError) as info:
        client.send_single_message(msisdn="48123123123", content="hi")
    assert info.value.message == "Invalid input data"
    assert str(info.value) == "Invalid input data"


def test_400_with_malformed_json_body_still_maps_to_api_error(api, client):
    api.get("/groups/single").respond(400, text="{broken")
    with pytest.raises(SmsApiError) as info:
        client.get_group(group_id=1)
    assert info.value.body == "{broken"


def test_429_with_retry_after_seconds(api, client):
    api.get("/pricing/config").respond(429, text="slow down", headers={"Retry-After": "17"})
    with pytest.raises(SmsRateLimited) as info:
        client.get_pricing_config()
    assert info.value.retry_after == 17.0
    assert info.value.status == 429
    assert "17 s" in info.value.message


def test_429_with_retry_after_http_date(api, client):
    when = datetime.now(UTC) + timedelta(seconds=120)
    api.get("/pricing/config").respond(429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    with pytest.raises(SmsRateLimited) as info:
        client.get_pricing_config()
    assert 110 <= info.value.retry_after <= 121


def test_429_without_retry_after(api, client):
    api.get("/pricing/config").respond(429)
    with pytest.raises(SmsRateLimited) as info:
        client.get_pricing_config()
    assert info.value.retry_after is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [("0", 0.0), ("2.5", 2.5), ("-3", 0.0), ("soon", None), ("", None), (None, None)],
)
def test_parse_retry_after_forms(header, expected):
    assert parse_retry_after(header) == expected


def test_parse_retry_after_date_in_the_past_is_zero():
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("Sun, 01 Mar 2026 11:59:00 GMT", now=now) == 0.0
    assert parse_retry_after("Sun, 01 Mar 2026 12:00:30 GMT", now=now) == 30.0


def test_timeout_maps_to_sms_timeout_error(api, client):
    api.get("/pricing/config").mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(SmsTimeoutError) as info:
        client.get_pricing_config()
    assert info.value.status is None
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


def test_connect_timeout_is_a_timeout_not_a_host_error(api, client):
    api.get("/pricing/config").mock(side_effect=httpx.ConnectTimeout("connect timed out"))
    with pytest.raises(SmsTimeoutError):
        client.get_pricing_config()


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.RemoteProtocolError("reset")])
def test_connection_failures_map_to_host_error(api, client, exc):
    api.get("/pricing/config").mock(side_effect=exc)
    with pytest.raises(SmsHostError) as info:
        client.get_pricing_config()
    assert "GET /pricing/config" in info.value.message


def test_transient_errors_are_the_retryable_ones():
    assert TRANSIENT_ERRORS == (SmsHostError, SmsTimeoutError, SmsRateLimited, SmsServerError)
    assert not issubclass(SmsApiError, TRANSIENT_ERRORS)
    assert all(issubclass(cls, SmsError) for cls in TRANSIENT_ERRORS)


def test_errors_survive_pickling_for_celery():
    error = SmsRateLimited("wait", body={"x": 1}, retry_after=3.0)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.message, copy.status, copy.body, copy.retry_after) == (
        SmsRateLimited,
        "wait",
        429,
        {"x": 1},
        3.0,
    )


# --- the App-Key never leaks --------------------------------------------------


def test_app_key_echoed_in_an_error_body_is_masked(api, client):
    api.get("/pricing/config").respond(401, json={"message": f"Unknown App-Key {APP_KEY}"})
    with pytest.raises(SmsUnauthorized) as info:
        client.get_pricing_config()
    error = info.value
    for text in (error.message, str(error), repr(error), repr(error.body)):
        assert APP_KEY not in text
    assert "***" in error.message


def test_calls_are_logged_with_method_path_status_and_duration(api, client, caplog):
    api.get("/groups/single").respond(json={"id": 2})
    with caplog.at_level(logging.INFO, logger="justsend_panel.sms"):
        client.get_group(group_id=2)
    [record] = [r for r in caplog.records if r.name == "justsend_panel.sms"]
    assert record.http_method == "GET"
    assert record.http_path == "/groups/single"
    assert record.http_status == 200
    assert record.duration_ms >= 0
    assert "GET /groups/single -> 200 in" in record.getMessage()


def test_app_key_never_appears_in_any_log_line(api, client, caplog):
    api.get("/pricing/config").respond(json=["ECO"])
    api.get("/groups/single").respond(403, text=f"key {APP_KEY} lacks permission")
    api.delete("/sender/bulk/x").mock(side_effect=httpx.ConnectError(f"refused {APP_KEY}"))
    with caplog.at_level(logging.DEBUG):  # every logger, httpx and httpcore included
        client.get_pricing_config()
        with pytest.raises(SmsUnauthorized):
            client.get_group(group_id=1)
        with pytest.raises(SmsHostError) as info:
            client.cancel_bulk(uuid="x")
    assert caplog.records, "the calls must be logged"
    assert APP_KEY not in caplog.text
    assert all(APP_KEY not in record.getMessage() for record in caplog.records)
    assert APP_KEY not in info.value.message
    assert any(r.levelno == logging.WARNING and "ConnectError" in r.getMessage() for r in caplog.records)
