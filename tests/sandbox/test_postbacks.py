import time
from collections import Counter

from justsend_panel.sandbox.server import run_sandbox

from .conftest import bulk_body, numbers

SEND_FIELDS = {"id", "sender", "msisdn", "operator", "deliveryTime", "uuid"}
DELIVERY_FIELDS = SEND_FIELDS | {"deliveryStatus", "ackId"}
INCOMING_FIELDS = {"id", "sender", "msisdn", "operator", "deliveryTime", "prefix", "groupId", "groupName",
                   "idMsgContent", "message", "uuid"}


def test_bulk_postbacks_have_the_manual_fields_and_the_status_mix(sandbox_with_postbacks, receiver):
    sandbox = sandbox_with_postbacks
    with sandbox.client() as api:
        bulk_id = api.post("sender/bulk/send", json=bulk_body(
            bulkVariant="PRO", sender="ACME", recipients=[{"msisdn": n} for n in numbers(40)])).json()["id"]
        assert sandbox.advance(1)["postbacksSent"] == 0  # started, nothing sent yet
        assert receiver.received == []
        result = sandbox.advance(10)
        bulk = api.get(f"overview/bulks/{bulk_id}").json()
    assert (result["postbacksSent"], result["postbacksPending"]) == (80, 0)
    sent, delivered = receiver.of_kind("send-status"), receiver.of_kind("delivery-status")
    assert len(sent) == len(delivered) == 40
    assert all(set(p) == SEND_FIELDS for p in sent)
    assert all(set(p) == DELIVERY_FIELDS for p in delivered)
    assert {p["msisdn"] for p in delivered} == set(numbers(40))
    assert {(p["uuid"], p["sender"]) for p in sent + delivered} == {(bulk_id, "ACME")}
    assert {p["id"] for p in sent} == {p["id"] for p in delivered}
    assert all(p["operator"].startswith("POLAND_") and isinstance(p["deliveryTime"], int) for p in delivered)
    by_id = {p["id"]: p for p in sent}
    assert all(p["deliveryTime"] > by_id[p["id"]]["deliveryTime"] for p in delivered)
    statuses = Counter(p["deliveryStatus"] for p in delivered)
    assert statuses == Counter({"MESSAGE_DELIVERED": bulk["deliveredCount"], "MESSAGE_UNDELIVERED": bulk["undeliveredCount"],
                                "MESSAGE_EXPIRED": bulk["expiredCount"]}) - Counter()
    assert len(statuses) >= 2 and statuses["MESSAGE_DELIVERED"] > statuses["MESSAGE_EXPIRED"]


def test_statuses_are_deterministic_for_a_seed(tmp_path, receiver):
    outcomes = []
    for run in ("a", "b"):
        with run_sandbox(tmp_dir=tmp_path / run, seed=7) as sandbox, sandbox.client() as api:
            bulk_id = api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": n} for n in numbers(30)])).json()["id"]
            sandbox.advance(10)
            bulk = api.get(f"overview/bulks/{bulk_id}").json()
            outcomes.append((bulk["deliveredCount"], bulk["undeliveredCount"], bulk["expiredCount"]))
    assert outcomes[0] == outcomes[1]
    assert sum(outcomes[0]) == 30


def test_single_message_postbacks_carry_its_id(sandbox_with_postbacks, receiver):
    with sandbox_with_postbacks.client() as api:
        message = api.post("sender/singlemessage/send", json={
            "sender": "ACME", "msisdn": "48123123123", "bulkVariant": "PRO", "content": "Hi"}).json()
    sandbox_with_postbacks.advance(10)
    (sent,), (delivered,) = receiver.of_kind("send-status"), receiver.of_kind("delivery-status")
    assert str(sent["id"]) == message["id"] == str(delivered["id"])
    assert sent["uuid"] == message["uuid"] and delivered["ackId"] != delivered["id"]


def test_incoming_message_postback(sandbox_with_postbacks, receiver):
    result = sandbox_with_postbacks.incoming(msisdn="48123456789", message="Js.voucher test api", prefix="JS. VOUCHER",
                                             groupId=274652, groupName="JS. VOUCHER_2026-01-16")
    (payload,) = receiver.of_kind("incoming")
    assert set(payload) == INCOMING_FIELDS
    assert (payload["id"], payload["msisdn"], payload["message"], payload["sender"], payload["groupId"]) == (
        result["id"], "48123456789", "Js.voucher test api", "4777", 274652)
    assert payload["idMsgContent"] is None and payload["uuid"] == str(result["id"])


def test_failed_postbacks_are_retried_not_lost(sandbox_with_postbacks, receiver):
    receiver.fail_next = 3
    with sandbox_with_postbacks.client() as api:
        api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": n} for n in numbers(5)]))
    first = sandbox_with_postbacks.advance(10)
    assert first["postbacksPending"] == 3
    assert len(receiver.received) == 7
    assert sandbox_with_postbacks.state()["counts"]["outbox"] == 3
    second = sandbox_with_postbacks.advance(60)
    assert (second["postbacksSent"], second["postbacksPending"]) == (3, 0)
    ids = [(path, body["id"]) for path, body in receiver.received]
    assert len(ids) == len(set(ids)) == 10


def test_real_clock_moves_bulks_and_sends_postbacks_in_the_background(tmp_path, receiver):
    with run_sandbox(tmp_dir=tmp_path, clock="real", postback_url=receiver.url, start_after=0.1, send_duration=0.3,
                     delivery_after=0.1, tick_seconds=0.05) as sandbox, sandbox.client() as api:
        bulk_id = api.post("sender/bulk/send", json=bulk_body(recipients=[{"msisdn": n} for n in numbers(6)])).json()["id"]
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(receiver.of_kind("delivery-status")) < 6:
            time.sleep(0.05)
        assert len(receiver.of_kind("send-status")) == 6
        assert len(receiver.of_kind("delivery-status")) == 6
        assert api.get(f"overview/bulks/{bulk_id}").json()["bulkStatus"] == "FINISHED"
