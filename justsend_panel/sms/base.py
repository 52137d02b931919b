"""The provider interface: one :class:`Backend` per SMS provider, and what it can do.

Shaped after django-anymail's ``BasePayload``/``AnymailBaseBackend`` and RapidPro
courier's channel handlers: an app builds a provider-neutral
:class:`~justsend_panel.sms.types.OutboundBatch`, the backend turns it into the
provider's request (:meth:`Backend.build_payload`), makes the call
(:meth:`Backend.post_payload`) and parses the answer into a
:class:`~justsend_panel.sms.types.SendReceipt` (:meth:`Backend.parse_receipt`).
Delivery comes back as :class:`~justsend_panel.sms.types.StatusEvent` from
:meth:`Backend.parse_webhook` or :meth:`Backend.poll_statuses`.

The apps never ask "is this Justsend?": they ask ``backend.capabilities``. A method
for a feature the provider lacks raises :class:`~justsend_panel.sms.exceptions.SmsUnsupported`.
Pure Python: no Django here; :mod:`justsend_panel.sms.registry` builds backends
from :class:`ProviderConfig` values that the panel's settings supply.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from justsend_panel.sms.exceptions import SmsUnsupported
from justsend_panel.sms.types import (
    Balance,
    BatchFigures,
    InboundMessage,
    OutboundBatch,
    OutboundMessage,
    SendReceipt,
    StatusEvent,
)


class Mode(enum.StrEnum):
    """How a provider is reached: with real credentials, on its simulator, or not at all."""

    LIVE = "live"
    SIMULATOR = "simulator"
    OFF = "off"


@dataclass(frozen=True)
class ProviderConfig:
    """Everything a backend needs, from the environment. ``credentials`` never reach a repr."""

    name: str
    mode: Mode
    api_url: str
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    timeout: float = 30.0
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Capabilities:
    """What a provider's API offers, read from its manual. The UI offers only these."""

    max_recipients_per_call: int = 1
    personalised_batch: bool = False  # a different text per recipient in one call
    file_upload: bool = False
    remote_groups: bool = False
    remote_blacklist: bool = False
    scheduling: bool = False
    cancel: bool = False
    find_batch_by_reference: bool = False  # never twice by lookup (else: record + in doubt)
    delivery_webhooks: bool = False
    # Takes a status-callback URL per message: the panel names the recipient in it by a
    # signed token (OutboundMessage.callback_token), checked when the callback comes.
    per_message_callback: bool = False
    # Sends from numbers of the account that an administrator lists on the Providers page
    # (the backend's ``config.options["from_numbers"]``); the forms offer only those.
    from_numbers: bool = False
    delivery_polling: bool = False
    inbound_messages: bool = False
    mms: bool = False
    channels: bool = False  # channel flow / fallback (Viber, WhatsApp…)
    device_routing: bool = False  # device / SIM choice (phone gateway)
    balance: bool = False  # the account's balance and its payments
    price_query: bool = False
    email_to_sms: bool = False  # e-mail to SMS gateway with its codes and whitelist (Mail2SMS)
    statistics: bool = False  # sending history and statistics kept by the provider
    # Says what it charged for what it sent (Justsend: a bulk's chargedPoints); the campaign
    # page shows charged points only for such a provider.
    charged_points: bool = False
    verification_codes: bool = False  # one-time codes through a messenger (Telegram, WhatsApp)
    message_status_polling: bool = False  # one single message's status by its id

    def offered(self) -> list[str]:
        """The names of the boolean capabilities this provider has, in declaration order."""
        return [f.name for f in fields(self) if f.type in ("bool", bool) and getattr(self, f.name)]


