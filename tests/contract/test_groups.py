"""Manual section 4 against the sandbox: groups and their members."""

from __future__ import annotations

import io

import pytest

from justsend_panel.sms import SmsApiError, SmsConflict, SmsNotFound
from justsend_panel.sms.justsend.types import (
    Country,
    GroupMember,
    GroupMemberUpdate,
    GroupType,
    SortDirection,
)


def test_groups_create_update_get_list_search_delete(justsend):
    local = justsend.create_group(name="Premium customers", country=Country.POLAND)
    abroad = justsend.create_group(name="Slovak fans", group_type=GroupType.INTERNATIONAL, country=Country.SLOVAKIA)

    assert (local.name, local.group_type, local.country, local.member_count) == (
        "Premium customers", GroupType.LOCAL, Country.POLAND, 0)
    assert (abroad.group_type, abroad.country) == (GroupType.INTERNATIONAL, Country.SLOVAKIA)
    assert local.id != abroad.id and local.owner_id is not None

    renamed = justsend.update_group(group_id=local.id, name="VIP")
    assert (renamed.id, renamed.name, renamed.group_type, renamed.country) == (local.id, "VIP", GroupType.LOCAL, Country.POLAND)
    moved = justsend.update_group(group_id=local.id, country=Country.CZECHIA)
    assert (moved.name, moved.country) == ("VIP", Country.CZECHIA)
    assert justsend.get_group(group_id=local.id) == moved

    everything = justsend.list_groups()
    assert [g.name for g in everything.content] == ["VIP", "Slovak fans"] and everything.total_elements == 2
    assert [g.id for g in justsend.list_groups(group_type=GroupType.INTERNATIONAL).content] == [abroad.id]
    assert [g.id for g in justsend.list_groups(sort_field="name", sort_direction=SortDirection.ASC).content] == [
        abroad.id, local.id]

    justsend.batch_add_group_members(group_id=abroad.id, msisdns=["421900123456", "48500100200"])
    justsend.batch_add_group_members(group_id=local.id, msisdns=["48500100200"])
    assert {g.id for g in justsend.search_groups(msisdn="48500100200").content} == {local.id, abroad.id}
    assert [g.id for g in justsend.search_groups(msisdn="421900123456").content] == [abroad.id]
    assert justsend.get_group(group_id=abroad.id).member_count == 2

    assert justsend.delete_group(group_id=abroad.id).message == "Group deleted successfully"
    with pytest.raises(SmsNotFound, match="not found"):
        justsend.get_group(group_id=abroad.id)
    with pytest.raises(SmsNotFound):
        justsend.delete_group(group_id=abroad.id)
    with pytest.raises(SmsNotFound):
        justsend.update_group(group_id=abroad.id, name="gone")
    assert [g.id for g in justsend.search_groups(msisdn="48500100200").content] == [local.id]


def test_members_add_update_remove_list_search(justsend):
    group = justsend.create_group(name="Members", country=Country.POLAND)
    other = justsend.create_group(name="Other", country=Country.POLAND)

    justsend.add_group_member(member=GroupMember(msisdn="48123456789", group_id=group.id, name="John",
                                                 surname="Kowalski", address="Konwaliowa 5"))
    justsend.add_group_member(member=GroupMember(msisdn="48987654321", group_id=group.id))
    with pytest.raises(SmsConflict, match="already exists"):
        justsend.add_group_member(member=GroupMember(msisdn="48123456789", group_id=group.id))
    with pytest.raises(SmsApiError, match="msisdn"):
        justsend.add_group_member(member=GroupMember(msisdn="+48 123", group_id=group.id))
    with pytest.raises(SmsNotFound):
        justsend.add_group_member(member=GroupMember(msisdn="48123456789", group_id=9999))

    members = justsend.list_group_members(group_id=group.id)
    assert [(m.msisdn, m.group_id, m.name, m.surname, m.address) for m in members.content] == [
        ("48123456789", group.id, "John", "Kowalski", "Konwaliowa 5"),
        ("48987654321", group.id, None, None, None),
    ]

    john = members.content[0]
    justsend.update_group_members(updates=[
        GroupMemberUpdate(current=john, new=GroupMember(msisdn="48123456780", group_id=group.id, name="Johnny",
                                                        surname="Kowalski", address="Lipowa 12")),
        GroupMemberUpdate(current=GroupMember(msisdn="48987654321", group_id=group.id),
                          new=GroupMember(msisdn="48987654321", group_id=other.id, name="Anna")),
    ])
    assert [(m.msisdn, m.name, m.address) for m in justsend.list_group_members(group_id=group.id).content] == [
        ("48123456780", "Johnny", "Lipowa 12")]
    assert [(m.msisdn, m.name) for m in justsend.list_group_members(group_id=other.id).content] == [
        ("48987654321", "Anna")]
    with pytest.raises(SmsNotFound):
        justsend.update_group_members(updates=[GroupMemberUpdate(
            current=GroupMember(msisdn="48111111111", group_id=group.id), new=GroupMember(msisdn="48111111112"))])

    ack = justsend.batch_add_group_members(group_id=group.id, msisdns=["48500100200", "48500100201", "48123456780"])
    assert ack.raw == {"added": 2, "alreadyInGroup": 1}
    found = justsend.search_group_members(group_id=group.id, msisdn="4850010020")
    assert sorted(m.msisdn for m in found.content) == ["48500100200", "48500100201"]
    assert [m.msisdn for m in justsend.search_group_members(group_id=group.id, msisdn="48123456780").content] == [
        "48123456780"]

    justsend.remove_group_members(group_id=group.id, msisdns=["48500100200", "48123456780"])
    assert [m.msisdn for m in justsend.iter_group_members(group_id=group.id)] == ["48500100201"]
    with pytest.raises(SmsNotFound, match="Not in group"):
        justsend.remove_group_members(group_id=group.id, msisdns=["48500100200"])
    with pytest.raises(SmsNotFound):
        justsend.list_group_members(group_id=9999)


def test_export_csv_streams_every_member(justsend):
    group = justsend.create_group(name="Export", country=Country.POLAND)
    justsend.add_group_member(member=GroupMember(msisdn="48123456789", group_id=group.id, name="Thomas",
                                                 surname="Nowak"))
    numbers = [str(48600000000 + i) for i in range(6000)]
    justsend.batch_add_group_members(group_id=group.id, msisdns=numbers)

    destination = io.BytesIO()
    written = justsend.export_group_members_csv(group_id=group.id, destination=destination, chunk_size=4096)

    lines = destination.getvalue().decode().splitlines()
    assert written == len(destination.getvalue())
    assert lines[0] == "48123456789;Thomas;Nowak;null"
    assert lines[1:] == [f"{n};null;null;null" for n in numbers]
    chunks = list(justsend.iter_export_group_members_csv(group_id=group.id, chunk_size=1024))
    assert len(chunks) > 1 and b"".join(chunks) == destination.getvalue()
    with pytest.raises(SmsNotFound):
        list(justsend.iter_export_group_members_csv(group_id=9999))
