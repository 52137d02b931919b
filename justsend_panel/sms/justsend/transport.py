"""HTTP transport of the Justsend client: :class:`~justsend_panel.sms.http.ProviderTransport`
with Justsend's App-Key header, and Justsend's paging helpers.

The generic pieces (the one place httpx failures become SmsErrors, the body decoding
below) live in :mod:`justsend_panel.sms.http`, shared with the other providers.

How answers are decoded (manual 2.3 says "JSON", its own examples show bare
strings such as ``Bulk process cancelled successfully`` and bodiless 200/204):

* an empty body is ``None``;
* a body that parses as JSON is that JSON (a quoted string becomes a ``str``);
* a body that does not parse is a bare string, unless it starts like a JSON
  document (``{`` or ``[``), which is a malformed answer -> ``SmsBadResponse``.
  Spring answers a ``String`` with ``Content-Type: application/json`` but no
  quotes, so the content type alone cannot tell the two apart.

The App-Key is sent as a header and kept out of every log line, exception
message and ``repr``; if the provider echoes it in an error body we mask it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Concatenate, ParamSpec, TypeVar

from justsend_panel.sms.http import (
    DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
    MASK,
    ProviderTransport,
    Query,
    build_query,
    decode_body,
    format_datetime,
    message_from_body,
    parse_retry_after,
)
from justsend_panel.sms.types import Page

T = TypeVar("T")
P = ParamSpec("P")
Self_ = TypeVar("Self_")

DEFAULT_BASE_URL = "https://justsend.io/api"
APP_KEY_HEADER = "App-Key"


class JustsendTransport(ProviderTransport):
    provider = "Justsend"
    log_name = "justsend"
    key_header = APP_KEY_HEADER
    key_name = "App-Key"


def iterate_pages(fetch: Callable[[int], Page[T]], *, start: int = 0) -> Iterator[T]:
    """Yield every item of every page from ``start`` on, asking for the next page only when needed."""
    page_number = start
    while True:
        page = fetch(page_number)
        yield from page.content
        if page.is_last:
            return
        page_number += 1


def walks_pages(
    list_method: Callable[Concatenate[Self_, P], Page[T]],
) -> Callable[Concatenate[Self_, P], Iterator[T]]:
    """Make ``iter_x`` from ``list_x``: same arguments, ``page`` is where the walk starts.

    ``iter_groups = walks_pages(list_groups)`` yields every group of every page,
    fetching the next page only when the previous one is used up.
    """

    def walk(self: Self_, /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        start = kwargs.pop("page", 0)
        return iterate_pages(lambda page: list_method(self, *args, **kwargs, page=page), start=start)  # type: ignore[arg-type]

    walk.__name__ = "iter_" + list_method.__name__.removeprefix("list_").removeprefix("get_")
    walk.__qualname__ = list_method.__qualname__.replace(list_method.__name__, walk.__name__)
    walk.__doc__ = f"Every item of every page of ``{list_method.__name__}``, from ``page`` (default 0) on."
    return walk


__all__ = [
    "APP_KEY_HEADER",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "MASK",
    "JustsendTransport",
    "Query",
    "build_query",
    "decode_body",
    "format_datetime",
    "iterate_pages",
    "message_from_body",
    "parse_retry_after",
    "walks_pages",
]
