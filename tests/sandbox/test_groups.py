import pytest

from .conftest import numbers


@pytest.fixture
def group(api):
    response = api.post("groups", json={"id": 0, "name": "Premium", "ownerId": 5, "groupType": "LOCAL",
                                        "country": "POLAND", "memberCount": 250})
    assert response.status_code == 201
    return response.json()


def test_group_create_update_get_delete(api, group):
    assert group["name"] == "Premium" and group["memberCount"] == 0 and group["ownerId"] != 5
    updated = api.put("groups", json={"id": group["id"], "name": "Renamed", "country": "AUSTRIA"})
    assert updated.status_code == 200
    assert updated.json() == {**group, "name": "Renamed", "country": "AUSTRIA"}
    assert api.get("groups/single", params={"groupId": group["id"]}).json()["name"] == "Renamed"
    assert api.delete(f"groups/{group['id']}").status_code == 200
    assert api.get("groups/single", params={"groupId": group["id"]}).status_code == 404
    assert api.delete(f"groups/{group['id']}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "groups", {"json": {"groupType": "LOCAL"}}, 400),
        ("POST", "groups", {"json": {"name": "x", "groupType": "REGIONAL"}}, 400),
        ("POST", "groups", {"json": {"name": "x", "country": "ATLANTIS"}}, 400),
        ("POST", "groups", {"json": ["not", "an", "object"]}, 400),
        ("PUT", "groups", {"json": {"id": 12345, "name": "x"}}, 404),
        ("PUT", "groups", {"json": {"name": "x"}}, 400),
        ("DELETE", "groups/abc", {}, 400),
        ("GET", "groups/single", {}, 400),
        ("GET", "groups/single", {"params": {"groupId": 999}}, 404),
        ("GET", "groups/search", {}, 400),
        ("GET", "groups/search", {"params": {"msisdn": "12ab"}}, 400),
        ("GET", "groups/batch", {"params": {"groupType": "OTHER"}}, 400),
        ("GET", "groups/batch", {"params": {"page": -1}}, 400),
        ("GET", "groups/batch", {"params": {"sortDirection": "UP"}}, 400),
    ],
)
def test_group_validation(api, method, path, kwargs, status):
    response = api.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["message"]


def test_groups_batch_paging_filter_and_search(api):
    ids = [api.post("groups", json={"name": f"G{i}", "groupType": "LOCAL" if i % 2 else "INTERNATIONAL",
                                    "country": "POLAND" if i % 2 else "GERMANY"}).json()["id"] for i in range(5)]
    page = api.get("groups/batch", params={"page": 0, "size": 2, "sortField": "name", "sortDirection": "DESC"}).json()
    assert (page["totalElements"], page["totalPages"], [g["name"] for g in page["content"]]) == (5, 3, ["G4", "G3"])
    local = api.get("groups/batch", params={"groupType": "LOCAL"}).json()
    assert sorted(g["id"] for g in local["content"]) == [ids[1], ids[3]]
    api.post("group-members", json={"msisdn": "48500100200", "groupId": ids[0]})
    api.post("group-members", json={"msisdn": "48500100200", "groupId": ids[2]})
    found = api.get("groups/search", params={"msisdn": "48500100200"}).json()
    assert sorted(g["id"] for g in found["content"]) == [ids[0], ids[2]]
    assert all(g["memberCount"] == 1 for g in found["content"])


def test_member_add_list_and_errors(api, group):
    member = {"msisdn": "48123456789", "groupId": group["id"], "name": "John", "surname": "Kowalski",
              "address": "Konwaliowa 5"}
    response = api.post("group-members", json=member)
    assert response.status_code == 201
    assert response.json() == member
    assert api.post("group-members", json=member).status_code == 409
    assert api.post("group-members", json={**member, "msisdn": "123"}).status_code == 400
    assert api.post("group-members", json={**member, "groupId": 999}).status_code == 404
    several = api.post("group-members", json=[{"msisdn": "48123456780", "groupId": group["id"]}])
    assert several.status_code == 201 and several.json()[0]["name"] is None
    listed = api.get(f"group-members/{group['id']}").json()
    assert listed["totalElements"] == 2 and listed["content"][0] == member
    assert api.get("group-members/999").status_code == 404
    assert api.get("group-members/abc").status_code == 400


