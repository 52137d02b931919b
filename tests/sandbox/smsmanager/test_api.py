"""SMS Manager's simulator over HTTP: key, strictness, rejected numbers, lifecycle,
callbacks with the payload, persistence, faults and the request log."""

from __future__ import annotations

import httpx
import pytest

from justsend_panel.sandbox.server import run_sandbox
from justsend_panel.sms.smsmanager import vocabulary

from .conftest import BAD, GOOD, callbacks


def _request(numbers=GOOD[:2], **fields):
    return {"body": "Hello", "to": [{"phone_number": n} for n in numbers], **fields}


# --- the key -------------------------------------------------------------------------------


def test_401_without_or_with_a_wrong_key_and_the_justsend_key_is_not_smsmanagers(smsm_sandbox):
    url = smsm_sandbox.smsmanager_url + "/message"
    assert httpx.post(url, json=_request()).status_code == 401
    assert httpx.post(url, json=_request(), headers={"x-api-key": "wrong"}).status_code == 401
    assert httpx.post(url, json=_request(), headers={"x-api-key": smsm_sandbox.app_key}).status_code == 401
    assert httpx.post(url, json=_request(), headers={"App-Key": smsm_sandbox.app_key}).status_code == 401
    assert httpx.post(url, json=_request(), headers={"x-api-key": smsm_sandbox.smsmanager_api_key}).status_code == 200
    justsend = httpx.get(smsm_sandbox.api_url + "/pricing/config", headers={"App-Key": smsm_sandbox.smsmanager_api_key})
    assert justsend.status_code == 401


def test_without_a_configured_key_everything_is_401(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, smsmanager_api_key=None) as sandbox:
        response = httpx.post(sandbox.smsmanager_url + "/message", json=_request(), headers={"x-api-key": "anything"})
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid or missing API key"


def test_simple_get_takes_the_key_in_the_query_and_the_log_masks_it(smsm_sandbox):
    key = smsm_sandbox.smsmanager_api_key
    url = smsm_sandbox.smsmanager_url + "/simple/message"
    answer = httpx.get(url, params={"apikey": key, "phone_number": GOOD[0], "message": "Hi", "sender": "Shop"}).json()
    assert answer["accepted"] is True and answer["message_id"] and answer["request_id"]
    invalid = httpx.get(url, params={"apikey": key, "phone_number": BAD[0], "message": "Hi"}).json()
    assert (invalid["accepted"], invalid["message_id"]) == (False, None)
    assert httpx.get(url, params={"apikey": "wrong", "phone_number": GOOD[0], "message": "Hi"}).status_code == 401
    logged = smsm_sandbox.requests(path="/smsmanager/v2/simple/message")
    assert [entry["appKey"] for entry in logged] == ["valid", "valid", "invalid"]
    assert key not in str(logged)


def test_simple_post_is_a_form(smsm, smsm_sandbox):
    answer = smsm.post("simple/message", data={"phone_number": GOOD[0], "message": "Hi"})
    assert answer.status_code == 200 and answer.json()["accepted"] is True
    assert smsm.post("simple/message", json={"phone_number": GOOD[0], "message": "Hi"}).status_code == 400


# --- strict as the manual ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"to": [{"phone_number": GOOD[0]}]}, "body is required"),
        ({"body": "x"}, "to must be a non-empty list"),
        ({"body": "x", "to": []}, "to must be a non-empty list"),
        (_request([f"4850010{i:04d}" for i in range(11)]), "at most 10 recipients"),
        (_request(["+48500100200"]), "string of digits"),
        (_request(["48 500 100 200"]), "string of digits"),
        (_request([48500100200]), "string of digits"),
        (_request(flow=[]), "must not be empty"),
        (_request(flow=["sms", "fax"]), "distinct channels"),
        (_request(flow=["sms", "sms"]), "distinct channels"),
        (_request(tag="urgent"), "tag must be one of"),
        (_request(send_at="tomorrow"), "send_at must be an ISO 8601"),
        (_request(send_at="2026-12-03T09:00:00"), "send_at must be an ISO 8601"),
        (_request(callback="ftp://x/"), "callback must be an http(s) URL"),
        (_request(payload=["refs"]), "payload must be a JSON object"),
        (_request(variant="ECO"), "unknown fields"),
        ([_request()], "must be a JSON object"),
    ],
)
def test_a_request_the_manual_forbids_is_refused(smsm, body, reason):
    response = smsm.post("message", json=body)
    assert response.status_code == 400, response.text
    assert reason in response.json()["message"]


