import time

import httpx
import pytest


@pytest.mark.parametrize("headers", [{}, {"App-Key": "wrong-key"}])
@pytest.mark.parametrize("path", ["/api/pricing/config", "/api/groups/batch", "/_sandbox/state"])
def test_requests_without_the_right_key_get_401(sandbox, headers, path):
    response = httpx.get(sandbox.base_url + path, headers=headers)
    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert "App-Key" in response.json()["message"]


def test_unknown_path_and_wrong_method(api):
    assert api.get("nothing/here").status_code == 404
    assert api.get("sender/bulk/send").status_code == 405


def test_requests_log_records_method_path_query_and_json(sandbox, api):
    api.get("groups/batch", params={"page": 1, "size": 5, "groupType": "LOCAL"})
    api.post("groups", json={"name": "Logged", "groupType": "LOCAL", "country": "POLAND"})
    httpx.get(sandbox.api_url + "/pricing/config")  # no key: logged as such

    groups = sandbox.requests(path="/api/groups")
    assert [(e["method"], e["path"], e["status"]) for e in groups] == [
        ("GET", "/api/groups/batch", 200), ("POST", "/api/groups", 201)]
    assert groups[0]["query"] == {"page": "1", "size": "5", "groupType": "LOCAL"}
    assert groups[1]["json"] == {"name": "Logged", "groupType": "LOCAL", "country": "POLAND"}
    assert groups[1]["appKey"] == "valid"
    pricing = sandbox.requests(path="/api/pricing/config")
    assert [(e["status"], e["appKey"]) for e in pricing] == [(401, "missing")]
    assert all(e["path"].startswith("/api") for e in sandbox.requests())  # control calls are not logged
    assert sandbox.app_key not in str(sandbox.requests())


def test_faults_answer_a_share_with_429_and_retry_after(sandbox, api):
    sandbox.set_faults(rate_429=0.5, retry_after=7)
    statuses = [api.get("pricing/config") for _ in range(60)]
    limited = [r for r in statuses if r.status_code == 429]
    assert 15 <= len(limited) <= 45
    assert all(r.headers["Retry-After"] == "7" for r in limited)
    assert {r.status_code for r in statuses} == {200, 429}
    # the control API is never faulted
    for _ in range(10):
        assert httpx.get(sandbox.control_url + "/state", headers={"App-Key": sandbox.app_key}).status_code == 200


def test_faults_500_share_and_switching_off(sandbox, api):
    sandbox.set_faults(rate_500=1.0)
    assert api.get("pricing/config").status_code == 500
    sandbox.set_faults(rate_500=0.0)
    assert api.get("pricing/config").status_code == 200


def test_latency_fault_delays_api_calls(sandbox, api):
    sandbox.set_faults(latency_ms=300)
    started = time.perf_counter()
    assert api.get("pricing/config").status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_timeout_fault_hangs_past_the_client_timeout(sandbox):
    sandbox.set_faults(timeout=True)
    with sandbox.client(timeout=0.5) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get("pricing/config")
    sandbox.set_faults(timeout=False)
    with sandbox.client(timeout=5) as client:
        assert client.get("pricing/config").status_code == 200


def test_fault_switch_validation(sandbox):
    response = httpx.post(sandbox.control_url + "/faults", json={"rate_429": 2},
                          headers={"App-Key": sandbox.app_key})
    assert response.status_code == 400
    response = httpx.post(sandbox.control_url + "/faults", json={"explode": True},
                          headers={"App-Key": sandbox.app_key})
    assert response.status_code == 400


def test_a_reply_with_a_lone_surrogate_is_refused_with_a_reason_not_a_500(sandbox):
    response = httpx.post(sandbox.control_url + "/incoming",
                          content=b'{"msisdn": "48500100300", "message": "x\\ud800"}',
                          headers={"App-Key": sandbox.app_key, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "lone UTF-16 surrogate" in response.text and "'message'" in response.text
    assert sandbox.incoming(msisdn="48500100300", message="x\U0001F600")["id"] >= 1


def test_reset_clears_state_and_restores_balance(sandbox, api):
    api.post("groups", json={"name": "G", "groupType": "LOCAL", "country": "POLAND"})
    sandbox.set_balance(balance=5)
    assert sandbox.state()["counts"]["groups"] == 1
    sandbox.reset()
    state = sandbox.state()
    assert state["counts"]["groups"] == 0
    assert state["balance"] == 10_000
    assert api.get("groups/batch").json()["totalElements"] == 0


def test_balance_control_sets_points_and_writes_a_transaction(sandbox, api):
    assert sandbox.set_balance(balance=120.5, promo=30) == {"balance": 120.5, "promo": 30}
    summary = api.get("payment/account/summary").json()
    assert (summary["accountBalance"], summary["promoPoints"]) == (120.5, 30)