def test_member_update(api, group):
    other = api.post("groups", json={"name": "Other", "groupType": "LOCAL", "country": "POLAND"}).json()
    api.post("group-members", json={"msisdn": "48123456789", "groupId": group["id"], "name": "John"})
    api.post("group-members", json={"msisdn": "48123456780", "groupId": group["id"]})
    body = [{"currentMemberData": {"msisdn": "48123456789", "groupId": group["id"]},
             "newMemberData": {"msisdn": "48111222333", "groupId": other["id"], "surname": "Nowak"}}]
    response = api.put("group-members", json=body)
    assert response.status_code == 200
    assert response.json() == {"updated": 1, "members": [
        {"msisdn": "48111222333", "groupId": other["id"], "name": "John", "surname": "Nowak", "address": None}]}
    assert api.put("group-members", json=body).status_code == 404  # the old one is gone
    clash = [{"currentMemberData": {"msisdn": "48123456780", "groupId": group["id"]},
              "newMemberData": {"msisdn": "48111222333", "groupId": other["id"]}}]
    assert api.put("group-members", json=clash).status_code == 409
    assert api.put("group-members", json={"not": "a list"}).status_code == 400


def test_member_remove(api, group):
    api.post("group-members/batch-add", params={"groupId": group["id"]}, json=numbers(3))
    missing = api.request("DELETE", "group-members", params={"groupId": group["id"]}, json=[numbers(3)[0], "48999999999"])
    assert missing.status_code == 404 and "48999999999" in missing.json()["message"]
    assert api.get(f"group-members/{group['id']}").json()["totalElements"] == 3  # nothing deleted
    removed = api.request("DELETE", "group-members", params={"groupId": group["id"]}, json=numbers(2))
    assert removed.status_code == 200 and removed.json() == {"removed": 2}
    remaining = api.get(f"group-members/{group['id']}").json()["content"]
    assert [m["msisdn"] for m in remaining] == [numbers(3)[2]]
    assert api.request("DELETE", "group-members", params={"groupId": group["id"]}, json=["x1"]).status_code == 400
    assert api.request("DELETE", "group-members", json=numbers(1)).status_code == 400
    assert api.request("DELETE", "group-members", params={"groupId": 999}, json=numbers(1)).status_code == 404


def test_batch_add_search_paging_and_export(api, group):
    added = api.post("group-members/batch-add", params={"groupId": group["id"]}, json=numbers(30) + numbers(2))
    assert added.json() == {"added": 30, "alreadyInGroup": 0}
    again = api.post("group-members/batch-add", params={"groupId": group["id"]}, json=numbers(31))
    assert again.json() == {"added": 1, "alreadyInGroup": 30}
    assert api.post("group-members/batch-add", params={"groupId": group["id"]}, json=["48123", "4850010020"]).status_code == 400
    assert api.post("group-members/batch-add", params={"groupId": 999}, json=numbers(1)).status_code == 404

    default_page = api.get(f"group-members/{group['id']}").json()
    assert (len(default_page["content"]), default_page["totalElements"], default_page["totalPages"]) == (25, 31, 2)
    last = api.get(f"group-members/{group['id']}", params={"page": 3, "size": 10}).json()
    assert [m["msisdn"] for m in last["content"]] == [numbers(31)[30]]
    search = api.get(f"group-members/{group['id']}/search", params={"msisdn": "4860000001"}).json()
    assert sorted(m["msisdn"] for m in search["content"]) == numbers(10, 48600000010)
    assert api.get(f"group-members/{group['id']}/search", params={"msisdn": "abc"}).status_code == 400

    api.post("group-members", json={"msisdn": "48123456789", "groupId": group["id"], "name": "Tomasz", "surname": "Nowak"})
    export = api.get("group-members/export-csv", params={"groupId": group["id"]})
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.text.splitlines()
    assert len(lines) == 32
    assert lines[0] == "48600000000;null;null;null"
    assert lines[-1] == "48123456789;Tomasz;Nowak;null"
    assert api.get("group-members/export-csv", params={"groupId": 999}).status_code == 404
