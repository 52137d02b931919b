"""Manual section 10: the blacklist. Numbers travel as a JSON array in the body,
the country (and ``forUserId`` for sub-accounts) in the query. Removal is a PUT."""

from __future__ import annotations

from collections.abc import Sequence

from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.transport import JustsendTransport, walks_pages
from justsend_panel.sms.justsend.types import Ack, BlacklistEntry, Country, SortDirection
from justsend_panel.sms.types import Page


class BlacklistEndpoints(JustsendTransport):
    def add_to_blacklist(self, *, country: Country, msisdns: Sequence[str], for_user_id: int | None = None) -> Ack:
        """``POST /blacklist/add?country=`` (10.1); the provider skips numbers it finds malformed."""
        params = {"country": country, "forUserId": for_user_id}
        return wire.ack(self.request("POST", "/blacklist/add", params=params, json_body=list(msisdns)))

    def list_blacklist(
        self,
        *,
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
    ) -> Page[BlacklistEntry]:
        """``GET /blacklist/get`` (10.2)."""
        params = {"page": page, "size": size, "sortField": sort_field, "sortDirection": sort_direction}
        answer = self.request("GET", "/blacklist/get", params=params)
        return wire.page_of(answer, "the blacklist", wire.blacklist_entry, page=page, size=size)

    iter_blacklist = walks_pages(list_blacklist)

    def remove_from_blacklist(self, *, country: Country, msisdns: Sequence[str]) -> Ack:
        """``PUT /blacklist/remove?country=`` (10.3)."""
        return wire.ack(
            self.request("PUT", "/blacklist/remove", params={"country": country}, json_body=list(msisdns))
        )
