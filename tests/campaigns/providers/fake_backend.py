"""A test-only provider backend, in-process (no HTTP, so no HTTP mock either): it answers
each call as its script says and records what it was given. Registered for a test by the
``fake_provider`` fixture under the name ``fakeprov``."""

from __future__ import annotations

import json
from collections.abc import Callable

from justsend_panel.sms.base import Backend, Capabilities
from justsend_panel.sms.types import (
    AcceptedMessage,
    MessageState,
    OutboundBatch,
    RejectedMessage,
    SendReceipt,
    StatusEvent,
)


class FakeBackend(Backend):
    name = "fakeprov"
    label = "Fake provider"
    # Like SMS Manager: no lookup of a batch by our reference, no file upload.
    capabilities = Capabilities(max_recipients_per_call=10, personalised_batch=True,
                                delivery_webhooks=True)

    # Per call, in order: None (accept everyone), an exception to raise, or a callable
    # (batch) -> SendReceipt. Calls beyond the script are accepted.
    script: list = []
    # Every batch handed over, in order.
    batches: list[OutboundBatch] = []
    # Called with the batch before the answer (to look at the database at call time).
    on_call: Callable[[OutboundBatch], None] | None = None

    @classmethod
    def reset(cls) -> None:
        cls.script, cls.batches, cls.on_call = [], [], None

    def build_payload(self, batch: OutboundBatch) -> OutboundBatch:
        return batch

    def post_payload(self, payload: OutboundBatch):
        type(self).batches.append(payload)
        if type(self).on_call is not None:
            type(self).on_call(payload)
        action = type(self).script.pop(0) if type(self).script else None
        if isinstance(action, BaseException):
            raise action
        return action(payload) if callable(action) else None

    def parse_receipt(self, batch: OutboundBatch, answer) -> SendReceipt:
        if isinstance(answer, SendReceipt):
            return answer
        return accept_all(batch)

    def parse_webhook(self, body: bytes, *, headers, path=()):
        """``{"events": [{"ref", "id", "status"}]}``; an unknown status maps to None."""
        data = json.loads(body)
        events = []
        for item in data["events"]:
            status = item["status"]
            state = MessageState(status) if status in set(MessageState) else None
            events.append(StatusEvent(provider=self.name, state=state, raw_status=status,
                                      message_id=item.get("id"), reference=item.get("ref"),
                                      raw=item))
        return events


def message_id(batch: OutboundBatch, index: int) -> str:
    return f"{batch.reference}-{index}"


def accept_all(batch: OutboundBatch) -> SendReceipt:
    return SendReceipt(batch_id=batch.reference, accepted=tuple(
        AcceptedMessage(reference=m.reference, message_id=message_id(batch, i))
        for i, m in enumerate(batch.messages)))


def reject_first(count: int, reason: str = "invalid number"):
    def answer(batch: OutboundBatch) -> SendReceipt:
        rejected = batch.messages[:count]
        return SendReceipt(
            batch_id=batch.reference,
            accepted=tuple(AcceptedMessage(reference=m.reference,
                                           message_id=message_id(batch, i + count))
                           for i, m in enumerate(batch.messages[count:])),
            rejected=tuple(RejectedMessage(reference=m.reference, to=m.to, reason=reason)
                           for m in rejected))
    return answer