def test_messages_takes_1_to_10_requests(smsm):
    assert smsm.post("messages", json=[]).status_code == 400
    eleven = smsm.post("messages", json=[_request()] * 11)
    assert eleven.status_code == 400 and "At most 10" in eleven.json()["message"]
    assert smsm.post("messages", json=_request()).status_code == 400
    bad_second = smsm.post("messages", json=[_request(), _request(flow=[])])
    assert bad_second.status_code == 400 and "requests[1].flow" in bad_second.json()["message"]
    assert smsm.post("messages", json=[_request()] * 10).status_code == 200


def test_the_simulator_agrees_with_the_vocabulary():
    from justsend_panel.sandbox.smsmanager import api

    assert api.CHANNELS == {c.value for c in vocabulary.Channel}
    assert api.TAGS == {t.value for t in vocabulary.Tag}
    assert (api.MAX_RECIPIENTS_PER_REQUEST, api.MAX_REQUESTS_PER_CALL) == (
        vocabulary.MAX_RECIPIENTS_PER_REQUEST, vocabulary.MAX_REQUESTS_PER_CALL)


def test_invalid_numbers_are_answered_in_rejected(smsm):
    answer = smsm.post("messages", json=[_request([GOOD[0], BAD[0], GOOD[1]]), _request(BAD[1:]), _request(GOOD[2:])]).json()
    assert [(a["request_index"], a["to"]) for a in answer["accepted"]] == [(0, [GOOD[0], GOOD[1]]), (2, [GOOD[2]])]
    assert [(r["phone_number"], r["request_index"], r["recipient_index"]) for r in answer["rejected"]] == [
        (BAD[0], 0, 1), (BAD[1], 1, 0), (BAD[2], 1, 1)]
    assert {r["reason"] for r in answer["rejected"]} == {"Invalid phone number"}


# --- lifecycle and callbacks ------------------------------------------------------------------


def test_messages_go_queued_sent_final_and_each_status_is_posted_with_the_payload(smsm, smsm_sandbox, receiver, callback_url):
    payload = {"refs": ["a", "b", "c"]}
    answer = smsm.post("messages", json=[
        _request(GOOD, callback=callback_url, payload=payload), _request(GOOD[:1], body="Other")]).json()
    message_id = answer["accepted"][0]["message_id"]
    ids = [f"{message_id}-{i}" for i in range(3)]
    first = smsm_sandbox.advance(0)
    assert first["smsmanagerCallbacksSent"] == 3
    statuses = smsm_sandbox._control("GET", "smsmanager/messages")["statuses"]
    assert [statuses[i] for i in ids] == ["queued"] * 3
    smsm_sandbox.advance(1)
    assert {smsm_sandbox.app.smsmanager.statuses()[i] for i in ids} == {"sent"}
    result = smsm_sandbox.advance(5)
    assert (result["smsmanagerCallbacksPending"], result["postbacksSent"]) == (0, 0)
    finals = smsm_sandbox.app.smsmanager.statuses()
    assert all(finals[i] in ("delivered", "undelivered", "expired") for i in ids)
    bodies = callbacks(receiver)
    assert len(bodies) == 9  # three statuses of three recipients; the second request had no callback
    for body in bodies:
        assert body["payload"] == payload and body["request_id"] == answer["request_id"]
        assert body["message_id"] == f"{message_id}-{body['recipient_index']}"
        assert body["phone_number"] == GOOD[body["recipient_index"]]
        assert body["timestamp"].endswith("Z")
    by_recipient = {}
    for body in bodies:
        by_recipient.setdefault(body["message_id"], []).append(body["status"])
    assert {k: v[:2] for k, v in by_recipient.items()} == {i: ["queued", "sent"] for i in ids}
    assert all(by_recipient[i][2] == finals[i] for i in ids)
    assert all((b["error"] is not None) == (b["status"] in ("undelivered", "expired")) for b in bodies)


def test_the_delivery_mix_gives_undelivered_too(smsm, smsm_sandbox):
    numbers = [f"4850010{i:04d}" for i in range(10)]
    for _ in range(3):
        smsm.post("message", json=_request(numbers))
    smsm_sandbox.advance(10)
    assert set(smsm_sandbox.app.smsmanager.statuses().values()) >= {"delivered", "undelivered"}


