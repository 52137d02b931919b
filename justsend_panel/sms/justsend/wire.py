"""Justsend's wire format: request bodies out, normalised types in.

Readers are liberal: a field of an unexpected type becomes ``None``, an
unknown enum value stays a string, and the original object is kept in ``raw``.
Only an answer of the wrong overall shape (a text where a JSON object must be)
raises :class:`SmsBadResponse`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

from justsend_panel.sms.exceptions import SmsBadResponse
from justsend_panel.sms.justsend.transport import format_datetime
from justsend_panel.sms.justsend.types import (
    Ack,
    AccountSummary,
    AuthCode,
    BlacklistEntry,
    Bulk,
    BulkCounts,
    BulkDetails,
    BulkSendRequest,
    BulkStatus,
    BulkType,
    BulkVariant,
    Country,
    FileDescriptor,
    Group,
    GroupMember,
    GroupType,
    InvalidRecipient,
    KeywordResponse,
    PaymentMethod,
    PaymentProvider,
    PricingConfig,
    SendResult,
    SendStats,
    SingleMessage,
    Transaction,
    TransactionStatus,
    VariantPrice,
    VoiceConfig,
    WhitelistEntry,
)
from justsend_panel.sms.types import JsonDict, Money, Page
from justsend_panel.sms.wire import decimal, integer, text, timestamp  # noqa: F401 - wire.text etc.

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

_ID_LIKE = re.compile(r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d+)$")


# --- scalar readers (text, integer, decimal, timestamp): justsend_panel.sms.wire


def member_of(enum_class: type[E], value: Any) -> E | str | None:
    if value is None:
        return None
    try:
        return enum_class(value)
    except ValueError:
        return str(value)


def money(value: Any) -> Money | None:
    if not isinstance(value, Mapping):
        return None
    amount = decimal(value.get("amount"))
    return None if amount is None else Money(amount=amount, currency=text(value.get("currency")))


def require_object(value: Any, what: str) -> JsonDict:
    if not isinstance(value, dict):
        raise SmsBadResponse(f"Justsend answered {what} with {type(value).__name__}, not a JSON object.", body=value)
    return value


def require_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise SmsBadResponse(f"Justsend answered {what} with {type(value).__name__}, not a JSON array.", body=value)
    return value


def objects(value: Any, what: str, parse: Callable[[JsonDict], T]) -> list[T]:
    return [parse(require_object(item, what)) for item in require_list(value, what)]


# --- answers ------------------------------------------------------------------


def page_of(value: Any, what: str, parse: Callable[[JsonDict], T], *, page: int, size: int | None) -> Page[T]:
    """``{"content": [...], "totalPages", "totalElements"}``; a bare array is read as the only page."""
    if isinstance(value, list):
        items = objects(value, what, parse)
        return Page(content=items, total_pages=1, total_elements=len(items), page=page, size=size, raw={})
    body = require_object(value, what)
    if "content" not in body:
        raise SmsBadResponse(f"Justsend answered {what} without a 'content' list.", body=body)
    items = objects(body["content"] or [], what, parse)
    total_elements = integer(body.get("totalElements"))
    total_pages = integer(body.get("totalPages"))
    return Page(
        content=items,
        total_pages=total_pages if total_pages is not None else (1 if items else 0),
        total_elements=total_elements if total_elements is not None else len(items),
        page=integer(body.get("number")) if integer(body.get("number")) is not None else page,
        size=integer(body.get("size")) or size,
        raw={key: item for key, item in body.items() if key != "content"},
    )


def _first(body: Mapping[str, Any], *keys: str) -> Any:
    lowered = {key.lower(): item for key, item in body.items()}
    for key in keys:
        if lowered.get(key.lower()) is not None:
            return lowered[key.lower()]
    return None


def send_result(value: Any) -> SendResult:
    """The manual shows ``{"ID": "..."}``, ``{"id": "..."}`` and bare strings for a started send."""
    if value is None:
        return SendResult(id=None, raw=None)
    if isinstance(value, bool):
        raise SmsBadResponse("Justsend answered a send with a boolean.", body=value)
    if isinstance(value, int):
        return SendResult(id=str(value), raw=value)
    if isinstance(value, str):
        if _ID_LIKE.match(value.strip()):
            return SendResult(id=value.strip(), raw=value)
        return SendResult(id=None, message=value, raw=value)
    body = require_object(value, "a send")
    return SendResult(
        id=text(_first(body, "id", "uuid", "bulkId", "bulkUuid", "messageId")),
        message=text(_first(body, "message", "status")),
        raw=body,
    )


def ack(value: Any) -> Ack:
    if isinstance(value, str):
        return Ack(message=value, raw=value)
    if isinstance(value, Mapping):
        return Ack(message=text(_first(value, "message", "status")), raw=value)
    return Ack(message=None, raw=value)


def file_descriptor(body: JsonDict) -> FileDescriptor:
    return FileDescriptor(
        id=text(body.get("id")),
        file_name=text(_first(body, "fileName", "name")),
        status=text(_first(body, "status", "importStatus")),
        created_at=timestamp(_first(body, "createdAt", "createDate")),
        raw=body,
    )


def group_member(body: JsonDict) -> GroupMember:
    return GroupMember(
        msisdn=text(body.get("msisdn")) or "",
        group_id=integer(body.get("groupId")),
        name=text(body.get("name")),
        surname=text(body.get("surname")),
        address=text(body.get("address")),
        raw=body,
    )


def group(body: JsonDict) -> Group:
    return Group(
        id=integer(body.get("id")),
        name=text(body.get("name")),
        owner_id=integer(body.get("ownerId")),
        group_type=member_of(GroupType, body.get("groupType")),
        country=member_of(Country, body.get("country")),
        member_count=integer(body.get("memberCount")),
        raw=body,
    )


def auth_code(body: JsonDict) -> AuthCode:
    properties = body.get("properties")
    return AuthCode(
        id=text(body.get("id")),
        code=text(body.get("code")),
        sender_override=text(body.get("senderOverride")),
        bulk_variant=member_of(BulkVariant, body.get("bulkVariant")),
        properties=properties if isinstance(properties, dict) else None,
        create_date=timestamp(body.get("createDate")),
        update_date=timestamp(body.get("updateDate")),
        raw=body,
    )


def whitelist_entry(body: JsonDict) -> WhitelistEntry:
    return WhitelistEntry(
        id=text(body.get("id")), email=text(body.get("email")), create_date=timestamp(body.get("createDate")), raw=body
    )


def _variant_price(item: Any) -> VariantPrice | None:
    if isinstance(item, str):
        return VariantPrice(bulk_variant=member_of(BulkVariant, item) or item, price_in_points=None)
    if isinstance(item, Mapping) and item.get("bulkVariant") is not None:
        return VariantPrice(
            bulk_variant=member_of(BulkVariant, item["bulkVariant"]) or "",
            price_in_points=decimal(item.get("priceInPoints")),
        )
    return None


def account_summary(value: Any) -> AccountSummary:
    body = require_object(value, "the account summary")
    configs = body.get("pricingConfigs")
    prices = [price for price in map(_variant_price, configs if isinstance(configs, list) else []) if price]
    return AccountSummary(
        id=text(body.get("id")),
        account_balance=decimal(body.get("accountBalance")),
        promo_points=decimal(body.get("promoPoints")),
        prices=prices,
        raw=body,
    )


def pricing_config(value: Any) -> PricingConfig:
    """The manual shows a list of variant names; we also take ``{bulkVariant, priceInPoints}`` items."""
    if isinstance(value, dict):
        value = value.get("pricingConfigs", value.get("content"))
    items = require_list(value, "the pricing configuration")
    return PricingConfig(entries=[price for price in map(_variant_price, items) if price], raw=items)


def transaction(body: JsonDict) -> Transaction:
    return Transaction(
        id=text(body.get("id")),
        user_id=integer(body.get("userId")),
        transaction_date=timestamp(body.get("transactionDate")),
        value=money(body.get("transactionValue")),
        amount_in_points=decimal(body.get("amountInPoints")),
        account_balance_in_points=decimal(body.get("accountBalanceInPoints")),
        transaction_type=text(body.get("transactionType")),
        payment_provider=member_of(PaymentProvider, body.get("paymentProvider")),
        payment_method=member_of(PaymentMethod, body.get("paymentMethod")),
        transaction_status=member_of(TransactionStatus, body.get("transactionStatus")),
        transaction_error=text(body.get("transactionError")),
        internal_transaction_id=text(body.get("internalTransactionId")),
        external_transaction_id=text(body.get("externalTransactionId")),
        bulk_id=text(body.get("bulkId")),
        create_date=timestamp(body.get("createDate")),
        modified_date=timestamp(body.get("modifiedDate")),
        raw=body,
    )


def bulk(body: JsonDict) -> Bulk:
    return Bulk(
        id=integer(body.get("id")),
        uuid=text(body.get("uuid")),
        name=text(body.get("name")),
        bulk_type=member_of(BulkType, body.get("bulkType")),
        bulk_variant=member_of(BulkVariant, body.get("bulkVariant")),
        bulk_status=member_of(BulkStatus, body.get("bulkStatus")),
        sender=text(body.get("sender")),
        message=text(body.get("message")),
        send_date=timestamp(body.get("sendDate")),
        create_date=timestamp(body.get("createDate")),
        recipients_count=integer(body.get("recipientsCount")),
        charged_points=decimal(body.get("chargedPoints")),
        raw=body,
    )


def bulk_details(value: Any) -> BulkDetails:
    body = require_object(value, "the bulk details")
    cost = decimal(body.get("cost"))
    return BulkDetails(
        bulk=bulk(body),
        counts=BulkCounts(
            total_messages=integer(body.get("totalMessageCount")),
            recipients=integer(body.get("recipientsCount")),
            sent=integer(body.get("sentCount")),
            delivered=integer(body.get("deliveredCount")),
            sent_unconfirmed=integer(body.get("sentUnconfirmedCount")),
            undelivered=integer(body.get("undeliveredCount")),
            not_sent=integer(body.get("notSentCount")),
        ),
        send_end_date=timestamp(body.get("sendEndDate")),
        predicted_finish_date=timestamp(body.get("predictedFinishDate")),
        points_per_sms=decimal(body.get("pointsPerSms")),
        cost=None if cost is None else Money(amount=cost, currency=text(body.get("currency"))),
        bulk_cost_in_points=decimal(body.get("bulkCostInPoints")),
        insufficient_points=decimal(body.get("bulkInsufficientPoints")),
        country=text(body.get("country")),
        raw=body,
    )


def invalid_recipients(value: Any) -> list[InvalidRecipient]:
    """The manual only says "a list of recipient data": take an array, a page, or an object's first array."""
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        value = value["content"] if isinstance(value.get("content"), list) else (lists[0] if lists else [])
    result = []
    for item in require_list(value, "the invalid recipients"):
        if isinstance(item, Mapping):
            reason = _first(item, "reason", "error", "status", "invalidReason")
            result.append(InvalidRecipient(msisdn=text(item.get("msisdn")), reason=text(reason), raw=item))
        else:
            result.append(InvalidRecipient(msisdn=text(item), reason=None, raw=item))
    return result


