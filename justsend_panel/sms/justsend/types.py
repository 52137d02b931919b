"""Justsend's own types: its enums, request inputs and parsed answers.

Answers are frozen dataclasses; each keeps the provider's original JSON in ``raw``
so that a field we do not model yet is never lost. Where the provider may send a
value outside an enum we know, the field holds the plain string instead of
failing (typed ``Enum | str``): the panel must keep working when Justsend adds a
status. The apps reach these through ``vocabulary("justsend")``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from justsend_panel.sms.types import JsonDict, Money


class BulkType(enum.StrEnum):
    """How a bulk's content is built (manual 3.1)."""

    STANDARD = "STANDARD"  # one text for everybody
    PERSONALIZED = "PERSONALIZED"  # recipients[].content per recipient
    PARAMETRIZED = "PARAMETRIZED"  # template with $1, $2… filled per recipient


class BulkVariant(enum.StrEnum):
    """The product a message is sent and billed as (manual 3.1, 6.1, 8.5)."""

    ECO = "ECO"  # from the short number 4777
    FULL = "FULL"  # one of the ten FullSender headings
    PRO = "PRO"  # own sender name up to 11 characters
    ECO_RESP = "ECO_RESP"  # ECO collecting replies
    PRO_RESP = "PRO_RESP"  # PRO collecting replies
    INTER = "INTER"  # foreign recipients; needs a Country
    VOICE = "VOICE"  # text read out in a phone call; needs a VoiceConfig
    # Only seen as statistics filters (8.5, 8.6); never sent by the panel.
    TEST = "TEST"
    RCS = "RCS"


class FullSender(enum.StrEnum):
    """The ten ready-made sender headings of the FULL variant, spelt as the manual lists them."""

    INFORMATION = "INFORMATION"
    COMPETITION = "COMPETITION"
    SPECIAL_OFFER = "SPECIAL OFFER"
    NEW = "NEW"
    INFO = "INFO"
    OFFER = "OFFER"
    OPPORTUNITY = "OPPORTUNITY"
    MESSAGE = "MESSAGE"
    ANNOUNCEMENT = "ANNOUNCEMENT"
    NEWS = "NEWS"


class BulkStatus(enum.StrEnum):
    """Statuses of a bulk (manual 8.1)."""

    TO_PAY = "TO_PAY"
    PAID = "PAID"
    TO_SEND = "TO_SEND"
    IN_PROGRESS = "IN_PROGRESS"
    WAITING_TO_SEND = "WAITING_TO_SEND"
    FINISHED = "FINISHED"
    CANCELED = "CANCELED"
    CANCELLED_TIME_RESTRICTED = "CANCELLED_TIME_RESTRICTED"
    HOLD = "HOLD"
    HOLD_SMISHING = "HOLD_SMISHING"
    HOLD_QUARANTINE = "HOLD_QUARANTINE"
    HOLD_DICTIONARY = "HOLD_DICTIONARY"
    REJECTED = "REJECTED"
    DELETED = "DELETED"


class DeliveryStatus(enum.StrEnum):
    """Final delivery outcomes reported by the delivery-status postback (manual 11.2)."""

    MESSAGE_DELIVERED = "MESSAGE_DELIVERED"
    MESSAGE_UNDELIVERED = "MESSAGE_UNDELIVERED"
    MESSAGE_EXPIRED = "MESSAGE_EXPIRED"
    MESSAGE_REJECTED = "MESSAGE_REJECTED"


class Country(enum.StrEnum):
    """Countries the manual lists for INTER sends, groups and the blacklist.

    The manual spells the Czech Republic "CZECH REPUBLIC" in two lists and
    "CZECHIA" in a third; an enum constant cannot hold a space and every other
    multi-word country uses underscores, so we send ``CZECHIA`` and accept the
    other spellings when reading.
    """

    AUSTRIA = "AUSTRIA"
    BELGIUM = "BELGIUM"
    BULGARIA = "BULGARIA"
    CROATIA = "CROATIA"
    CYPRUS = "CYPRUS"
    CZECHIA = "CZECHIA"
    DENMARK = "DENMARK"
    ESTONIA = "ESTONIA"
    FINLAND = "FINLAND"
    FRANCE = "FRANCE"
    GERMANY = "GERMANY"
    GREECE = "GREECE"
    HUNGARY = "HUNGARY"
    ICELAND = "ICELAND"
    IRELAND = "IRELAND"
    ITALY = "ITALY"
    LATVIA = "LATVIA"
    LITHUANIA = "LITHUANIA"
    LUXEMBOURG = "LUXEMBOURG"
    MALTA = "MALTA"
    NETHERLANDS = "NETHERLANDS"
    POLAND = "POLAND"
    PORTUGAL = "PORTUGAL"
    ROMANIA = "ROMANIA"
    SLOVAKIA = "SLOVAKIA"
    SLOVENIA = "SLOVENIA"
    SPAIN = "SPAIN"
    SWEDEN = "SWEDEN"
    UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND = "UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND"

    @classmethod
    def _missing_(cls, value: object) -> Country | None:
        if isinstance(value, str) and value.upper().replace("_", " ") == "CZECH REPUBLIC":
            return cls.CZECHIA
        return None


