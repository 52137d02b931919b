"""The sandbox's JustCall simulator over HTTP: credentials, the manual's refusals, the
lifecycle on the sandbox clock, the status webhooks, persistence, faults and the log."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from justsend_panel.sandbox.config import SandboxConfig
from justsend_panel.sandbox.server import run_sandbox
from tests.fixtures.sandbox import POSTBACK_DELIVERY_MIX, PostbackReceiver

FROM = "+14155551234"


@pytest.fixture
def receiver() -> Iterator[PostbackReceiver]:
    with PostbackReceiver() as collector:
        yield collector


@pytest.fixture
def jc_sandbox(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, clock="manual", delivery_mix=POSTBACK_DELIVERY_MIX) as running:
        yield running


def _client(sandbox, authorization: str | None = None) -> httpx.Client:
    auth = authorization if authorization is not None else f"{sandbox.justcall_api_key}:{sandbox.justcall_api_secret}"
    return httpx.Client(base_url=sandbox.justcall_url + "/", headers={"Authorization": auth}, timeout=30)


@pytest.fixture
def jc(jc_sandbox) -> Iterator[httpx.Client]:
    with _client(jc_sandbox) as client:
        yield client


def _send(client, **fields):
    return client.post("texts/send", json={"from": FROM, "to": "+48500100200", "body": "Hi", **fields})


def test_the_manual_s_answer(jc, jc_sandbox):
    answer = _send(jc)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"status", "message", "data"}
    assert (body["status"], body["message"]) == ("success", "Message sent")
    data = body["data"]
    assert set(data) == {"message_id", "from", "to", "direction", "status"}
    assert (data["from"], data["to"], data["direction"], data["status"]) == (FROM, "+48500100200", "outbound", "queued")
    assert data["message_id"].startswith("msg_")
    assert jc_sandbox.justcall_statuses() == {data["message_id"]: "queued"}


@pytest.mark.parametrize(
    "authorization",
    ["", "sandbox-justcall-test-key", "sandbox-justcall-test-key:wrong", "wrong:sandbox-justcall-test-secret"],
)
def test_bad_credentials_get_401(jc_sandbox, authorization):
    with _client(jc_sandbox, authorization) as client:
        answer = _send(client)
    assert answer.status_code == 401
    assert jc_sandbox.justcall_statuses() == {}


def test_without_configured_credentials_everything_is_401(tmp_path):
    with run_sandbox(tmp_dir=tmp_path, justcall_api_key=None, justcall_api_secret=None) as sandbox:
        with _client(sandbox, "None:None") as client:
            assert _send(client).status_code == 401


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"from": None}, 400, "Missing from, to, or body"),
        ({"to": ""}, 400, "Missing from, to, or body"),
        ({"body": ""}, 400, "Missing from, to, or body"),
        ({"to": "48500100200"}, 400, "E.164"),
        ({"from": "14155551234"}, 400, "E.164"),
        ({"media_url": "not a url"}, 400, "media_url"),
        ({"webhook_url": "ftp://panel/x"}, 400, "webhook_url"),
        ({"priority": "high"}, 400, "Unknown fields"),
        ({"from": "+48600000000"}, 404, "+48600000000"),
        ({"body": "a" * 1601}, 422, "1601 > 1600"),
        ({"body": "€" * 801}, 422, "1602 > 1600"),
        ({"body": "ż" * 1121}, 422, "1121 > 1120"),
    ],
)
def test_refusals(jc, jc_sandbox, fields, status, text):
    answer = _send(jc, **fields)
    assert answer.status_code == status
    assert text in answer.text
    assert jc_sandbox.justcall_statuses() == {}


def test_a_body_that_is_not_an_object_is_refused(jc):
    assert jc.post("texts/send", json=["x"]).status_code == 400
    assert jc.post("texts/send", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400


def test_the_limits_themselves_are_taken(jc):
    assert _send(jc, body="a" * 1600).status_code == 200
    assert _send(jc, body="ż" * 1120).status_code == 200


def test_the_sms_enabled_numbers_come_from_the_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("JUSTCALL_SANDBOX_NUMBERS", " +48221234567 , +48221234568 ")
    config = SandboxConfig.build(state_path=tmp_path / "s.sqlite3", app_key="k")
    assert config.justcall_numbers == ("+48221234567", "+48221234568")
    with run_sandbox(tmp_dir=tmp_path, justcall_numbers=("+48221234567",)) as sandbox, _client(sandbox) as client:
        assert _send(client).status_code == 404
        assert _send(client, **{"from": "+48221234567"}).status_code == 200


def test_lifecycle_and_webhooks_on_the_sandbox_clock(jc, jc_sandbox, receiver):
    url = receiver.url.replace("/webhooks/justsend/", "/webhooks/justcall/") + "tok-1/"
    ids = [_send(jc, to=f"+4850010020{i}", webhook_url=url).json()["data"]["message_id"] for i in range(10)]
    silent = _send(jc).json()["data"]["message_id"]  # no webhook_url: no webhook
    jc_sandbox.advance(0)
    assert sorted((p, b["message_id"], b["status"]) for p, b in receiver.received) == sorted(
        ("/webhooks/justcall/s3cret/tok-1/", message_id, "queued") for message_id in ids)
    jc_sandbox.advance(jc_sandbox.app.config.start_after)
    assert set(jc_sandbox.justcall_statuses().values()) == {"sent"}
    jc_sandbox.advance(jc_sandbox.app.config.delivery_after)
    statuses = jc_sandbox.justcall_statuses()
    assert set(statuses.values()) <= {"delivered", "undelivered", "failed"}
    bodies = [b for _, b in receiver.received]
    assert len(bodies) == 30
    for body in bodies:
        assert set(body) == {"message_id", "status", "to", "from", "timestamp"}
        assert body["from"] == FROM and body["timestamp"].endswith("Z")
    for message_id in ids:  # each step's webhooks are queued after the previous step's were sent
        assert [b["status"] for b in bodies if b["message_id"] == message_id] == [
            "queued", "sent", statuses[message_id]]
    assert silent not in {b["message_id"] for b in bodies}


def test_the_delivery_mix_gives_every_final_status(jc, jc_sandbox):
    for i in range(40):
        _send(jc, to=f"+485001{i:05d}")
    jc_sandbox.advance(30)
    assert set(jc_sandbox.justcall_statuses().values()) == {"delivered", "undelivered", "failed"}


def test_messages_survive_a_restart(tmp_path):
    state = tmp_path / "state.sqlite3"
    with run_sandbox(tmp_dir=tmp_path, state_path=state) as sandbox, _client(sandbox) as client:
        message_id = _send(client).json()["data"]["message_id"]
    with run_sandbox(tmp_dir=tmp_path, state_path=state) as sandbox:
        assert sandbox.justcall_statuses() == {message_id: "queued"}
        sandbox.reset()
        assert sandbox.justcall_statuses() == {}


def test_faults_apply_to_justcall_too(jc, jc_sandbox):
    jc_sandbox.set_faults(rate_429=1, retry_after=9)
    limited = _send(jc)
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "9")
    jc_sandbox.set_faults(rate_500=1)
    assert _send(jc).status_code == 500
    jc_sandbox.set_faults()
    assert _send(jc).status_code == 200


def test_the_request_log_hides_the_webhook_url_and_the_credentials(jc, jc_sandbox):
    _send(jc, webhook_url="https://panel.example/webhooks/justcall/the-secret/tok/")
    [entry] = jc_sandbox.requests("/justcall/v2")
    assert entry["json"]["webhook_url"] == "<callback URL>"
    assert entry["appKey"] == "valid"
    assert "the-secret" not in repr(entry) and jc_sandbox.justcall_api_secret not in repr(entry)


def test_the_real_clock_moves_messages_and_sends_webhooks(tmp_path, receiver):
    url = receiver.url.replace("/webhooks/justsend/", "/webhooks/justcall/") + "t/"
    with run_sandbox(tmp_dir=tmp_path, clock="real", start_after=0.1, delivery_after=0.1, tick_seconds=0.05) as sandbox:
        with _client(sandbox) as client:
            message_id = _send(client, webhook_url=url).json()["data"]["message_id"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(receiver.received) < 3:
            time.sleep(0.05)
    assert [b["status"] for _, b in receiver.received][:2] == ["queued", "sent"]
    assert receiver.received[2][1]["message_id"] == message_id
