"""Manual section 4: group members, groups, CSV export."""

import io

import httpx
import pytest

from justsend_panel.sms.exceptions import SmsNotFound
from justsend_panel.sms.justsend.types import (
    Country,
    GroupMember,
    GroupMemberUpdate,
    GroupType,
    SortDirection,
)

from .conftest import page_body, sent_json, sent_params

GROUP = {"id": 274302, "name": "My group", "ownerId": 169452, "groupType": "LOCAL", "country": "POLAND", "memberCount": 1}


def test_add_group_member_posts_one_object(api, client):
    route = api.post("/group-members").respond(201, text="Member added")
    member = GroupMember(msisdn="48123456789", group_id=5, name="Adam", surname="Nowak", address="Amethyst 1")

    assert client.add_group_member(member=member).message == "Member added"
    assert sent_json(route) == {
        "msisdn": "48123456789",
        "groupId": 5,
        "name": "Adam",
        "surname": "Nowak",
        "address": "Amethyst 1",
    }


def test_add_group_member_needs_a_group(client):
    with pytest.raises(ValueError):
        client.add_group_member(member=GroupMember(msisdn="48123456789"))


def test_update_group_members_puts_current_and_new_pairs(api, client):
    route = api.put("/group-members").respond(200, json={"updated": 1})
    update = GroupMemberUpdate(
        current=GroupMember(msisdn="48123456789", group_id=5),
        new=GroupMember(msisdn="48123456789", group_id=5, name="Adam", surname="Nowak"),
    )

    ack = client.update_group_members(updates=[update])

    assert ack.raw == {"updated": 1}
    assert sent_json(route) == [
        {
            "currentMemberData": {"msisdn": "48123456789", "groupId": 5},
            "newMemberData": {"msisdn": "48123456789", "groupId": 5, "name": "Adam", "surname": "Nowak"},
        }
    ]


def test_remove_group_members_is_a_delete_with_query_and_array_body(api, client):
    route = api.delete("/group-members").respond(204)
    client.remove_group_members(group_id=4, msisdns=["48123456789", "48987654321"])
    request = route.calls.last.request
    assert request.method == "DELETE"
    assert sent_params(route) == {"groupId": ["4"]}
    assert sent_json(route) == ["48123456789", "48987654321"]


def test_list_group_members_pages(api, client):
    route = api.get("/group-members/2").respond(
        json={
            "content": [
                {"msisdn": "48123456789", "name": "John", "surname": "Kowalski", "address": "Konwaliowa 5"},
                {"msisdn": "48987654321", "name": "Anna", "surname": "Nowak", "address": "Lipowa 12"},
            ],
            "totalElements": 42,
            "totalPages": 3,
        }
    )

    page = client.list_group_members(group_id=2, page=1, size=25)

    assert sent_params(route) == {"page": ["1"], "size": ["25"]}
    assert [m.msisdn for m in page.content] == ["48123456789", "48987654321"]
    assert page.content[1].surname == "Nowak"
    assert (page.total_elements, page.total_pages, page.is_last) == (42, 3, False)


def test_search_group_members_sends_msisdn(api, client):
    route = api.get("/group-members/2/search").respond(
        json=page_body([{"msisdn": "48123456789", "groupId": 274302, "name": None, "surname": None, "address": None}])
    )
    page = client.search_group_members(group_id=2, msisdn="48123456789", size=25)
    assert sent_params(route) == {"msisdn": ["48123456789"], "page": ["0"], "size": ["25"]}
    assert page.content[0].group_id == 274302 and page.content[0].name is None


def test_batch_add_group_members(api, client):
    route = api.post("/group-members/batch-add").respond(200, text="2 members added")
    ack = client.batch_add_group_members(group_id=3, msisdns=["48123456789", "48987654321"])
    assert ack.message == "2 members added"
    assert sent_params(route) == {"groupId": ["3"]}
    assert sent_json(route) == ["48123456789", "48987654321"]