class GroupType(enum.StrEnum):
    LOCAL = "LOCAL"
    INTERNATIONAL = "INTERNATIONAL"


class SortDirection(enum.StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class PaymentProvider(enum.StrEnum):
    PAYU = "PAYU"
    DVP = "DVP"
    JUSTSEND = "JUSTSEND"
    P24 = "P24"


class PaymentMethod(enum.StrEnum):
    TRANSFER = "TRANSFER"
    BLIK = "BLIK"
    CARD = "CARD"
    POINTS = "POINTS"
    PROFORMA = "PROFORMA"
    PBL = "PBL"
    UNKNOWN = "UNKNOWN"


class TransactionStatus(enum.StrEnum):
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"


class PlatformType(enum.StrEnum):
    PL = "PL"
    FR = "FR"
    SK = "SK"
    PL_PGE = "PL_PGE"


class PostbackKind(enum.StrEnum):
    """The three postback notifications of manual section 11."""

    SEND_STATUS = "send_status"
    DELIVERY_STATUS = "delivery_status"
    INCOMING = "incoming"


# --- inputs -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """One bulk recipient; ``content`` is the personal text (PERSONALIZED) or template (PARAMETRIZED)."""

    msisdn: str
    content: str | None = None


@dataclass(frozen=True, slots=True)
class VoiceConfig:
    """How a VOICE message is called out (manual 3.1.3). Periods in minutes, pause in seconds."""

    repeat_dtmf: bool | None = None
    min_period: int | None = None
    max_period: int | None = None
    max_count: int | None = None  # the provider caps it at 4
    pause: int | None = None  # 0-10 s between pick-up and playback
    max_dtmf: int | None = None
    voice_language: str | None = None  # e.g. "POLISH"
    voice_repeating: bool | None = None

    def __post_init__(self) -> None:
        if self.pause is not None and not 0 <= self.pause <= 10:
            raise ValueError("VoiceConfig.pause must be between 0 and 10 seconds.")
        for name in ("min_period", "max_period", "max_count", "max_dtmf"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"VoiceConfig.{name} must not be negative.")


@dataclass(frozen=True, slots=True)
class BulkSendRequest:
    """A bulk to submit, either with ``recipients`` in JSON or with a recipients file.

    ``country`` goes to ``bulkProperties.country`` (required for INTER) and
    ``voice_config`` to ``bulkProperties.voiceConfig`` (VOICE). ``send_date``
    must be timezone-aware; Justsend requires it (its client refuses ``None``): pass the
    submission time to send now.
    """

    name: str
    bulk_type: BulkType
    bulk_variant: BulkVariant
    message: str | None = None
    sender: str | None = None
    send_date: datetime | None = None
    recipients: Sequence[Recipient] = ()
    group_ids: Sequence[int] = ()
    country: Country | None = None
    voice_config: VoiceConfig | None = None

    def __post_init__(self) -> None:
        if self.bulk_variant is BulkVariant.INTER and self.country is None:
            raise ValueError("An INTER bulk needs a country.")
        if self.bulk_type is BulkType.PERSONALIZED and any(r.content is None for r in self.recipients):
            raise ValueError("A PERSONALIZED bulk needs a content for every recipient.")
        if self.send_date is not None and self.send_date.utcoffset() is None:
            raise ValueError("send_date must be timezone-aware.")


@dataclass(frozen=True, slots=True)
class GroupMember:
    """A contact in a group; used both to send and to read members."""

    msisdn: str
    group_id: int | None = None
    name: str | None = None
    surname: str | None = None
    address: str | None = None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GroupMemberUpdate:
    """One change of ``PUT /group-members``: who the member is now, and what to store."""

    current: GroupMember
    new: GroupMember


# --- answers ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ack:
    """A confirmation whose shape the manual leaves open: a text, an object, or nothing."""

    message: str | None
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the provider answered to a send: its id for the bulk/message, when it gave one."""

    id: str | None
    message: str | None = None
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FileDescriptor:
    """An uploaded recipients file (manual 3.3)."""

    id: str | None
    file_name: str | None
    status: str | None
    created_at: datetime | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Group:
    id: int | None
    name: str | None
    owner_id: int | None
    group_type: GroupType | str | None
    country: Country | str | None
    member_count: int | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class AuthCode:
    """A Mail2SMS authorisation code (manual 5.1)."""

    id: str | None
    code: str | None
    sender_override: str | None
    bulk_variant: BulkVariant | str | None
    properties: JsonDict | None
    create_date: datetime | None
    update_date: datetime | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class WhitelistEntry:
    id: str | None
    email: str | None
    create_date: datetime | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class VariantPrice:
    bulk_variant: BulkVariant | str
    price_in_points: Decimal | None


@dataclass(frozen=True, slots=True)
class AccountSummary:
    id: str | None
    account_balance: Decimal | None
    promo_points: Decimal | None
    prices: list[VariantPrice]
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class PricingConfig:
    """The variants the account can use, with a price where the provider gives one (manual 7.1)."""

    entries: list[VariantPrice]
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def variants(self) -> list[BulkVariant | str]:
        return [entry.bulk_variant for entry in self.entries]


@dataclass(frozen=True, slots=True)
class Transaction:
    id: str | None
    user_id: int | None
    transaction_date: datetime | None
    value: Money | None
    amount_in_points: Decimal | None
    account_balance_in_points: Decimal | None
    transaction_type: str | None
    payment_provider: PaymentProvider | str | None
    payment_method: PaymentMethod | str | None
    transaction_status: TransactionStatus | str | None
    transaction_error: str | None
    internal_transaction_id: str | None
    external_transaction_id: str | None
    bulk_id: str | None
    create_date: datetime | None
    modified_date: datetime | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Bulk:
    """A bulk as listed by the overview (manual 8.1)."""

    id: int | None
    uuid: str | None
    name: str | None
    bulk_type: BulkType | str | None
    bulk_variant: BulkVariant | str | None
    bulk_status: BulkStatus | str | None
    sender: str | None
    message: str | None
    send_date: datetime | None
    create_date: datetime | None
    recipients_count: int | None
    charged_points: Decimal | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class BulkCounts:
    """Per-bulk progress counters (manual 8.2)."""

    total_messages: int | None
    recipients: int | None
    sent: int | None
    delivered: int | None
    sent_unconfirmed: int | None
    undelivered: int | None
    not_sent: int | None


@dataclass(frozen=True, slots=True)
class BulkDetails:
    """One bulk in full (manual 8.2)."""

    bulk: Bulk
    counts: BulkCounts
    send_end_date: datetime | None
    predicted_finish_date: datetime | None
    points_per_sms: Decimal | None
    cost: Money | None
    bulk_cost_in_points: Decimal | None
    insufficient_points: Decimal | None
    country: str | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class InvalidRecipient:
    msisdn: str | None
    reason: str | None
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class KeywordResponse:
    """A reply collected by keyword (manual 8.4); the manual names only the filters."""

    keyword: str | None
    msisdn: str | None
    email: str | None
    response_message: str | None
    date: datetime | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SendStats:
    """A row of shipping statistics (8.5) or their sum (8.6); the manual gives no field list."""

    raw: JsonDict = field(default_factory=dict, repr=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)


@dataclass(frozen=True, slots=True)
class SingleMessage:
    """A message as answered by 9.1, or a row of the 8.7 and 8.8 lists."""

    id: str | None
    msisdn: str | None
    content: str | None
    sender: str | None
    acknowledge_status: str | None
    send_date: datetime | None
    delivery_date: datetime | None
    charged_points: Decimal | None
    message_count: int | None
    bulk_variant: BulkVariant | str | None
    transaction_value: Money | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class BlacklistEntry:
    id: int | None
    msisdn: str | None
    user_id: int | None
    country: Country | str | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class DeliveryEvent:
    """A send-status or delivery-status postback.

    ``status`` is ``None`` for a send status (the message reached the operator)
    and for a delivery status we do not know; ``status_code`` keeps the text.
    """

    kind: PostbackKind
    message_id: str | None
    uuid: str | None
    msisdn: str | None
    sender: str | None
    operator: str | None
    occurred_at: datetime | None
    status: DeliveryStatus | None
    status_code: str | None
    ack_id: str | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_final(self) -> bool:
        return self.status is not None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """An incoming (MO) SMS postback (manual 11.3)."""

    message_id: str | None
    uuid: str | None
    msisdn: str | None
    sender: str | None
    operator: str | None
    received_at: datetime | None
    message: str
    prefix: str | None
    group_id: int | None
    group_name: str | None
    id_msg_content: str | None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)

    @property
    def kind(self) -> PostbackKind:
        return PostbackKind.INCOMING