def test_a_scheduled_message_waits_for_send_at(smsm, smsm_sandbox):
    now = smsm_sandbox.app.clock.now()
    from datetime import UTC, datetime

    send_at = datetime.fromtimestamp(now + 3600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    smsm.post("message", json=_request(send_at=send_at))
    smsm_sandbox.advance(600)
    assert set(smsm_sandbox.app.smsmanager.statuses().values()) == {"queued"}
    smsm_sandbox.advance(3600)
    assert "queued" not in set(smsm_sandbox.app.smsmanager.statuses().values())


def test_a_failed_callback_is_retried(smsm, smsm_sandbox, receiver, callback_url):
    receiver.fail_next = 1
    smsm.post("message", json=_request(GOOD[:1], callback=callback_url))
    first = smsm_sandbox.advance(0)
    assert (first["smsmanagerCallbacksSent"], first["smsmanagerCallbacksPending"]) == (0, 1)
    smsm_sandbox.advance(1.5)  # the retry (back-off 1 s) and the "sent" notification
    # posted by several connections at once, as the sandbox's postbacks are: any order
    assert sorted(b["status"] for b in callbacks(receiver)) == ["queued", "sent"]


def test_messages_survive_a_restart_and_reset_wipes_them(tmp_path):
    state = tmp_path / "state.sqlite3"
    with run_sandbox(tmp_dir=tmp_path, state_path=state) as sandbox:
        headers = {"x-api-key": sandbox.smsmanager_api_key}
        httpx.post(sandbox.smsmanager_url + "/message", json=_request(), headers=headers).raise_for_status()
        before = sandbox.app.smsmanager.statuses()
    with run_sandbox(tmp_dir=tmp_path, state_path=state) as sandbox:
        assert sandbox.app.smsmanager.statuses() == before and len(before) == 2
        sandbox.advance(10)
        assert set(sandbox.app.smsmanager.statuses().values()) <= {"delivered", "undelivered", "expired"}
        sandbox.reset()
        assert sandbox.app.smsmanager.statuses() == {}


# --- faults and the request log ---------------------------------------------------------------


def test_fault_switches_apply(smsm, smsm_sandbox):
    smsm_sandbox.set_faults(rate_429=1, retry_after=9)
    limited = smsm.post("message", json=_request())
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "9")
    smsm_sandbox.set_faults(rate_500=1)
    assert smsm.post("message", json=_request()).status_code == 500
    smsm_sandbox.set_faults()
    assert smsm.post("message", json=_request()).status_code == 200


def test_the_request_log_keeps_the_body_without_the_callback_url(smsm, smsm_sandbox, callback_url):
    smsm.post("message", json=_request(callback=callback_url, payload={"refs": ["x", "y"]}))
    (entry,) = smsm_sandbox.requests(path="/smsmanager/v2/message")
    assert (entry["method"], entry["status"], entry["appKey"]) == ("POST", 200, "valid")
    assert entry["json"]["callback"] == "<callback URL>"
    assert entry["json"]["payload"] == {"refs": ["x", "y"]}
    assert "s3cret" not in str(smsm_sandbox.requests())


def test_an_unknown_path_or_method(smsm):
    assert smsm.get("message").status_code == 405
    assert smsm.post("nothing").status_code == 404


def test_a_reply_needs_a_known_message_and_a_text(smsm, smsm_sandbox):
    control = smsm_sandbox.control_url + "/smsmanager/reply"
    headers = {"App-Key": smsm_sandbox.app_key}
    assert httpx.post(control, json={"message_id": "nope", "text": "STOP"}, headers=headers).status_code == 400
    message_id = smsm.post("message", json=_request(GOOD[:1])).json()["accepted"][0]["message_id"] + "-0"
    assert httpx.post(control, json={"message_id": message_id}, headers=headers).status_code == 400
    no_callback = httpx.post(control, json={"message_id": message_id, "text": "STOP"}, headers=headers)
    assert (no_callback.status_code, no_callback.json()["queued"]) == (201, 0)


def test_on_the_real_clock_messages_move_and_callbacks_go_by_themselves(tmp_path, receiver, callback_url):
    import time

    with run_sandbox(tmp_dir=tmp_path, clock="real", start_after=0.1, delivery_after=0.1, tick_seconds=0.05) as sandbox:
        headers = {"x-api-key": sandbox.smsmanager_api_key}
        httpx.post(sandbox.smsmanager_url + "/message", json=_request(callback=callback_url), headers=headers).raise_for_status()
        deadline = time.monotonic() + 15  # a bound for a loaded machine, not a speed claim
        while time.monotonic() < deadline and len(callbacks(receiver)) < 6:
            time.sleep(0.05)
        statuses = sandbox.app.smsmanager.statuses()
    assert len(callbacks(receiver)) == 6
    assert set(statuses.values()) <= {"delivered", "undelivered", "expired"}


def test_a_requests_messages_are_found_by_index_not_by_scanning_every_message(smsm_sandbox):
    # The queued notifications of each accepted request select its messages by request_row:
    # without an index that is a scan of every message per request (quadratic at 100,000).
    with smsm_sandbox.app.store.write() as conn:
        plan = " ".join(row[-1] for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT m.id FROM smsm_messages m JOIN smsm_requests q ON q.id = m.request_row"
            " WHERE m.request_row = ?", (1,)))
    assert "smsm_messages_request" in plan, plan
