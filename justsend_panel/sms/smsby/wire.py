"""SMS.by's shapes: what the client sends and how it reads the answers.

Readings where the manual is silent (docs/providers.md, SMS.by):

* times SMS.by writes without a zone (``status_time``, ``d_create``, ``d_sent``) and the
  ``schedule_time``/``time``/``d_schedule`` the panel sends are Minsk time (Europe/Minsk,
  the service's home); numbers in ``d_create``/``d_schedule``/``sent``/``delivered`` are epoch
  seconds, ``0`` meaning "not yet";
* a 200 answer that carries ``error`` (or ``status: "error"``) is a refusal
  (:class:`SmsApiError`, permanent), whatever the HTTP status said;
* ``checkSMS`` tells Viber from SMS by a ``channel`` field (``sms``/``viber``) when the answer
  has one; without it the channel is unknown (``None``);
* ``checkSMSMessageStatus``, ``sendSmsList`` and ``confirmSendMessageByList`` show no answer
  body: the client returns the JSON object as :class:`RawAnswer` and reads ``status``,
  ``message_id`` and ``cost`` where present.

Every parsed answer keeps the provider's JSON in ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from justsend_panel.sms import wire
from justsend_panel.sms.exceptions import SmsApiError, SmsBadResponse
from justsend_panel.sms.smsby.statuses import map_status
from justsend_panel.sms.smsby.vocabulary import NAME_MAX_LENGTH, MessageType
from justsend_panel.sms.types import MessageState

JsonDict = dict[str, Any]
SMSBY_TZ = ZoneInfo("Europe/Minsk")
PROVIDER = "SMS.by"


# --- what the panel sends ---------------------------------------------------------------------


def local_time(value: datetime, fmt: str) -> str:
    """``value`` in Minsk time, as ``fmt``; a naive datetime is refused, not guessed."""
    if value.utcoffset() is None:
        raise ValueError("A time sent to SMS.by must be timezone-aware.")
    return value.astimezone(SMSBY_TZ).strftime(fmt)


def check_phone(phone: Any) -> str:
    if not isinstance(phone, str) or not phone.isascii() or not phone.isdigit():
        raise ValueError(f"A phone number for SMS.by is digits only, got {phone!r}.")
    return phone


@dataclass(frozen=True, slots=True)
class Mailing:
    """One mailing of ``sendBulkSms``: ``bulk`` (``text`` for every phone of ``phones``) or
    ``personal`` (``personal``: (phone, text) pairs)."""

    name: str
    alphaname_id: int
    message_type: MessageType
    phones: Sequence[str] = ()
    text: str | None = None
    personal: Sequence[tuple[str, str]] = ()
    schedule_time: datetime | None = None

    def problems(self) -> list[str]:
        problems = []
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > NAME_MAX_LENGTH:
            problems.append(f"A mailing needs a name of 1 to {NAME_MAX_LENGTH} characters.")
        if isinstance(self.alphaname_id, bool) or not isinstance(self.alphaname_id, int) or self.alphaname_id <= 0:
            problems.append("A mailing needs an alpha name id (a positive whole number).")
        if self.message_type is MessageType.BULK:
            if not self.text:
                problems.append("A bulk mailing needs a text.")
            if not self.phones:
                problems.append("A mailing needs at least one phone number.")
            if self.personal:
                problems.append("A bulk mailing takes phones, not (phone, text) pairs.")
            numbers = list(self.phones)
        else:
            if not self.personal:
                problems.append("A mailing needs at least one phone number.")
            if self.text is not None or self.phones:
                problems.append("A personal mailing takes (phone, text) pairs only.")
            if any(not text for _, text in self.personal):
                problems.append("Every personal message needs a text.")
            numbers = [phone for phone, _ in self.personal]
        for phone in numbers:
            try:
                check_phone(phone)
            except ValueError as error:
                problems.append(str(error))
        if self.schedule_time is not None and self.schedule_time.utcoffset() is None:
            problems.append("The scheduled time must be timezone-aware.")
        return problems

    def to_json(self) -> JsonDict:
        data: JsonDict = {"alphaname_id": str(self.alphaname_id), "name": self.name,
                          "message_type": self.message_type.value}
        if self.message_type is MessageType.BULK:
            data["text"] = self.text
            data["delivery_list"] = list(self.phones)
        else:
            data["delivery_list"] = [{"phone": phone, "text": text} for phone, text in self.personal]
        if self.schedule_time is not None:
            data["schedule_time"] = local_time(self.schedule_time, "%Y-%m-%dT%H:%M:%S")
        return data


def check_mailings(mailings: Sequence[Mailing]) -> None:
    if not mailings:
        raise ValueError("sendBulkSms needs at least one mailing.")
    problems = [f"mailing {i}: {p}" for i, mailing in enumerate(mailings) for p in mailing.problems()]
    if problems:
        raise ValueError("; ".join(problems))


# --- what SMS.by answers ------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    value = wire.text(value)
    return value.strip() or None if value is not None else None


def local_timestamp(value: Any) -> datetime | None:
    """A time SMS.by wrote: epoch seconds (0: not yet) or Minsk wall time without a zone."""
    if isinstance(value, bool) or value in (None, "", 0, "0"):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return datetime.fromtimestamp(int(value), tz=UTC)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SMSBY_TZ)


def refusal(raw: Any) -> None:
    """A 200 answer that says it failed (``error``, or ``status: "error"``) -> SmsApiError."""
    if not isinstance(raw, Mapping):
        return
    status = raw.get("status")
    if raw.get("error") not in (None, "", False, 0) or (isinstance(status, str) and status.lower() == "error"):
        detail = _text(raw.get("error")) or _text(raw.get("message")) or "the request was refused"
        raise SmsApiError(f"{PROVIDER} refused the request: {detail}", status=200, body=raw)


def _required(data: Mapping[str, Any], key: str, what: str, raw: Any) -> str:
    value = _text(data.get(key))
    if value is None:
        raise SmsBadResponse(f"{PROVIDER}'s {what} has no {key}.", body=raw)
    return value


def _object(raw: Any, what: str) -> Mapping[str, Any]:
    refusal(raw)
    if not isinstance(raw, Mapping):
        raise SmsBadResponse(f"{PROVIDER} answered {what} without a JSON object.", body=raw)
    return raw


@dataclass(frozen=True, slots=True)
class BulkAnswer:
    uuid: str
    raw: Any = field(default=None, repr=False, compare=False)


def parse_bulk_answer(raw: Any) -> BulkAnswer:
    data = _object(raw, "sendBulkSms")
    uuid = _required(data, "uuid", "sendBulkSms", raw)
    return BulkAnswer(uuid, raw)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One recipient of a mailing, from ``statusBulkSms`` or ``getSmsDeliveryList``."""

    phone: str
    status: str
    state: MessageState | None
    delivery_id: str | None = None
    time: datetime | None = None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


