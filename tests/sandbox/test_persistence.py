from justsend_panel.sandbox.server import run_sandbox

from .conftest import bulk_body


def test_state_survives_a_restart_on_the_same_file(tmp_path):
    with run_sandbox(tmp_dir=tmp_path) as first, first.client() as api:
        group_id = api.post("groups", json={"name": "Kept", "groupType": "LOCAL", "country": "POLAND"}).json()["id"]
        api.post("group-members/batch-add", params={"groupId": group_id}, json=["48500100200", "48500100201"])
        api.post("blacklist/add", params={"country": "POLAND"}, json=["48500100299"])
        bulk_id = api.post("sender/bulk/send", json=bulk_body(name="kept-bulk")).json()["id"]
        first.set_faults(rate_500=0.0, latency_ms=5)
        first.advance(1.5)  # started, half sent
        balance = api.get("payment/account/summary").json()["accountBalance"]

    with run_sandbox(tmp_dir=tmp_path) as second, second.client() as api:
        assert api.get("groups/single", params={"groupId": group_id}).json()["memberCount"] == 2
        assert api.get("blacklist/get").json()["content"][0]["msisdn"] == "48500100299"
        assert api.get("payment/account/summary").json()["accountBalance"] == balance
        assert second.state()["faults"]["latency_ms"] == 5
        bulk = api.get(f"overview/bulks/{bulk_id}").json()
        assert (bulk["name"], bulk["bulkStatus"]) == ("kept-bulk", "IN_PROGRESS")
        second.advance(5)  # the manual clock carries on from where it stopped
        assert api.get(f"overview/bulks/{bulk_id}").json()["bulkStatus"] == "FINISHED"
        assert api.get("payment/transaction", params={
            "startDate": "2000-01-01T00:00:00+00:00", "endDate": "2100-01-01T00:00:00+00:00"}).json()["totalElements"] == 1
