"""HTTP transport shared by the provider clients: one ``httpx.Client``, logging, error mapping.

This is the only module that knows httpx exceptions and HTTP statuses; each becomes an
:mod:`justsend_panel.sms.exceptions` class here and nowhere else. A provider's transport
subclasses :class:`ProviderTransport` and names itself (``provider``, ``log_name``) and
its key header (``key_header``); the Justsend and SMS Manager clients both use it.

How answers are decoded (Justsend's manual 2.3 says "JSON", its own examples show bare
strings such as ``Bulk process cancelled successfully`` and bodiless 200/204):

* an empty body is ``None``;
* a body that parses as JSON is that JSON (a quoted string becomes a ``str``);
* a body that does not parse is a bare string, unless it starts like a JSON
  document (``{`` or ``[``), which is a malformed answer -> ``SmsBadResponse``.
  Spring answers a ``String`` with ``Content-Type: application/json`` but no
  quotes, so the content type alone cannot tell the two apart.

The key is sent as a header and kept out of every log line, exception message and
``repr``; if the provider echoes it in an error body we mask it.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any, ClassVar

import httpx

from justsend_panel.sms import __version__
from justsend_panel.sms.exceptions import (
    SmsApiError,
    SmsBadResponse,
    SmsConflict,
    SmsError,
    SmsHostError,
    SmsNotFound,
    SmsRateLimited,
    SmsServerError,
    SmsTimeoutError,
    SmsUnauthorized,
)

logger = logging.getLogger("justsend_panel.sms")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_USER_AGENT = f"JustsendPanel/{__version__}"
MASK = "***"
_MAX_MESSAGE_LENGTH = 500

QueryValue = str | int | float | bool | datetime | Enum | None
Query = Mapping[str, QueryValue | list[QueryValue] | tuple[QueryValue, ...]]


def format_datetime(value: datetime) -> str:
    """ISO 8601 with the offset (``YYYY-MM-DDTHH:mm:ss±HH:mm``); a naive datetime is refused, not guessed."""
    if value.utcoffset() is None:
        raise ValueError("Datetimes sent to an SMS provider must be timezone-aware.")
    return value.isoformat(timespec="seconds")


def _query_scalar(value: QueryValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def build_query(params: Query | None) -> list[tuple[str, str]]:
    """Drop ``None``s; a list becomes a repeated parameter (``bulkStatus=A&bulkStatus=B``)."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((key, _query_scalar(item)) for item in values if item is not None)
    return pairs