def test_export_csv_streams_chunks(api, client):
    lines = [b"48123456789; Thomas; Nowak; null\n", b"48987654321; Anna; Lis; Lipowa 1\n"]
    consumed: list[bytes] = []

    def body():
        for line in lines:
            consumed.append(line)
            yield line

    route = api.get("/group-members/export-csv").mock(
        return_value=httpx.Response(200, content=body(), headers={"Content-Type": "text/csv"})
    )

    chunks = client.iter_export_group_members_csv(group_id=2, chunk_size=8)
    assert consumed == []  # nothing is fetched before iteration
    first = next(chunks)
    assert len(first) == 8
    rest = b"".join(chunks)

    assert first + rest == b"".join(lines)
    assert sent_params(route) == {"groupId": ["2"]}


def test_export_csv_into_a_file(api, client):
    payload = b"".join(b"48%09d; Name; Surname; null\n" % n for n in range(5000))
    api.get("/group-members/export-csv").respond(200, content=payload)
    destination = io.BytesIO()

    written = client.export_group_members_csv(group_id=7, destination=destination, chunk_size=4096)

    assert written == len(payload)
    assert destination.getvalue() == payload


def test_export_csv_error_maps_like_any_call(api, client):
    api.get("/group-members/export-csv").respond(404, text="Group not found")
    with pytest.raises(SmsNotFound, match="Group not found"):
        client.export_group_members_csv(group_id=99, destination=io.BytesIO())


def test_export_csv_timeout_while_reading_maps_to_timeout(api, client):
    from justsend_panel.sms.exceptions import SmsTimeoutError

    def body():
        yield b"48123456789;A;B;null\n"
        raise httpx.ReadTimeout("stalled")

    api.get("/group-members/export-csv").mock(return_value=httpx.Response(200, content=body()))
    with pytest.raises(SmsTimeoutError):
        list(client.iter_export_group_members_csv(group_id=1))


def test_create_group_sends_only_meaningful_fields(api, client):
    route = api.post("/groups").respond(
        201, json={"id": 274851, "name": "Premium customers", "ownerId": 169452, "groupType": "LOCAL", "country": "AUSTRIA"}
    )

    group = client.create_group(name="Premium customers", group_type=GroupType.LOCAL, country=Country.AUSTRIA)

    assert sent_json(route) == {"name": "Premium customers", "groupType": "LOCAL", "country": "AUSTRIA"}
    assert (group.id, group.country, group.group_type, group.member_count) == (
        274851,
        Country.AUSTRIA,
        GroupType.LOCAL,
        None,
    )


def test_update_group_is_a_partial_put_naming_the_id(api, client):
    route = api.put("/groups").respond(json={**GROUP, "name": "Renamed"})
    group = client.update_group(group_id=274302, name="Renamed")
    assert sent_json(route) == {"id": 274302, "name": "Renamed"}
    assert group.name == "Renamed"


def test_delete_group(api, client):
    route = api.delete("/groups/2").respond(200)
    assert client.delete_group(group_id=2).message is None
    assert route.called


def test_list_groups_query(api, client):
    route = api.get("/groups/batch").respond(json=page_body([GROUP, {**GROUP, "id": 274304}]))
    page = client.list_groups(
        page=1, size=25, group_type=GroupType.LOCAL, sort_field="name", sort_direction=SortDirection.DESC
    )
    assert sent_params(route) == {
        "page": ["1"],
        "size": ["25"],
        "sortField": ["name"],
        "sortDirection": ["DESC"],
        "groupType": ["LOCAL"],
    }
    assert [g.id for g in page.content] == [274302, 274304]
    assert page.content[0].country is Country.POLAND


def test_search_groups_by_msisdn(api, client):
    route = api.get("/groups/search").respond(json=page_body([GROUP]))
    page = client.search_groups(msisdn="48123456789", page=2, size=25)
    assert sent_params(route) == {"msisdn": ["48123456789"], "page": ["2"], "size": ["25"]}
    assert page.content[0].name == "My group"


def test_get_group_single_and_unknown_values_stay_strings(api, client):
    route = api.get("/groups/single").respond(json={**GROUP, "groupType": "REGIONAL", "country": "CZECH REPUBLIC"})
    group = client.get_group(group_id=2)
    assert sent_params(route) == {"groupId": ["2"]}
    assert group.group_type == "REGIONAL"  # unknown to us, kept as text
    assert group.country is Country.CZECHIA  # the manual's other spelling
    assert group.raw["ownerId"] == 169452