def keyword_response(body: JsonDict) -> KeywordResponse:
    return KeywordResponse(
        keyword=text(_first(body, "keyword", "prefix")),
        msisdn=text(body.get("msisdn")),
        email=text(_first(body, "email", "userEmail")),
        response_message=text(_first(body, "responseMessage", "message")),
        date=timestamp(_first(body, "createDate", "receiveDate", "sendDate", "date")),
        raw=body,
    )


def send_stats(body: JsonDict) -> SendStats:
    return SendStats(raw=body)


def single_message(body: JsonDict) -> SingleMessage:
    return SingleMessage(
        id=text(body.get("id")),
        msisdn=text(body.get("msisdn")),
        content=text(body.get("content")),
        sender=text(body.get("sender")),
        acknowledge_status=text(body.get("acknowledgeStatus")),
        send_date=timestamp(body.get("sendDate")),
        delivery_date=timestamp(body.get("deliveryDate")),
        charged_points=decimal(body.get("chargedPoints")),
        message_count=integer(body.get("messageCount")),
        bulk_variant=member_of(BulkVariant, body.get("bulkVariant")),
        transaction_value=money(body.get("transactionValue")),
        raw=body,
    )


def blacklist_entry(body: JsonDict) -> BlacklistEntry:
    return BlacklistEntry(
        id=integer(body.get("id")),
        msisdn=text(body.get("msisdn")),
        user_id=integer(body.get("userId")),
        country=member_of(Country, body.get("country")),
        raw=body,
    )