def _delivery(entry: Any, time_key: str, raw: Any) -> Delivery:
    if not isinstance(entry, Mapping):
        raise SmsBadResponse(f"{PROVIDER}'s delivery entry is not an object.", body=raw)
    phone, status = _text(entry.get("phone")), _text(entry.get("status"))
    if phone is None or status is None:
        raise SmsBadResponse(f"{PROVIDER}'s delivery entry lacks phone or status.", body=raw)
    return Delivery(phone, status, map_status(status), _text(entry.get("delivery_id")),
                    local_timestamp(entry.get(time_key)), dict(entry))


@dataclass(frozen=True, slots=True)
class MailingStatus:
    """One mailing of a ``statusBulkSms`` answer."""

    message_id: str | None
    name: str | None
    alphaname_id: str | None
    deliveries: tuple[Delivery, ...]
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


def parse_bulk_status(raw: Any) -> list[MailingStatus]:
    refusal(raw)
    if not isinstance(raw, list):
        raise SmsBadResponse(f"{PROVIDER}'s statusBulkSms answer is not a list.", body=raw)
    mailings = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("success", []), list):
            raise SmsBadResponse(f"{PROVIDER}'s statusBulkSms entry is not a mailing.", body=raw)
        deliveries = tuple(_delivery(entry, "status_time", raw) for entry in item.get("success") or [])
        mailings.append(MailingStatus(_text(item.get("message_id")), _text(item.get("name")),
                                      _text(item.get("alphaname_id")), deliveries, dict(item)))
    return mailings


@dataclass(frozen=True, slots=True)
class SmsAnswer:
    """The answer of ``sendQuickSMS``, ``sendOtpTelegram``, ``sendOtpWhatsApp`` and ``sendSMS``."""

    sms_id: str
    status: str | None
    state: MessageState | None
    parts: int | None = None
    cost: Decimal | None = None
    raw: Any = field(default=None, repr=False, compare=False)


