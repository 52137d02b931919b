"""Provider-neutral types of the provider layer: what every backend speaks.

Answers are frozen dataclasses; each keeps the provider's original JSON in ``raw``
so that a field we do not model yet is never lost. A provider's own enums, requests
and answers live in its package (Justsend's in :mod:`justsend_panel.sms.justsend.types`);
the apps reach them through :func:`justsend_panel.sms.registry.vocabulary`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

T = TypeVar("T")

JsonDict = dict[str, Any]


# --- generic answers --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a paged list. ``page`` counts from 0; ``size`` is what was asked (or answered)."""

    content: list[T]
    total_pages: int
    total_elements: int
    page: int
    size: int | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_last(self) -> bool:
        return not self.content or self.page + 1 >= self.total_pages


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str | None


# --- provider-neutral types (every backend speaks these; see sms/base.py) -------------


class MessageState(enum.StrEnum):
    """Where one message stands, the same words for every provider.

    A provider's own status is mapped onto these by its status map; the raw value is
    kept beside it. Only ``QUEUED`` and ``SENT`` are not final.
    """

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    EXPIRED = "expired"
    REJECTED = "rejected"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self not in (MessageState.QUEUED, MessageState.SENT)

    @property
    def rank(self) -> int:
        """Order for "statuses only move forward": a lower rank never replaces a higher one."""
        return {MessageState.QUEUED: 0, MessageState.SENT: 1}.get(self, 2)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One recipient's message. ``reference`` is the panel's own id for the recipient
    (sent to the provider where it echoes one back, as SMS Manager's ``payload``).

    ``callback_token``: an unguessable token naming this recipient, for a provider that
    takes a status URL per message (JustCall's ``webhook_url``): the backend appends it to
    the batch's ``callback_url`` (``<callback_url>/<token>/``) and hands it back as the
    ``reference`` of the status events that URL receives. The panel makes and checks it.
    """

    reference: str
    to: str  # E.164 without "+", as the panel stores numbers
    text: str
    media_url: str | None = None
    callback_token: str | None = None


@dataclass(frozen=True, slots=True)
class OutboundBatch:
    """What one provider call carries: up to ``Capabilities.max_recipients_per_call`` messages.

    ``reference`` is unique per call and stable across retries (the panel records it
    before the call); ``options`` are the provider's own choices (channel flow, tag,
    variant…), already validated by that provider's rules module.
    """

    reference: str
    messages: Sequence[OutboundMessage]
    sender: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    scheduled_at: datetime | None = None
    callback_url: str | None = None


@dataclass(frozen=True, slots=True)
class AcceptedMessage:
    reference: str
    message_id: str | None


@dataclass(frozen=True, slots=True)
class RejectedMessage:
    reference: str
    to: str
    reason: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class SendReceipt:
    """The provider's answer to one call: its batch id and, per recipient, accepted or rejected."""

    batch_id: str | None
    accepted: tuple[AcceptedMessage, ...] = ()
    rejected: tuple[RejectedMessage, ...] = ()
    raw: Any = field(default=None, repr=False, compare=False)
    # What the provider says the call cost and how many parts it billed, where it says so
    # (SMS.by's sendQuickSMS with show_cost).
    cost: Decimal | None = None
    parts: int | None = None


@dataclass(frozen=True, slots=True)
class BatchFigures:
    """What the provider says of one batch it took (SMS.by's mailing): its cost (in the
    account's currency, which the provider may not name) and the message parts billed."""

    reference: str
    batch_id: str | None = None
    cost: Decimal | None = None
    parts: int | None = None


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A provider-neutral delivery event, from a webhook or a poll.

    ``state`` is ``None`` when the provider's status is not in its status map: the event
    is then kept (``raw_status``, ``raw``) but moves nothing. ``reference`` is the panel's
    recipient reference when the provider echoed it back (payload, per-message token).
    """

    provider: str
    state: MessageState | None
    raw_status: str
    message_id: str | None = None
    reference: str | None = None
    msisdn: str | None = None
    occurred_at: datetime | None = None
    error: str | None = None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)
    # The channel the message went by, where the provider says (SMS.by's checkSMS: sms, viber).
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A reply (MO message) from a provider other than Justsend, in the neutral shape.

    Justsend's postback has more fields (prefix, group, operator): it keeps its own
    ``InboundMessage`` in :mod:`justsend_panel.sms.justsend.types`.
    """

    message_id: str | None
    msisdn: str | None
    message: str
    sender: str | None = None  # the number or name the reply was sent to
    uuid: str | None = None  # the provider's request id, where it gives one
    received_at: datetime | None = None
    # The panel's reference of the recipient who replied, when the provider echoes it
    # (SMS Manager: the request's ``payload``); the reply then names its campaign.
    reference: str | None = None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)
