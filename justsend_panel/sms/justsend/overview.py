"""Manual section 8: shipping history and statistics.

* ``bulkStatus`` of ``/overview/bulks`` is "a list": sent as a repeated query
  parameter (``bulkStatus=PAID&bulkStatus=HOLD``), Swagger's default form.
* The manual gives no item fields for keyword responses or statistics rows;
  their types keep the whole object in ``raw``.
* ``/overview/bulks`` also takes ``name``: the manual does not list it, but the
  sandbox filters on it and a bulk's unique name is how the panel finds a bulk it
  may have sent before; sent only when given. A provider that ignores it answers
  every bulk, so callers still compare ``Bulk.name``.
* ``/overview/singlemessages`` filters on ``startDate``/``endDate`` while its
  neighbours use ``fromDate``/``toDate``; we follow each section as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.transport import JustsendTransport, walks_pages
from justsend_panel.sms.justsend.types import (
    Bulk,
    BulkDetails,
    BulkStatus,
    BulkVariant,
    InvalidRecipient,
    KeywordResponse,
    PlatformType,
    SendStats,
    SingleMessage,
    SortDirection,
)
from justsend_panel.sms.types import Page


class OverviewEndpoints(JustsendTransport):
    def list_bulks(
        self,
        *,
        show_slave: bool | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        bulk_statuses: Sequence[BulkStatus] = (),
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
        name: str | None = None,
    ) -> Page[Bulk]:
        """``GET /overview/bulks`` (8.1); ``name`` (exact) is not in the manual, see the module docstring."""
        params = {
            "showSlave": show_slave,
            "name": name,
            "fromDate": from_date,
            "toDate": to_date,
            "bulkStatus": list(bulk_statuses),
            "page": page,
            "size": size,
            "sortField": sort_field,
            "sortDirection": sort_direction,
        }
        return wire.page_of(
            self.request("GET", "/overview/bulks", params=params), "the bulks", wire.bulk, page=page, size=size
        )

    iter_bulks = walks_pages(list_bulks)

    def get_bulk(self, *, uuid: str) -> BulkDetails:
        """``GET /overview/bulks/{uuid}`` (8.2)."""
        return wire.bulk_details(self.request("GET", f"/overview/bulks/{quote(str(uuid), safe='')}"))

    def list_invalid_recipients(self, *, uuid: str, user_id: int) -> list[InvalidRecipient]:
        """``GET /overview/bulks/{uuid}/invalid-recipients?userId=`` (8.3)."""
        path = f"/overview/bulks/{quote(str(uuid), safe='')}/invalid-recipients"
        return wire.invalid_recipients(self.request("GET", path, params={"userId": user_id}))

    def list_keyword_responses(
        self,
        *,
        platform_type: PlatformType,
        user_id: int | None = None,
        keyword: str | None = None,
        msisdn: str | None = None,
        email: str | None = None,
        response_message: str | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        show_slave: bool | None = None,
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
    ) -> Page[KeywordResponse]:
        """``GET /overview/keyword-response`` (8.4); ``platformType`` is required."""
        params = {
            "userId": user_id,
            "keyword": keyword,
            "msisdn": msisdn,
            "email": email,
            "responseMessage": response_message,
            "platformType": platform_type,
            "fromDate": from_date,
            "toDate": to_date,
            "showSlave": show_slave,
            "page": page,
            "size": size,
            "sortField": sort_field,
            "sortDirection": sort_direction,
        }
        answer = self.request("GET", "/overview/keyword-response", params=params)
        return wire.page_of(answer, "the keyword responses", wire.keyword_response, page=page, size=size)

    iter_keyword_responses = walks_pages(list_keyword_responses)

    def get_send_stats(
        self,
        *,
        from_date: datetime,
        to_date: datetime,
        show_slave: bool | None = None,
        bulk_variant: BulkVariant | None = None,
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
    ) -> Page[SendStats]:
        """``GET /overview/send-stats`` (8.5): paged statistics rows."""
        params = {
            "showSlave": show_slave,
            "fromDate": from_date,
            "toDate": to_date,
            "bulkVariant": bulk_variant,
            "page": page,
            "size": size,
            "sortDirection": sort_direction,
            "sortField": sort_field,
        }
        answer = self.request("GET", "/overview/send-stats", params=params)
        return wire.page_of(answer, "the send statistics", wire.send_stats, page=page, size=size)

    iter_send_stats = walks_pages(get_send_stats)

    def get_send_stats_sum(
        self,
        *,
        from_date: datetime,
        to_date: datetime,
        show_slave: bool | None = None,
        bulk_variant: BulkVariant | None = None,
    ) -> SendStats:
        """``GET /overview/send-stats/sum`` (8.6): one aggregated object, not paged."""
        params = {"showSlave": show_slave, "fromDate": from_date, "toDate": to_date, "bulkVariant": bulk_variant}
        answer = self.request("GET", "/overview/send-stats/sum", params=params)
        return wire.send_stats(wire.require_object(answer, "the send statistics sum"))

    def list_single_messages(
        self,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        show_slave: bool | None = None,
        page: int = 0,
        size: int | None = None,
    ) -> Page[SingleMessage]:
        """``GET /overview/singlemessages`` (8.7)."""
        params = {"startDate": start_date, "endDate": end_date, "showSlave": show_slave, "page": page, "size": size}
        answer = self.request("GET", "/overview/singlemessages", params=params)
        return wire.page_of(answer, "the single messages", wire.single_message, page=page, size=size)

    iter_single_messages = walks_pages(list_single_messages)

    def get_user_history(
        self,
        *,
        msisdn: str,
        from_date: datetime,
        to_date: datetime,
        show_slave: bool | None = None,
        bulk_variant: BulkVariant | None = None,
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
    ) -> Page[SingleMessage]:
        """``GET /overview/user-history`` (8.8): what was sent to one number."""
        params = {
            "showSlave": show_slave,
            "fromDate": from_date,
            "toDate": to_date,
            "bulkVariant": bulk_variant,
            "msisdn": msisdn,
            "page": page,
            "size": size,
            "sortDirection": sort_direction,
            "sortField": sort_field,
        }
        answer = self.request("GET", "/overview/user-history", params=params)
        return wire.page_of(answer, "the user history", wire.single_message, page=page, size=size)

    iter_user_history = walks_pages(get_user_history)
