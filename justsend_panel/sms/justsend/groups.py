"""Manual section 4: groups and their members.

Readings of the manual where it contradicts itself:

* ``POST /group-members`` (4.2) calls its body both "one member" and "an array";
  its example message and curl send one object, so we send one object.
* ``PUT /group-members`` (4.1, "THE WAY" in the translation) takes an array of
  ``{currentMemberData, newMemberData}``; its curl sample (a POST of one member)
  is a copy of 4.2 and is ignored.
* ``POST``/``PUT /groups`` samples carry ``id``, ``ownerId`` and ``memberCount``
  placeholders; we send ``id`` only on update (it names the group), ``ownerId``
  only when given, and never ``memberCount``, which the provider counts itself.
  PUT is partial ("only the fields provided are updated"), so unset fields are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import BinaryIO

from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.transport import JustsendTransport, walks_pages
from justsend_panel.sms.justsend.types import (
    Ack,
    Country,
    Group,
    GroupMember,
    GroupMemberUpdate,
    GroupType,
    SortDirection,
)
from justsend_panel.sms.types import Page

CSV_CHUNK_SIZE = 64 * 1024


class GroupMemberEndpoints(JustsendTransport):
    def add_group_member(self, *, member: GroupMember) -> Ack:
        """``POST /group-members`` (4.2); ``member.group_id`` names the group."""
        if member.group_id is None:
            raise ValueError("A member to add needs a group_id.")
        return wire.ack(self.request("POST", "/group-members", json_body=wire.group_member_body(member)))

    def update_group_members(self, *, updates: Sequence[GroupMemberUpdate]) -> Ack:
        """``PUT /group-members`` (4.1): each item pairs the member as stored with its new data."""
        body = [
            {"currentMemberData": wire.group_member_body(u.current), "newMemberData": wire.group_member_body(u.new)}
            for u in updates
        ]
        return wire.ack(self.request("PUT", "/group-members", json_body=body))

    def remove_group_members(self, *, group_id: int, msisdns: Sequence[str]) -> Ack:
        """``DELETE /group-members?groupId=`` with a JSON array of MSISDNs as the body (4.3)."""
        return wire.ack(
            self.request("DELETE", "/group-members", params={"groupId": group_id}, json_body=list(msisdns))
        )

    def list_group_members(self, *, group_id: int, page: int = 0, size: int | None = None) -> Page[GroupMember]:
        """``GET /group-members/{groupId}`` (4.4)."""
        answer = self.request("GET", f"/group-members/{int(group_id)}", params={"page": page, "size": size})
        return wire.page_of(answer, "the group members", wire.group_member, page=page, size=size)

    iter_group_members = walks_pages(list_group_members)

    def search_group_members(
        self, *, group_id: int, msisdn: str, page: int = 0, size: int | None = None
    ) -> Page[GroupMember]:
        """``GET /group-members/{groupId}/search?msisdn=`` (4.5)."""
        params = {"msisdn": msisdn, "page": page, "size": size}
        answer = self.request("GET", f"/group-members/{int(group_id)}/search", params=params)
        return wire.page_of(answer, "the group member search", wire.group_member, page=page, size=size)

    iter_search_group_members = walks_pages(search_group_members)

    def batch_add_group_members(self, *, group_id: int, msisdns: Sequence[str]) -> Ack:
        """``POST /group-members/batch-add?groupId=`` with a JSON array of MSISDNs (4.6)."""
        return wire.ack(
            self.request("POST", "/group-members/batch-add", params={"groupId": group_id}, json_body=list(msisdns))
        )

    def iter_export_group_members_csv(self, *, group_id: int, chunk_size: int = CSV_CHUNK_SIZE) -> Iterator[bytes]:
        """``GET /group-members/export-csv?groupId=`` (4.7) as a stream of byte chunks.

        The manual's sample line is ``48123456789; Thomas; Nowak; null``: the bytes
        are passed on untouched; parsing them is the caller's job.
        """
        return self.iter_bytes("GET", "/group-members/export-csv", params={"groupId": group_id}, chunk_size=chunk_size)

    def export_group_members_csv(
        self, *, group_id: int, destination: BinaryIO, chunk_size: int = CSV_CHUNK_SIZE
    ) -> int:
        """Stream the CSV export into ``destination``; returns the number of bytes written."""
        written = 0
        for chunk in self.iter_export_group_members_csv(group_id=group_id, chunk_size=chunk_size):
            destination.write(chunk)
            written += len(chunk)
        return written


class GroupEndpoints(JustsendTransport):
    def create_group(
        self,
        *,
        name: str,
        group_type: GroupType = GroupType.LOCAL,
        country: Country,
        owner_id: int | None = None,
    ) -> Group:
        """``POST /groups`` (4.9); answers the created group.

        ``country`` has no default: Justsend refuses a group without one ("incorrect country
        format", 4.9), and a LOCAL group is ``Country.POLAND``.
        """
        body = {"name": name, "groupType": group_type, "country": country, "ownerId": owner_id}
        return wire.group(wire.require_object(self.request("POST", "/groups", json_body=_group_body(body)), "a group"))

    def update_group(
        self,
        *,
        group_id: int,
        name: str | None = None,
        group_type: GroupType | None = None,
        country: Country | None = None,
        owner_id: int | None = None,
    ) -> Group:
        """``PUT /groups`` (4.8); only the given fields change."""
        body = {"id": group_id, "name": name, "groupType": group_type, "country": country, "ownerId": owner_id}
        return wire.group(wire.require_object(self.request("PUT", "/groups", json_body=_group_body(body)), "a group"))

    def delete_group(self, *, group_id: int) -> Ack:
        """``DELETE /groups/{id}`` (4.10)."""
        return wire.ack(self.request("DELETE", f"/groups/{int(group_id)}"))

    def list_groups(
        self,
        *,
        page: int = 0,
        size: int | None = None,
        group_type: GroupType | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
    ) -> Page[Group]:
        """``GET /groups/batch`` (4.11): all the account's groups, paged."""
        params = {
            "page": page,
            "size": size,
            "sortField": sort_field,
            "sortDirection": sort_direction,
            "groupType": group_type,
        }
        return wire.page_of(
            self.request("GET", "/groups/batch", params=params), "the groups", wire.group, page=page, size=size
        )

    iter_groups = walks_pages(list_groups)

    def search_groups(
        self,
        *,
        msisdn: str,
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
    ) -> Page[Group]:
        """``GET /groups/search?msisdn=`` (4.12): the groups a number belongs to."""
        params = {"msisdn": msisdn, "page": page, "size": size, "sortField": sort_field, "sortDirection": sort_direction}
        return wire.page_of(
            self.request("GET", "/groups/search", params=params), "the group search", wire.group, page=page, size=size
        )

    iter_search_groups = walks_pages(search_groups)

    def get_group(self, *, group_id: int) -> Group:
        """``GET /groups/single?groupId=`` (4.13)."""
        answer = self.request("GET", "/groups/single", params={"groupId": group_id})
        return wire.group(wire.require_object(answer, "a group"))


def _group_body(fields: dict[str, object]) -> dict[str, object]:
    return {key: getattr(value, "value", value) for key, value in fields.items() if value is not None}
