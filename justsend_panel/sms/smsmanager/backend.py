"""SMS Manager behind the provider interface (see :mod:`justsend_panel.sms.base`).

A call is one ``POST /v2/messages`` of at most 10 requests, each one text for at most 10
recipients (:meth:`SmsManagerBackend.plan_calls` packs them). Each request carries its
recipients' references as ``payload = {"refs": [r0, r1, …]}`` in recipient order; SMS
Manager echoes the payload in its notifications, so a status resolves to the recipient
whatever its message id. There is no lookup of a call by a reference of ours
(``find_batch_by_reference=False``): the panel records each call before making it and
treats a call whose answer was lost as in doubt.

Readings of the answer are in :mod:`.wire`. A recipient that the answer neither accepts
nor rejects (no accepted entry for its request) is in neither list of the receipt: not
known to be sent, so *in doubt* (docs/providers.md, "Answer"); a later notification naming
its reference settles it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from justsend_panel.sms.base import Backend, Capabilities
from justsend_panel.sms.exceptions import SmsApiError, SmsUnauthorized
from justsend_panel.sms.smsmanager.client import SmsManagerClient
from justsend_panel.sms.smsmanager.vocabulary import (
    MAX_RECIPIENTS_PER_CALL,
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_REQUESTS_PER_CALL,
    validate_options,
)
from justsend_panel.sms.smsmanager.webhooks import parse_notifications
from justsend_panel.sms.smsmanager.wire import MessageRequest, RejectedEntry, SendAnswer
from justsend_panel.sms.types import (
    AcceptedMessage,
    InboundMessage,
    OutboundBatch,
    OutboundMessage,
    RejectedMessage,
    SendReceipt,
    StatusEvent,
)


def pack_requests(messages: Sequence[OutboundMessage]) -> list[list[OutboundMessage]]:
    """Messages grouped into requests of one text each (at most 10 recipients), in the
    order each text first appears; recipients keep their order within a text."""
    by_text: dict[str, list[list[OutboundMessage]]] = {}
    requests: list[list[OutboundMessage]] = []
    for message in messages:
        open_requests = by_text.setdefault(message.text, [])
        if not open_requests or len(open_requests[-1]) >= MAX_RECIPIENTS_PER_REQUEST:
            open_requests.append([])
            requests.append(open_requests[-1])
        open_requests[-1].append(message)
    return requests


def _rejections(
    requests: list[list[OutboundMessage]], rejected: Sequence[RejectedEntry]
) -> dict[tuple[int, int], RejectedEntry]:
    """(request index, recipient index) -> its rejection: by the indices when the entry
    names them, else the first recipient not yet matched with that phone number."""
    found: dict[tuple[int, int], RejectedEntry] = {}
    for entry in rejected:
        r, i = entry.request_index, entry.recipient_index
        if r is not None and i is not None and 0 <= r < len(requests) and 0 <= i < len(requests[r]):
            found[(r, i)] = entry
            continue
        candidates = [
            (r_index, i_index)
            for r_index, request in enumerate(requests)
            if entry.request_index in (None, r_index)
            for i_index, message in enumerate(request)
            if message.to == entry.phone_number and (r_index, i_index) not in found
        ]
        if candidates:
            found[candidates[0]] = entry
    return found


def _request_message_ids(
    requests: list[list[OutboundMessage]], answer: SendAnswer, rejected: Mapping[tuple[int, int], RejectedEntry]
) -> dict[int, str]:
    """Request index -> its message id: by ``request_index`` when given, else in order
    over the requests that have an accepted recipient."""
    ids: dict[int, str] = {}
    unplaced = []
    for entry in answer.accepted:
        if entry.request_index is not None and 0 <= entry.request_index < len(requests):
            ids[entry.request_index] = entry.message_id
        else:
            unplaced.append(entry.message_id)
    open_requests = (
        index
        for index, request in enumerate(requests)
        if index not in ids and any((index, i) not in rejected for i in range(len(request)))
    )
    for request_index, message_id in zip(open_requests, unplaced, strict=False):
        ids[request_index] = message_id
    return ids


class SmsManagerBackend(Backend):
    name = "smsmanager"
    label = "SMS Manager"
    capabilities = Capabilities(
        max_recipients_per_call=MAX_RECIPIENTS_PER_CALL,
        personalised_batch=True,  # one body per request of /v2/messages
        scheduling=True,
        delivery_webhooks=True,
        # Replies come to the same callback, the request's payload echoed (SM L57).
        inbound_messages=True,
        channels=True,
        find_batch_by_reference=False,  # no lookup: the panel records each call first
    )

    _client: SmsManagerClient | None = None

    def client(self) -> SmsManagerClient:
        """The SMS Manager client, opened on first use and closed with the backend."""
        if self._client is None:
            api_key = self.config.credentials.get("api_key", "")
            if not api_key:
                raise SmsUnauthorized("No SMS Manager API key is configured.")
            self._client = SmsManagerClient(
                self.config.api_url, api_key, timeout=self.config.timeout, transport=self.transport
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- sending ------------------------------------------------------------------------
    def plan_calls(self, messages: Sequence[OutboundMessage]) -> list[list[OutboundMessage]]:
        """Calls of at most 10 requests (one text, at most 10 recipients each): a STANDARD
        campaign goes 100 per call, a fully personalised one 10 per call. A call holds its
        requests' messages request by request."""
        requests = pack_requests(messages)
        return [
            [message for request in requests[i : i + MAX_REQUESTS_PER_CALL] for message in request]
            for i in range(0, len(requests), MAX_REQUESTS_PER_CALL)
        ]

    def build_payload(self, batch: OutboundBatch) -> list[MessageRequest]:
        options = validate_options(batch.options)
        requests = pack_requests(batch.messages)
        if len(requests) > MAX_REQUESTS_PER_CALL:
            raise ValueError(
                f"SMS Manager takes at most {MAX_REQUESTS_PER_CALL} texts of "
                f"{MAX_RECIPIENTS_PER_REQUEST} recipients per call, this batch needs {len(requests)}: "
                "split it with plan_calls()."
            )
        return [
            MessageRequest(
                body=request[0].text,
                to=[message.to for message in request],
                sender=batch.sender or None,
                callback=batch.callback_url or None,
                tag=options.get("tag"),
                flow=options.get("flow"),
                payload={"refs": [message.reference for message in request]},
                send_at=batch.scheduled_at,
            )
            for request in requests
        ]

    def post_payload(self, payload: list[MessageRequest]) -> SendAnswer:
        return self.client().send_messages(payload)

    def parse_receipt(self, batch: OutboundBatch, answer: SendAnswer) -> SendReceipt:
        requests = pack_requests(batch.messages)
        rejected = _rejections(requests, answer.rejected)
        message_ids = _request_message_ids(requests, answer, rejected)
        accepted_messages, rejected_messages = [], []
        for r_index, request in enumerate(requests):
            for i_index, message in enumerate(request):
                entry = rejected.get((r_index, i_index))
                if entry is not None:
                    code = entry.raw.get("code")
                    rejected_messages.append(
                        RejectedMessage(message.reference, message.to, entry.reason, str(code) if code else None)
                    )
                elif r_index in message_ids:
                    accepted_messages.append(AcceptedMessage(message.reference, f"{message_ids[r_index]}-{i_index}"))
        order = {message.reference: index for index, message in enumerate(batch.messages)}
        return SendReceipt(
            batch_id=answer.request_id,
            accepted=tuple(sorted(accepted_messages, key=lambda m: order[m.reference])),
            rejected=tuple(sorted(rejected_messages, key=lambda m: order[m.reference])),
            raw=answer.raw,
        )

    # --- after the send -----------------------------------------------------------------
    def parse_webhook(
        self, body: bytes, *, headers: Mapping[str, str], path: Sequence[str] = ()
    ) -> Sequence[StatusEvent | InboundMessage]:
        return parse_notifications(body)

    # --- account ------------------------------------------------------------------------
    def check(self) -> str:
        """``POST /v2/message`` with no recipient: it sends nothing, a good key gets the
        API's validation refusal (400/422), a bad one SmsUnauthorized."""
        probe: Any = {"body": "connection check", "to": []}
        try:
            self.client().transport.request("POST", "message", json_body=probe)
        except SmsApiError as error:
            if error.status in (400, 422):
                return "API key accepted"
            raise
        return "API key accepted"
