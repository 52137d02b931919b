"""The SMS.by simulator over raw HTTP: the token only where the manual puts it, the
manual's refusals, state kept across a restart, reset."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from justsend_panel.sandbox.server import run_sandbox
from justsend_panel.sandbox.smsby.simulator import UNREACHABLE_BY_SMS

PHONE = "375291111111"


@pytest.fixture
def sandbox(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual") as running:
        yield running


@pytest.fixture
def http(sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.smsby_url + "/", timeout=30) as client:
        yield client


def _mailing(**fields) -> dict:
    return {"alphaname_id": "1", "name": "m", "message_type": "bulk", "text": "Hi", "delivery_list": [PHONE],
            **fields}


def _bulk(http, sandbox, *mailings, **body):
    return http.post("sendBulkSms", json={"token": sandbox.smsby_token, "callback_url": "",
                                          "messages": list(mailings) or [_mailing()], **body})


def test_the_token_is_taken_only_where_the_manual_puts_it(sandbox, http):
    token = sandbox.smsby_token
    assert _bulk(http, sandbox).status_code == 200
    # sendBulkSms: in the JSON body, not the query
    assert http.post("sendBulkSms", params={"token": token},
                     json={"callback_url": "", "messages": [_mailing()]}).status_code == 401
    # a query endpoint: not in a header, not in a form
    assert http.get("getMessagesList", headers={"Authorization": token}).status_code == 401
    assert http.get("getMessagesList", params={"token": token}).status_code == 200
    # formData endpoints: in the form, not the query
    form = {"name": "L", "message": "m", "d_schedule": "2026-12-03 12:00", "list_id": "1", "alphaname_id": "1"}
    assert http.post("sendSmsList", params={"token": token}, data=form).status_code == 401
    assert http.post("sendSmsList", data={"token": token, **form}).status_code == 200
    wrong = http.get("getMessagesList", params={"token": "wrong"})
    assert wrong.status_code == 401 and wrong.json()["message"] == "Invalid or missing token"


@pytest.mark.parametrize(("mailing", "body", "message"), [
    (_mailing(colour="red"), {}, "unknown fields"),
    (_mailing(message_type="personal"), {}, "personal mailing takes its texts"),
    ({**_mailing(), "text": ""}, {}, "text is required"),
    (_mailing(message_type="sms"), {}, "personal or bulk"),
    (_mailing(delivery_list=["+375291111111"]), {}, "digits"),
    (_mailing(delivery_list=[]), {}, "non-empty"),
    (_mailing(alphaname_id="abc"), {}, "alphaname_id"),
    (_mailing(name=""), {}, "name is required"),
    (_mailing(schedule_time="2024-12-31 23:59"), {}, "schedule_time"),
    (_mailing(), {"callback_url": None}, "callback_url is required"),
    (_mailing(), {"callback_url": "ftp://x"}, "http(s)"),
])
def test_send_bulk_sms_refusals(sandbox, http, mailing, body, message):
    response = _bulk(http, sandbox, mailing, **body)
    assert response.status_code == 400 and message in response.json()["message"]


def test_a_personal_mailing_and_a_scheduled_one(sandbox, http):
    personal = _mailing(message_type="personal", delivery_list=[{"phone": PHONE, "text": "Hi Ann"}])
    personal.pop("text")
    response = _bulk(http, sandbox, personal, _mailing(name="later", schedule_time="2099-12-31T23:59:59"))
    assert response.status_code == 200 and response.json()["success"] == "OK"
    sandbox.advance(10)
    status = http.post("statusBulkSms", params={"token": sandbox.smsby_token, "uuid": response.json()["uuid"]}).json()
    assert status[0]["success"][0]["status"] != "NEW"  # due now: moved on
    assert status[1]["success"][0]["status"] == "NEW"  # scheduled in 2099: still waiting


def test_an_invalid_number_is_rejected_not_sent(sandbox, http):
    response = _bulk(http, sandbox, _mailing(delivery_list=[PHONE, "0123"]))
    status = http.post("statusBulkSms", params={"token": sandbox.smsby_token, "uuid": response.json()["uuid"]}).json()
    assert [d["status"] for d in status[0]["success"]] == ["NEW", "REJECTED"]


@pytest.mark.parametrize(("query", "form", "message"), [
    ({}, {}, "alphaname_id is required"),
    ({"alphaname_id": "1", "show_cost": "2"}, {}, "show_cost"),
    ({"alphaname_id": "1"}, {"forwarding_message": "1"}, "vibername_id is required"),
    ({"alphaname_id": "1"}, {"forwarding_message": "1", "forwarding_time": "4", "vibername_id": "1"}, "5 to 60"),
    ({"alphaname_id": "1"}, {"forwarding_time": "10"}, "only with forwarding_message=1"),
])
def test_send_quick_sms_refusals(sandbox, http, query, form, message):
    response = http.post("sendQuickSMS", params={"token": sandbox.smsby_token, "message": "x", "phone": PHONE, **query},
                         data=form or None)
    assert response.status_code == 400 and message in response.json()["message"]


def test_forwarding_defaults_to_60_minutes(sandbox, http):
    sent = http.post("sendQuickSMS", params={"token": sandbox.smsby_token, "message": "x", "phone": PHONE,
                                             "alphaname_id": "1"},
                     data={"forwarding_message": "1", "vibername_id": "4"}).json()
    row = sandbox.app.smsby.sms(sent["sms_id"])
    assert (row["forwarding_time"], row["vibername_id"]) == (60, 4)


def test_sms_never_reaches_the_unreachable_number_so_forwarding_goes_by_viber(sandbox, http):
    """Whatever the delivery mix says (it delivers most): a test can count on one forwarding."""
    def quick(text, **form):
        return http.post("sendQuickSMS", params={"token": sandbox.smsby_token, "message": text,
                                                 "phone": UNREACHABLE_BY_SMS, "alphaname_id": "1"},
                         data=form or None).json()["sms_id"]

    plain = [quick(f"plain {i}") for i in range(5)]
    forwarded = [quick(f"forwarded {i}", forwarding_message="1", forwarding_time="5", vibername_id="4")
                 for i in range(5)]
    sandbox.advance(10)
    statuses = sandbox.smsby_messages()
    assert {statuses[str(i)]["status"] for i in plain} == {"undelivered"}
    assert {statuses[str(i)]["status"] for i in forwarded} == {"sent"}
    sandbox.advance(5 * 60)
    statuses = sandbox.smsby_messages()
    assert {(statuses[str(i)]["status"], statuses[str(i)]["channel"]) for i in forwarded} == {("delivered", "viber")}


@pytest.mark.parametrize("code", ["12345678901234567", "12a", "+123"])
def test_verification_code_refusals(sandbox, http, code):
    response = http.post("sendOtpWhatsApp", params={"token": sandbox.smsby_token, "message": code, "phone": PHONE})
    assert response.status_code == 400


def test_paging_needs_limit_rows_with_limit_offset(sandbox, http):
    response = http.get("getMessagesList", params={"token": sandbox.smsby_token, "limit_offset": "5"})
    assert response.status_code == 400 and "limit_rows" in response.json()["message"]


def test_unknown_ids_are_refused(sandbox, http):
    token = sandbox.smsby_token
    assert http.get("checkSMS", params={"token": token, "sms_id": "9"}).status_code == 400
    assert http.get("getSmsDeliveryList", params={"token": token, "message_id": "9"}).status_code == 400
    assert http.post("confirmSendMessageByList", data={"token": token, "message_id": "9", "confirm": "0"}).status_code == 400
    form = {"token": token, "name": "L", "message": "m", "d_schedule": "2026-12-03 12:00", "list_id": "7",
            "alphaname_id": "1"}
    assert http.post("sendSmsList", data=form).json()["message"] == "Unknown list_id"


def test_state_survives_a_restart_and_reset_clears_it(tmp_path):
    state = tmp_path / "state.sqlite3"
    with run_sandbox(tmp_dir=tmp_path, clock="manual", state_path=state) as first:
        with httpx.Client(base_url=first.smsby_url + "/") as http:
            uuid = _bulk(http, first).json()["uuid"]
    with run_sandbox(tmp_dir=tmp_path, clock="manual", state_path=state) as second:
        with httpx.Client(base_url=second.smsby_url + "/") as http:
            assert http.post("statusBulkSms", params={"token": second.smsby_token, "uuid": uuid}).status_code == 200
            second.reset()
            assert http.post("statusBulkSms", params={"token": second.smsby_token, "uuid": uuid}).status_code == 400
            assert second.app.smsby.balance() == Decimal("1000.00")


def test_without_a_token_configured_every_request_is_refused(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual", smsby_token=None) as running:
        response = httpx.get(running.smsby_url + "/getMessagesList", params={"token": "anything"})
        assert response.status_code == 401