def decode_body(content: bytes, provider: str = "The SMS provider") -> Any:
    text = content.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        if text[0] in "{[":
            raise SmsBadResponse(f"{provider} answered with malformed JSON.", body=text[:_MAX_MESSAGE_LENGTH]) from None
        return text


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def message_from_body(body: Any) -> str | None:
    """The provider's explanation, from a JSON object, a JSON string or plain text."""
    if isinstance(body, str):
        return body.strip() or None
    if isinstance(body, Mapping):
        for key in ("message", "error_description", "detail", "error", "errorMessage", "title", "status"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    if isinstance(body, list) and body and all(isinstance(item, str) for item in body):
        return "; ".join(body)
    return None


_STATUS_ERRORS: dict[int, tuple[type[SmsError], str]] = {
    401: (SmsUnauthorized, "{provider} refused the {key} (401)"),
    403: (SmsUnauthorized, "{provider} refused the operation for this {key} (403)"),
    404: (SmsNotFound, "{provider} could not find it (404)"),
    409: (SmsConflict, "{provider} refused it in the current state (409)"),
}


class ProviderTransport:
    """Sends one request, logs it, and turns failures into ``SmsError``s."""

    provider: ClassVar[str] = "The SMS provider"  # as error messages name it
    log_name: ClassVar[str] = "sms"  # the first word of each log line
    # None: the key does not travel in a header (SMS.by takes its token in the query/body).
    key_header: ClassVar[str | None] = "Authorization"
    key_name: ClassVar[str] = "access key"  # as error messages name the key

    def __init__(
        self,
        base_url: str,
        app_key: str,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        if not app_key:
            raise ValueError(f"{self.provider} needs an access key ({self.key_name}).")
        self.base_url = base_url.rstrip("/")
        self._app_key = app_key
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            transport=transport,
            headers={
                **({self.key_header: app_key} if self.key_header else {}),
                "User-Agent": user_agent or DEFAULT_USER_AGENT,
                "Accept": "application/json, text/plain;q=0.9, */*;q=0.8",
            },
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def __enter__(self) -> ProviderTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- requests -------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        json_body: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send and return the decoded body (JSON value, bare string, or ``None``)."""
        kwargs: dict[str, Any] = {"params": build_query(params)}
        if json_body is not None:
            kwargs["json"] = json_body
        if files is not None:
            kwargs["files"] = files
        if data is not None:
            kwargs["data"] = data
        with self._exchange(method, path) as finish:
            response = self._http.request(method, path.lstrip("/"), **kwargs)
            finish(response.status_code)
        self._raise_for_status(response, response.content)
        return self._decode(response.status_code, response.content)

    @contextlib.contextmanager
    def stream(self, method: str, path: str, *, params: Query | None = None) -> Iterator[httpx.Response]:
        """Yield a streamed, successful response; the caller iterates its bytes."""
        with self._exchange(method, path) as finish:
            with self._http.stream(method, path.lstrip("/"), params=build_query(params)) as response:
                finish(response.status_code)
                if response.is_error:
                    self._raise_for_status(response, response.read())
                yield response

    def iter_bytes(self, method: str, path: str, *, params: Query | None = None, chunk_size: int) -> Iterator[bytes]:
        with self.stream(method, path, params=params) as response:
            # Errors raised while reading the body are mapped by stream()'s _exchange.
            yield from response.iter_bytes(chunk_size)

    # --- the one place httpx failures become SmsErrors --------------------------

    @contextlib.contextmanager
    def _exchange(self, method: str, path: str) -> Iterator[Callable[[int], None]]:
        started = time.perf_counter()
        status: int | None = None

        def finish(code: int) -> None:
            nonlocal status
            status = code
            duration_ms = (time.perf_counter() - started) * 1000
            logger.info(
                "%s %s %s -> %s in %.1f ms",
                self.log_name,
                method,
                path,
                code,
                duration_ms,
                extra={"http_method": method, "http_path": path, "http_status": code, "duration_ms": duration_ms},
            )

        try:
            yield finish
        except httpx.TimeoutException as exc:
            self._log_failure(method, path, status, started, exc)
            raise SmsTimeoutError(f"{self.provider} did not answer {method} {path} in time.") from exc
        except httpx.TransportError as exc:
            # ConnectError, ReadError, RemoteProtocolError, ProxyError, UnsupportedProtocol…
            self._log_failure(method, path, status, started, exc)
            raise SmsHostError(f"Could not talk to {self.provider} for {method} {path}: {type(exc).__name__}.") from exc
        except httpx.HTTPError as exc:
            self._log_failure(method, path, status, started, exc)
            raise SmsError(f"The request {method} {path} to {self.provider} failed: {type(exc).__name__}.") from exc

    def _log_failure(self, method: str, path: str, status: int | None, started: float, exc: Exception) -> None:
        logger.warning(
            "%s %s %s -> %s after %.1f ms",
            self.log_name,
            method,
            path,
            type(exc).__name__ if status is None else status,
            (time.perf_counter() - started) * 1000,
        )

    def _mask(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(self._app_key, MASK)
        if isinstance(value, Mapping):
            return {key: self._mask(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._mask(item) for item in value]
        return value

    def _raise_for_status(self, response: httpx.Response, content: bytes) -> None:
        status = response.status_code
        if status < 300:
            return
        if status < 400:
            raise SmsBadResponse(f"{self.provider} answered with an unexpected redirect ({status}).", status=status)
        try:
            body = self._mask(decode_body(content, self.provider))
        except SmsBadResponse as exc:
            body = self._mask(exc.body)
        detail = message_from_body(body)
        if detail and len(detail) > _MAX_MESSAGE_LENGTH:
            detail = detail[:_MAX_MESSAGE_LENGTH] + "…"
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = f"; retry in {retry_after:.0f} s" if retry_after is not None else ""
            raise SmsRateLimited(
                f"{self.provider} is limiting the request rate (429){wait}.", body=body, retry_after=retry_after
            )
        if status >= 500:
            raise SmsServerError(
                f"{self.provider} had an internal error ({status})" + (f": {detail}" if detail else "."),
                status=status,
                body=body,
            )
        if status not in _STATUS_ERRORS:
            # Usually a 400: the provider's own words are the most useful thing to show.
            raise SmsApiError(detail or f"{self.provider} rejected the request ({status}).", status=status, body=body)
        error_class, summary = _STATUS_ERRORS[status]
        summary = summary.format(provider=self.provider, key=self.key_name)
        raise error_class(f"{summary}: {detail}" if detail else f"{summary}.", status=status, body=body)

    def _decode(self, status: int, content: bytes) -> Any:
        try:
            return decode_body(content, self.provider)
        except SmsBadResponse as exc:
            raise SmsBadResponse(exc.message, status=status, body=self._mask(exc.body)) from None