def parse_sms_answer(raw: Any) -> SmsAnswer:
    data = _object(raw, "a message")
    sms_id = _required(data, "sms_id", "answer", raw)
    status = _text(data.get("status"))
    return SmsAnswer(sms_id, status, map_status(status), wire.integer(data.get("parts")),
                     wire.decimal(data.get("cost")), raw)


@dataclass(frozen=True, slots=True)
class CreatedMessage:
    """``createSmsMessage``: a message to send later with ``sendSMS``."""

    message_id: str
    parts: int | None
    length: int | None
    alphaname: str | None
    time: datetime | None
    raw: Any = field(default=None, repr=False, compare=False)


def parse_created_message(raw: Any) -> CreatedMessage:
    data = _object(raw, "createSmsMessage")
    message_id = _required(data, "message_id", "createSmsMessage", raw)
    return CreatedMessage(message_id, wire.integer(data.get("parts")), wire.integer(data.get("len")),
                          _text(data.get("alphaname")), local_timestamp(data.get("time")), raw)


@dataclass(frozen=True, slots=True)
class SmsCheck:
    """``checkSMS``: when the message was sent and delivered, and by which channel if said."""

    sms_id: str
    sent_at: datetime | None
    delivered_at: datetime | None
    channel: str | None
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def state(self) -> MessageState:
        if self.delivered_at is not None:
            return MessageState.DELIVERED
        return MessageState.SENT if self.sent_at is not None else MessageState.QUEUED


def parse_sms_check(raw: Any) -> SmsCheck:
    data = _object(raw, "checkSMS")
    sms_id = _required(data, "sms_id", "checkSMS", raw)
    channel = _text(data.get("channel"))
    return SmsCheck(sms_id, local_timestamp(data.get("sent")), local_timestamp(data.get("delivered")),
                    channel.lower() if channel else None, raw)


@dataclass(frozen=True, slots=True)
class MessageEntry:
    """One entry of ``getMessagesList``."""

    message_id: str
    message: str | None
    parts: int | None
    created_at: datetime | None
    status: str | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


def _result(raw: Any, what: str) -> list[Mapping[str, Any]]:
    data = _object(raw, what)
    result = data.get("result")
    if not isinstance(result, list) or not all(isinstance(item, Mapping) for item in result):
        raise SmsBadResponse(f"{PROVIDER}'s {what} answer has no result list.", body=raw)
    return result


def parse_messages_list(raw: Any) -> list[MessageEntry]:
    entries = []
    for item in _result(raw, "getMessagesList"):
        message_id = _required(item, "message_id", "getMessagesList", raw)
        entries.append(MessageEntry(message_id, wire.text(item.get("message")), wire.integer(item.get("parts")),
                                    local_timestamp(item.get("d_create")), _text(item.get("status")), dict(item)))
    return entries


def parse_delivery_list(raw: Any) -> list[Delivery]:
    return [_delivery(item, "d_sent", raw) for item in _result(raw, "getSmsDeliveryList")]


@dataclass(frozen=True, slots=True)
class MailingSummary:
    """One mailing of ``getSMSMessages`` (WEB or API)."""

    id: str
    name: str | None
    type: str | None
    status: str | None
    created_at: datetime | None
    scheduled_at: datetime | None
    parts: int | None
    count_phones: int | None
    sms_delivered: int | None
    cost: Decimal | None
    alphaname: str | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


def parse_mailings(raw: Any) -> list[MailingSummary]:
    data = _object(raw, "getSMSMessages")
    items = data.get("data")
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        raise SmsBadResponse(f"{PROVIDER}'s getSMSMessages answer has no data list.", body=raw)
    mailings = []
    for item in items:
        mailing_id = _required(item, "id", "getSMSMessages", raw)
        mailings.append(MailingSummary(
            mailing_id, wire.text(item.get("name")), _text(item.get("type")), _text(item.get("status")),
            local_timestamp(item.get("d_create")), local_timestamp(item.get("d_schedule")),
            wire.integer(item.get("parts")), wire.integer(item.get("count_phones")),
            wire.integer(item.get("sms_delivered")), wire.decimal(item.get("cost")),
            _text(item.get("alphaname")), dict(item),
        ))
    return mailings


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """An answer the manual does not show: its JSON object, and what the panel reads of it."""

    message_id: str | None
    status: str | None
    cost: Decimal | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


def parse_raw_answer(raw: Any, what: str) -> RawAnswer:
    data = _object(raw, what)
    return RawAnswer(_text(data.get("message_id")), _text(data.get("status")), wire.decimal(data.get("cost")),
                     dict(data))
