"""JustCall's SMS API v2 client: one method per endpoint of the manual.

The manual documents one endpoint, ``POST /v2/texts/send`` (JC L5); the status webhook
is JustCall calling the panel (:mod:`.webhooks`). The credentials travel as one header,
``Authorization: {api_key}:{api_secret}`` (JC L16); the key, the secret and the pair are
masked wherever an error body echoes them.

Errors (JC L68–74), mapped by :mod:`justsend_panel.sms.http`: 400 (a field missing) and 422
(the body too long) are :class:`SmsApiError`, permanent; 404 (``from`` not found or not
SMS-enabled) is :class:`SmsNotFound`, permanent, its message naming the number; 429 is
:class:`SmsRateLimited` with ``Retry-After`` when given (the manual says only "retry with
exponential backoff"); 5xx, timeouts and connection failures are the retryable ones.
"""

from __future__ import annotations

from typing import Any

import httpx

from justsend_panel.sms.exceptions import SmsNotFound
from justsend_panel.sms.http import DEFAULT_TIMEOUT, MASK, ProviderTransport
from justsend_panel.sms.justcall.wire import SendAnswer, TextRequest, parse_send_answer

DEFAULT_BASE_URL = "https://api.justcall.io/v2"


class JustCallTransport(ProviderTransport):
    provider = "JustCall"
    log_name = "justcall"
    key_header = "Authorization"
    key_name = "API key and secret"

    def __init__(self, base_url: str, api_key: str, api_secret: str, **kwargs: Any) -> None:
        if not api_key or not api_secret:
            raise ValueError("JustCall needs an API key and an API secret.")
        self._parts = (api_key, api_secret)
        super().__init__(base_url, f"{api_key}:{api_secret}", **kwargs)

    def _mask(self, value: Any) -> Any:
        value = super()._mask(value)
        if isinstance(value, str):
            for part in self._parts:
                value = value.replace(part, MASK)
        return value


class JustCallClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str = "",
        api_secret: str = "",
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.transport = JustCallTransport(base_url, api_key, api_secret, timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.transport.base_url!r})"

    def __enter__(self) -> JustCallClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    def send_text(self, request: TextRequest) -> SendAnswer:
        """``POST /v2/texts/send``: one SMS (or MMS with ``media_url``) to one number."""
        body = request.to_json()
        try:
            answer = self.transport.request("POST", "texts/send", json_body=body)
        except SmsNotFound as error:
            # JC L72: the 404 is about the From number; say which one.
            raise SmsNotFound(
                f"JustCall does not know {request.from_number} as an SMS-enabled number of this account (404).",
                status=error.status,
                body=error.body,
            ) from error
        return parse_send_answer(answer)