# --- request bodies -------------------------------------------------------------


def _without_none(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


def voice_config_body(config: VoiceConfig) -> JsonDict:
    """The manual types ``repeatDtmf`` as boolean but its samples send ``"0"``; we send the boolean."""
    return _without_none(
        {
            "repeatDtmf": config.repeat_dtmf,
            "minPeriod": config.min_period,
            "maxPeriod": config.max_period,
            "maxCount": config.max_count,
            "pause": config.pause,
            "maxDtmf": config.max_dtmf,
            "voiceLanguage": config.voice_language,
            "voiceRepeating": config.voice_repeating,
        }
    )


def variant_properties(country: Country | None, voice_config: VoiceConfig | None) -> JsonDict | None:
    """``bulkProperties`` of a bulk, ``properties`` of a Mail2SMS code: country and/or voiceConfig."""
    properties = _without_none(
        {
            "country": country.value if country else None,
            "voiceConfig": voice_config_body(voice_config) if voice_config else None,
        }
    )
    return properties or None


def bulk_request_body(request: BulkSendRequest, *, with_recipients: bool) -> JsonDict:
    """The JSON of ``POST /sender/bulk/send`` (with recipients) or the ``request`` part of ``/upload/bulk``.

    ``groupIds`` is left out when empty (the 3.1 sample's ``" "`` is a placeholder);
    ``recipients`` is always an array on the JSON endpoint, even when only groups are targeted.
    ``sendDate`` is always sent: every example of 3.1 and 3.2 has it and the manual never calls
    it optional, so a request without ``send_date`` is refused here, before any call.
    """
    if request.send_date is None:
        raise ValueError("A Justsend bulk needs a send_date (sendDate, manual 3.1); pass the submission time.")
    body: JsonDict = _without_none(
        {
            "name": request.name,
            "bulkType": request.bulk_type.value,
            "bulkVariant": request.bulk_variant.value,
            "sender": request.sender,
            "message": request.message,
            "sendDate": format_datetime(request.send_date),
            "groupIds": [int(group_id) for group_id in request.group_ids] or None,
            "bulkProperties": variant_properties(request.country, request.voice_config),
        }
    )
    if with_recipients:
        body["recipients"] = [_without_none({"msisdn": r.msisdn, "content": r.content}) for r in request.recipients]
    return body


def group_member_body(member: GroupMember) -> JsonDict:
    return _without_none(
        {
            "msisdn": member.msisdn,
            "groupId": member.group_id,
            "name": member.name,
            "surname": member.surname,
            "address": member.address,
        }
    )
