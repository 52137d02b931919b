"""Manual section 3: bulk sends, recipient-file uploads, upload descriptors, cancelling."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from justsend_panel.sms.justsend import wire
from justsend_panel.sms.justsend.transport import JustsendTransport, walks_pages
from justsend_panel.sms.justsend.types import (
    Ack,
    BulkSendRequest,
    FileDescriptor,
    SendResult,
    SortDirection,
)
from justsend_panel.sms.types import Page


@contextlib.contextmanager
def _binary_file(file: BinaryIO | str | os.PathLike[str]) -> Iterator[BinaryIO]:
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as opened:
            yield opened
        return
    if isinstance(file, io.TextIOBase):
        raise TypeError("The recipients file must be opened in binary mode.")
    yield file


class BulkEndpoints(JustsendTransport):
    def send_bulk(self, *, request: BulkSendRequest) -> SendResult:
        """``POST /sender/bulk/send`` with the recipients in the JSON body (3.1)."""
        body = wire.bulk_request_body(request, with_recipients=True)
        return wire.send_result(self.request("POST", "/sender/bulk/send", json_body=body))

    def upload_bulk(
        self,
        *,
        request: BulkSendRequest,
        file: BinaryIO | str | os.PathLike[str],
        filename: str | None = None,
    ) -> SendResult:
        """``POST /upload/bulk``: the bulk as a ``request`` JSON part and the recipients CSV as ``file`` (3.2).

        The file is streamed in chunks by httpx, never read whole; a path is
        opened and closed here, an open binary file is left open for the caller.
        ``request.recipients`` is ignored: the recipients come from the file.
        """
        part = json.dumps(wire.bulk_request_body(request, with_recipients=False)).encode()
        with _binary_file(file) as stream:
            name = filename or Path(getattr(stream, "name", "") or "recipients.csv").name
            files = {
                "request": ("request.json", part, "application/json"),
                "file": (name, stream, "text/csv"),
            }
            return wire.send_result(self.request("POST", "/upload/bulk", files=files))

    def list_upload_descriptors(
        self,
        *,
        page: int = 0,
        size: int | None = None,
        sort_field: str | None = None,
        sort_direction: SortDirection | None = None,
        days: int | None = None,
        import_status: str | None = None,
    ) -> Page[FileDescriptor]:
        """``GET /upload/bulk/descriptors`` (3.3). ``days`` and ``importStatus`` appear only in the
        manual's curl sample; they are sent when given."""
        params = {
            "days": days,
            "importStatus": import_status,
            "page": page,
            "size": size,
            "sortField": sort_field,
            "sortDirection": sort_direction,
        }
        answer = self.request("GET", "/upload/bulk/descriptors", params=params)
        return wire.page_of(answer, "the upload descriptors", wire.file_descriptor, page=page, size=size)

    iter_upload_descriptors = walks_pages(list_upload_descriptors)

    def cancel_bulk(self, *, uuid: str) -> Ack:
        """``DELETE /sender/bulk/{uuid}`` (3.4): 404 -> SmsNotFound, 409 (too late) -> SmsConflict."""
        return wire.ack(self.request("DELETE", f"/sender/bulk/{quote(str(uuid), safe='')}"))