class Backend:
    """Base of every provider backend. Subclasses set ``name``, ``label`` and
    ``capabilities`` and implement the methods of the features they have."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    # Calls per second the panel makes to this provider (all workers together) unless an
    # administrator sets another rate on the Providers page.
    default_rate_limit: ClassVar[float] = 10.0

    def __init__(self, config: ProviderConfig, *, transport: Any = None) -> None:
        self.config = config
        self.transport = transport

    # --- lifetime ---------------------------------------------------------------
    def close(self) -> None:
        """Release the HTTP client, if the backend opened one."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _unsupported(self, feature: str) -> SmsUnsupported:
        return SmsUnsupported(f"{self.label or self.name} does not offer {feature}.")

    # --- sending: a template method -------------------------------------------------
    def plan_calls(self, messages: Sequence[OutboundMessage]) -> list[list[OutboundMessage]]:
        """Split ``messages`` into the calls this provider takes, in order. The default is
        chunks of ``max_recipients_per_call``; a provider whose call holds a few bodies of
        many recipients (SMS Manager: 10 requests of 10) packs by text instead."""
        size = self.capabilities.max_recipients_per_call
        return [list(messages[i : i + size]) for i in range(0, len(messages), size)]

    def send_batch(self, batch: OutboundBatch) -> SendReceipt:
        """One provider call for ``batch``. Raises an :class:`SmsError`; a transient one
        (timeout, 5xx, 429) leaves the call's outcome unknown to the caller."""
        limit = self.capabilities.max_recipients_per_call
        if len(batch.messages) > limit:
            raise ValueError(f"{self.name} takes at most {limit} recipients per call, got {len(batch.messages)}.")
        payload = self.build_payload(batch)
        answer = self.post_payload(payload)
        return self.parse_receipt(batch, answer)

    def build_payload(self, batch: OutboundBatch) -> Any:
        raise self._unsupported("sending")

    def post_payload(self, payload: Any) -> Any:
        raise self._unsupported("sending")

    def parse_receipt(self, batch: OutboundBatch, answer: Any) -> SendReceipt:
        raise self._unsupported("sending")

    def send_message(self, batch: OutboundBatch) -> SendReceipt:
        """One message to one number (a single message): the provider's single-message call
        where it has one (SMS.by: ``sendQuickSMS``, with Viber forwarding), else one
        :meth:`send_batch`. The receipt's ``accepted[0].message_id`` is what
        :meth:`message_status` takes."""
        return self.send_batch(batch)

    def send_verification_code(self, *, reference: str, to: str, code: str, channel: str) -> SendReceipt:
        """A verification code to one number through a messenger ``channel`` (only with
        ``verification_codes``)."""
        raise self._unsupported("verification codes")

    # --- after the send -------------------------------------------------------------
    def message_status(self, message_id: str) -> StatusEvent:
        """The status of one message sent by :meth:`send_message` or
        :meth:`send_verification_code`, by its id (only with ``message_status_polling``)."""
        raise self._unsupported("a message's status")

    def find_batch(self, reference: str) -> str | None:
        """The provider's batch id for a call made with ``reference``, or ``None`` when
        the provider has no such batch (only with ``find_batch_by_reference``)."""
        raise self._unsupported("finding a batch by its reference")

    def batch_figures(self, references: Sequence[str]) -> Sequence[BatchFigures]:
        """Cost and parts of the batches made with these references that the provider
        still lists (only with ``find_batch_by_reference``)."""
        raise self._unsupported("the figures of a batch")

    def cancel_batch(self, batch_id: str) -> None:
        raise self._unsupported("cancelling")

    def poll_statuses(self, batch_id: str) -> Sequence[StatusEvent]:
        raise self._unsupported("status polling")

    def parse_webhook(
        self, body: bytes, *, headers: Mapping[str, str], path: Sequence[str] = ()
    ) -> Sequence[StatusEvent | InboundMessage]:
        """Parse one webhook request (already authenticated by the panel's route).

        StatusEvents, and where the provider forwards replies, its own inbound messages.
        """
        raise self._unsupported("delivery webhooks")

    # --- account --------------------------------------------------------------------
    def balance(self) -> Balance:
        raise self._unsupported("a balance")

    def check(self) -> str:
        """The cheapest authenticated call; returns a short description, raises SmsError."""
        raise self._unsupported("a connection check")


__all__ = ["Backend", "Capabilities", "Mode", "ProviderConfig"]
