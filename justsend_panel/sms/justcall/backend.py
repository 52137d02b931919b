"""JustCall behind the provider interface (see :mod:`justsend_panel.sms.base`).

One call is one ``POST /v2/texts/send`` to one recipient (``max_recipients_per_call=1``):
a campaign is a paced stream of single sends. There is no lookup of a call by a
reference of ours (``find_batch_by_reference=False``): the panel records each call before
making it, and a call whose answer was lost is in doubt until a status webhook settles it.

Per-recipient webhook: the panel gives the batch's ``callback_url`` (its webhook route
for JustCall) and each :class:`~justsend_panel.sms.types.OutboundMessage` a
``callback_token`` (unguessable, naming the recipient); the message's ``webhook_url`` is
``<callback_url>/<callback_token>/``, and :meth:`JustCallBackend.parse_webhook` hands the
token back as each event's ``reference``. Without a token the bare ``callback_url`` is sent.

The From number: ``batch.sender``, else ``options["from"]``; when the provider's config
lists ``from_numbers`` (an administrator's list), it must be one of them. MMS: the
message's ``media_url``, else ``options["media_url"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from justsend_panel.sms.base import Backend, Capabilities
from justsend_panel.sms.exceptions import SmsApiError, SmsUnauthorized
from justsend_panel.sms.justcall.client import JustCallClient
from justsend_panel.sms.justcall.vocabulary import MAX_RECIPIENTS_PER_CALL, to_e164, validate_options
from justsend_panel.sms.justcall.webhooks import parse_status_webhook
from justsend_panel.sms.justcall.wire import SendAnswer, TextRequest
from justsend_panel.sms.types import (
    AcceptedMessage,
    InboundMessage,
    OutboundBatch,
    OutboundMessage,
    SendReceipt,
    StatusEvent,
)


def webhook_url(callback_url: str | None, message: OutboundMessage) -> str | None:
    """``<callback_url>/<token>/`` for a message with a token, else ``callback_url``."""
    if not callback_url:
        return None
    if not message.callback_token:
        return callback_url
    return f"{callback_url.rstrip('/')}/{message.callback_token}/"


class JustCallBackend(Backend):
    name = "justcall"
    label = "JustCall"
    capabilities = Capabilities(
        max_recipients_per_call=MAX_RECIPIENTS_PER_CALL,  # one `to` per call (JC L10)
        delivery_webhooks=True,  # webhook_url per message (JC L13, L53–61)
        per_message_callback=True,  # so each message's URL carries its recipient's token
        from_numbers=True,  # `from`: an SMS-enabled number of the account (JC L9)
        mms=True,  # media_url (JC L12, L62–67)
        find_batch_by_reference=False,  # no lookup: the panel records each call first
    )

    _client: JustCallClient | None = None

    def client(self) -> JustCallClient:
        """The JustCall client, opened on first use and closed with the backend."""
        if self._client is None:
            api_key = self.config.credentials.get("api_key", "")
            api_secret = self.config.credentials.get("api_secret", "")
            if not api_key or not api_secret:
                raise SmsUnauthorized("No JustCall API key and secret are configured.")
            self._client = JustCallClient(
                self.config.api_url, api_key, api_secret, timeout=self.config.timeout, transport=self.transport
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- sending ------------------------------------------------------------------------
    def build_payload(self, batch: OutboundBatch) -> TextRequest:
        if len(batch.messages) != 1:
            raise ValueError(f"JustCall takes exactly one recipient per call, got {len(batch.messages)}.")
        from_numbers = self.config.options.get("from_numbers")
        options = dict(batch.options)
        if batch.sender:
            options["from"] = batch.sender
        options = validate_options(options, from_numbers=from_numbers)
        if "from" not in options:
            raise ValueError(["A JustCall message needs a From number."])
        message = batch.messages[0]
        request = TextRequest(
            from_number=options["from"],
            to=to_e164(message.to),
            body=message.text,
            media_url=message.media_url or options.get("media_url"),
            webhook_url=webhook_url(batch.callback_url, message),
        )
        problems = request.problems()
        if problems:
            raise ValueError(problems)
        return request

    def post_payload(self, payload: TextRequest) -> SendAnswer:
        return self.client().send_text(payload)

    def parse_receipt(self, batch: OutboundBatch, answer: SendAnswer) -> SendReceipt:
        message = batch.messages[0]
        return SendReceipt(
            batch_id=answer.message_id,
            accepted=(AcceptedMessage(message.reference, answer.message_id),),
            raw=answer.raw,
        )

    # --- after the send -----------------------------------------------------------------
    def parse_webhook(
        self, body: bytes, *, headers: Mapping[str, str], path: Sequence[str] = ()
    ) -> Sequence[StatusEvent | InboundMessage]:
        return parse_status_webhook(body, path=path)

    # --- account ------------------------------------------------------------------------
    def check(self) -> str:
        """``POST /v2/texts/send`` with an empty body: the manual's only endpoint, and this
        call sends nothing. Good credentials get the 400 "missing from, to or body"
        (JC L71); bad ones 401 (SmsUnauthorized)."""
        probe: Any = {}
        try:
            self.client().transport.request("POST", "texts/send", json_body=probe)
        except SmsApiError as error:
            if error.status in (400, 422):
                return "API key and secret accepted"
            raise
        return "API key and secret accepted"
