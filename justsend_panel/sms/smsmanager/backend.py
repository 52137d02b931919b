"""SMS Manager behind the provider interface (see :mod:`justsend_panel.sms.base`)."""

from __future__ import annotations

from collections.abc import Sequence

from justsend_panel.sms.base import Backend, Capabilities
from justsend_panel.sms.smsmanager.vocabulary import (
    MAX_RECIPIENTS_PER_CALL,
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_REQUESTS_PER_CALL,
)
from justsend_panel.sms.types import OutboundMessage


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


class SmsManagerBackend(Backend):
    name = "smsmanager"
    label = "SMS Manager"
    capabilities = Capabilities(
        max_recipients_per_call=MAX_RECIPIENTS_PER_CALL,
        personalised_batch=True,  # one body per request of /v2/messages
        scheduling=True,
        delivery_webhooks=True,
        channels=True,
        find_batch_by_reference=False,  # no lookup: the panel records each call first
    )

    def plan_calls(self, messages: Sequence[OutboundMessage]) -> list[list[OutboundMessage]]:
        """Calls of at most 10 requests (one text, at most 10 recipients each): a STANDARD
        campaign goes 100 per call, a fully personalised one 10 per call. A call holds its
        requests' messages request by request."""
        requests = pack_requests(messages)
        return [
            [message for request in requests[i : i + MAX_REQUESTS_PER_CALL] for message in request]
            for i in range(0, len(requests), MAX_REQUESTS_PER_CALL)
        ]
