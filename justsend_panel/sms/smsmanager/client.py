"""SMS Manager's JSON API v2 client: one method per endpoint of the manual.

Nothing the manual says the API refuses is sent: more than 10 recipients in a request,
more than 10 requests in a call, an empty flow, an unknown tag, a missing body or
recipient, a number that is not digits (``ValueError`` before any request). The key goes
in the ``x-api-key`` header; ``GET /v2/simple/message`` also carries it as ``apikey`` in
the query, as the manual shows (the panel's logging keeps httpx at WARNING, so no URL is
logged; the transport's own lines log the path only).
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from justsend_panel.sms.http import DEFAULT_TIMEOUT, ProviderTransport
from justsend_panel.sms.smsmanager.wire import (
    MessageRequest,
    SendAnswer,
    SimpleAnswer,
    check_requests,
    parse_send_answer,
    parse_simple_answer,
)

DEFAULT_BASE_URL = "https://api.smsmngr.com/v2"


class SmsManagerTransport(ProviderTransport):
    provider = "SMS Manager"
    log_name = "smsmanager"
    key_header = "x-api-key"
    key_name = "API key"


class SmsManagerClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str = "",
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._api_key = api_key
        self.transport = SmsManagerTransport(base_url, api_key, timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.transport.base_url!r})"

    def __enter__(self) -> SmsManagerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    def send_message(self, request: MessageRequest) -> SendAnswer:
        """``POST /v2/message``: one body to at most 10 recipients."""
        check_requests([request])
        return parse_send_answer(self.transport.request("POST", "message", json_body=request.to_json()))

    def send_messages(self, requests: Sequence[MessageRequest]) -> SendAnswer:
        """``POST /v2/messages``: at most 10 requests of at most 10 recipients each."""
        check_requests(requests)
        body = [request.to_json() for request in requests]
        return parse_send_answer(self.transport.request("POST", "messages", json_body=body))

    def simple_message_get(self, phone_number: str, message: str, sender: str | None = None) -> SimpleAnswer:
        """``GET /v2/simple/message?apikey=…&phone_number=…&message=…&sender=…``."""
        check_requests([MessageRequest(body=message, to=[phone_number], sender=sender)])
        params = {"apikey": self._api_key, "phone_number": phone_number, "message": message, "sender": sender}
        return parse_simple_answer(self.transport.request("GET", "simple/message", params=params))

    def simple_message_post(self, phone_number: str, message: str, sender: str | None = None) -> SimpleAnswer:
        """``POST /v2/simple/message``, form-encoded."""
        check_requests([MessageRequest(body=message, to=[phone_number], sender=sender)])
        form = {"phone_number": phone_number, "message": message}
        if sender:
            form["sender"] = sender
        return parse_simple_answer(self.transport.request("POST", "simple/message", data=form))
