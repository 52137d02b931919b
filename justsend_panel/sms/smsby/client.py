"""SMS.by's API client: one method per endpoint of the manual.

The token travels where the manual places it, never in a header: in the query for the
endpoints whose table says "query", in the form body for ``sendSmsList`` and
``confirmSendMessageByList`` ("formData"), and in the JSON body of ``sendBulkSms``, as its
sample request shows (an array of mailings cannot be a query parameter). ``sendQuickSMS``'s
forwarding fields are "formData": they go in a form body beside the query. The transport
logs the path only, never the query, and masks the token in error bodies.

Nothing the manual says the API refuses is sent (``ValueError`` before any request): a
phone that is not digits, a verification code that is not 1-16 digits, forwarding outside
5-60 minutes, ``limit_offset`` without ``limit_rows``, a mailing without name, alpha name,
text or recipients.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from justsend_panel.sms.http import DEFAULT_TIMEOUT, ProviderTransport
from justsend_panel.sms.smsby.vocabulary import OtpChannel, validate_options, validate_otp_code
from justsend_panel.sms.smsby.wire import (
    BulkAnswer,
    CreatedMessage,
    Delivery,
    Mailing,
    MailingStatus,
    MailingSummary,
    MessageEntry,
    RawAnswer,
    SmsAnswer,
    SmsCheck,
    check_mailings,
    check_phone,
    local_time,
    parse_bulk_answer,
    parse_bulk_status,
    parse_created_message,
    parse_delivery_list,
    parse_mailings,
    parse_messages_list,
    parse_raw_answer,
    parse_sms_answer,
    parse_sms_check,
)

MAILING_TYPES = ("WEB", "API")


class SmsByTransport(ProviderTransport):
    provider = "SMS.by"
    log_name = "smsby"
    key_header = None  # the token goes in the query or the body, as the manual places it
    key_name = "token"


def _paging(limit_offset: int | None, limit_rows: int | None) -> dict[str, int]:
    if limit_offset is not None and limit_rows is None:
        raise ValueError("limit_rows is required when limit_offset is given.")
    for name, value in (("limit_offset", limit_offset), ("limit_rows", limit_rows)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"{name} must be a whole number >= 0.")
    return {k: v for k, v in (("limit_offset", limit_offset), ("limit_rows", limit_rows)) if v is not None}


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}.")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must not be empty.")
    return value


class SmsByClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = token
        self.transport = SmsByTransport(base_url, token, timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.transport.base_url!r})"

    def __enter__(self) -> SmsByClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    def _get(self, path: str, **params: Any) -> Any:
        return self.transport.request("GET", path, params={"token": self._token, **params})

    # --- mailings (sendBulkSms) ---------------------------------------------------------------
    def send_bulk_sms(self, mailings: Sequence[Mailing], *, callback_url: str = "") -> BulkAnswer:
        """``POST /sendBulkSms``: one or more mailings; the answer's ``uuid`` names them all."""
        check_mailings(mailings)
        body = {"token": self._token, "callback_url": callback_url or "",
                "messages": [mailing.to_json() for mailing in mailings]}
        return parse_bulk_answer(self.transport.request("POST", "sendBulkSms", json_body=body))

    def status_bulk_sms(self, uuid: str) -> list[MailingStatus]:
        """``POST /statusBulkSms``: per-recipient statuses of the mailings of ``uuid``."""
        params = {"token": self._token, "uuid": _text(uuid, "uuid")}
        return parse_bulk_status(self.transport.request("POST", "statusBulkSms", params=params))

    def get_sms_messages(self, type: str | None = None) -> list[MailingSummary]:
        """``GET /getSMSMessages``: every WEB and API mailing (or those of ``type``)."""
        if type is not None and type not in MAILING_TYPES:
            raise ValueError(f"type must be one of {', '.join(MAILING_TYPES)}.")
        return parse_mailings(self._get("getSMSMessages", type=type))

    # --- single messages ----------------------------------------------------------------------
    def send_quick_sms(
        self,
        phone: str,
        message: str,
        alphaname_id: int,
        *,
        show_cost: bool = False,
        forwarding_message: bool = False,
        forwarding_time: int | None = None,
        vibername_id: int | None = None,
    ) -> SmsAnswer:
        """``POST /sendQuickSMS``; with ``forwarding_message`` the message goes by Viber
        (from ``vibername_id``) when not delivered within ``forwarding_time`` minutes."""
        options = validate_options({
            "alphaname_id": alphaname_id, "show_cost": show_cost, "forwarding_message": forwarding_message,
            "forwarding_time": forwarding_time, "vibername_id": vibername_id,
        })
        if "alphaname_id" not in options:
            raise ValueError("sendQuickSMS needs an alpha name id.")
        params = {"token": self._token, "message": _text(message, "message"), "phone": check_phone(phone),
                  "alphaname_id": options["alphaname_id"], "show_cost": 1 if show_cost else None}
        form = None
        if forwarding_message:
            form = {"forwarding_message": "1", "vibername_id": str(options["vibername_id"])}
            if "forwarding_time" in options:
                form["forwarding_time"] = str(options["forwarding_time"])
        answer = self.transport.request("POST", "sendQuickSMS", params=params, data=form)
        return parse_sms_answer(answer)

    def send_otp(self, channel: OtpChannel | str, phone: str, code: str) -> SmsAnswer:
        """``POST /sendOtpTelegram`` or ``/sendOtpWhatsApp``: a verification code (1-16 digits)."""
        path = {OtpChannel.TELEGRAM: "sendOtpTelegram", OtpChannel.WHATSAPP: "sendOtpWhatsApp"}[OtpChannel(channel)]
        params = {"token": self._token, "message": validate_otp_code(code), "phone": check_phone(phone)}
        return parse_sms_answer(self.transport.request("POST", path, params=params))

    def send_otp_telegram(self, phone: str, code: str) -> SmsAnswer:
        return self.send_otp(OtpChannel.TELEGRAM, phone, code)

    def send_otp_whatsapp(self, phone: str, code: str) -> SmsAnswer:
        return self.send_otp(OtpChannel.WHATSAPP, phone, code)

    # --- a message created once, sent to numbers one by one -------------------------------------
    def create_sms_message(
        self, message: str, *, name: str | None = None, alphaname_id: int | None = None, time: datetime | None = None
    ) -> CreatedMessage:
        """``GET /createSmsMessage``; ``time`` is sent as Minsk time ``YYYY-MM-DD HH:MM``."""
        return parse_created_message(self._get(
            "createSmsMessage", message=_text(message, "message"), name=name,
            alphaname_id=_positive(alphaname_id, "alphaname_id") if alphaname_id is not None else None,
            time=local_time(time, "%Y-%m-%d %H:%M") if time is not None else None,
        ))

    def check_sms_message_status(self, message_id: int | str) -> RawAnswer:
        """``GET /checkSMSMessageStatus``: the mailing of ``createSmsMessage`` as a whole."""
        return parse_raw_answer(self._get("checkSMSMessageStatus", message_id=str(message_id)),
                                "checkSMSMessageStatus")

    def send_sms(self, message_id: int, phone: str) -> SmsAnswer:
        """``GET /sendSMS``: the message of ``createSmsMessage`` to one number."""
        return parse_sms_answer(self._get("sendSMS", message_id=_positive(message_id, "message_id"),
                                          phone=check_phone(phone)))

    def check_sms(self, sms_id: int) -> SmsCheck:
        """``GET /checkSMS``: when one message was sent and delivered (and by which channel)."""
        return parse_sms_check(self._get("checkSMS", sms_id=_positive(sms_id, "sms_id")))

    def get_messages_list(self, *, limit_offset: int | None = None, limit_rows: int | None = None) -> list[MessageEntry]:
        """``GET /getMessagesList``."""
        return parse_messages_list(self._get("getMessagesList", **_paging(limit_offset, limit_rows)))

    def get_sms_delivery_list(
        self, message_id: int, *, limit_offset: int | None = None, limit_rows: int | None = None
    ) -> list[Delivery]:
        """``GET /getSmsDeliveryList``: the recipients of a mailing and their statuses."""
        return parse_delivery_list(self._get("getSmsDeliveryList", message_id=_positive(message_id, "message_id"),
                                             **_paging(limit_offset, limit_rows)))

    # --- a mailing to one of SMS.by's contact lists --------------------------------------------
    def send_sms_list(
        self, *, name: str, message: str, d_schedule: datetime, list_id: int, alphaname_id: int
    ) -> RawAnswer:
        """``POST /sendSmsList`` (form): a mailing to a contact list, to confirm afterwards."""
        form = {"token": self._token, "name": _text(name, "name"), "message": _text(message, "message"),
                "d_schedule": local_time(d_schedule, "%Y-%m-%d %H:%M"),
                "list_id": str(_positive(list_id, "list_id")), "alphaname_id": str(_positive(alphaname_id, "alphaname_id"))}
        return parse_raw_answer(self.transport.request("POST", "sendSmsList", data=form), "sendSmsList")

    def confirm_send_message_by_list(self, message_id: int, *, confirm: bool) -> RawAnswer:
        """``POST /confirmSendMessageByList`` (form): ``confirm=False`` only describes the
        mailing (its cost), ``True`` sends it (400: insufficient funds)."""
        form = {"token": self._token, "message_id": str(_positive(message_id, "message_id")),
                "confirm": "1" if confirm else "0"}
        return parse_raw_answer(self.transport.request("POST", "confirmSendMessageByList", data=form),
                                "confirmSendMessageByList")
