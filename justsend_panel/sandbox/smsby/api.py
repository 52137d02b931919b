"""SMS.by's endpoints, as strict as its manual.

The token is taken only where the manual places it: the JSON body of ``sendBulkSms`` (its
sample request), the form of ``sendSmsList`` and ``confirmSendMessageByList`` ("formData"),
the query everywhere else; anywhere else it is missing (401, the panel's reading: the
manual names no status for a bad token). Refused with 400 (``message`` says why): a
missing required parameter, a phone that is not digits, an alpha/Viber name id that is not
a positive whole number, ``message_type`` other than ``personal``/``bulk``, a personal
mailing with a ``text`` or a bulk one without, a ``schedule_time`` not
``YYYY-MM-DDTHH:mm:ss``, ``forwarding_time`` outside 5-60 or forwarding without
``vibername_id``, a verification code that is not 1-16 digits, ``limit_offset`` without
``limit_rows``, an unknown ``uuid``/``message_id``/``sms_id``/``list_id``, and mailing fields
the manual does not name. ``confirmSendMessageByList`` answers 400 "Insufficient funds to
continue" when the balance does not cover the mailing.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from datetime import datetime
from urllib.parse import urlsplit

from werkzeug.wrappers import Request

from ..segments import count_segments
from ..web import bad_request, json_response
from .simulator import MINSK, OTP_KINDS, SUBSCRIBER_LISTS

PREFIX = "/smsby/api/v1"
FORM_TOKEN = frozenset({"sendSmsList", "confirmSendMessageByList"})
JSON_TOKEN = frozenset({"sendBulkSms"})
MAILING_FIELDS = frozenset({"alphaname_id", "name", "message_type", "schedule_time", "text", "delivery_list"})
# The simulator reads the manual on its own (it does not import the panel's client code).
OTP_MAX_DIGITS = 16
FORWARDING_MINUTES = (5, 60)


def _endpoint(request: Request) -> str:
    return request.path[len(PREFIX):].strip("/")


def token(request: Request) -> str | None:
    """The request's token, from the one place the manual puts it for this endpoint."""
    endpoint = _endpoint(request)
    if endpoint in JSON_TOKEN:
        if request.mimetype != "application/json":
            return None
        try:
            data = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, UnicodeDecodeError):
            return None
        value = data.get("token") if isinstance(data, dict) else None
    elif endpoint in FORM_TOKEN:
        value = request.form.get("token") if request.mimetype == "application/x-www-form-urlencoded" else None
    else:
        value = request.args.get("token")
    return value if isinstance(value, str) and value else None


def _required(fields, name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{name} is required")
    return value


def _phone(value: object, name: str = "phone") -> str:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise bad_request(f"{name}: a phone number must be digits, got {value!r}")
    return value


def _id(value: object, name: str, *, required: bool = True) -> int | None:
    if value in (None, "") and not required:
        return None
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not text.isdigit() or int(text) <= 0:
        raise bad_request(f"{name} must be a positive whole number")
    return int(text)


def _flag(fields, name: str) -> bool:
    value = fields.get(name)
    if value in (None, "", "0"):
        return False
    if value != "1":
        raise bad_request(f"{name} must be 1 or 0")
    return True


def _time(value: object, fmt: str, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return datetime.strptime(value, fmt).replace(tzinfo=MINSK).timestamp() if isinstance(value, str) else None
    except ValueError:
        raise bad_request(f"{name} must be {fmt.replace('%', '')}") from None


def _paging(fields) -> tuple[int, int | None]:
    offset, rows = fields.get("limit_offset"), fields.get("limit_rows")
    if offset not in (None, "") and rows in (None, ""):
        raise bad_request("limit_rows is required when limit_offset is given")
    for name, value in (("limit_offset", offset), ("limit_rows", rows)):
        if value not in (None, "") and not value.isdigit():
            raise bad_request(f"{name} must be a whole number")
    return int(offset or 0), int(rows) if rows not in (None, "") else None


def _mailing(data: object, where: str) -> dict:
    if not isinstance(data, dict):
        raise bad_request(f"{where} must be an object")
    unknown = sorted(set(data) - MAILING_FIELDS)
    if unknown:
        raise bad_request(f"{where}: unknown fields {unknown}")
    alphaname_id = _id(data.get("alphaname_id"), f"{where}.alphaname_id")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request(f"{where}.name is required")
    kind = data.get("message_type")
    delivery_list = data.get("delivery_list")
    if not isinstance(delivery_list, list) or not delivery_list:
        raise bad_request(f"{where}.delivery_list must be a non-empty list")
    if kind == "bulk":
        text = data.get("text")
        if not isinstance(text, str) or not text:
            raise bad_request(f"{where}.text is required for a bulk mailing")
        recipients = [(_phone(p, f"{where}.delivery_list[{i}]"), text) for i, p in enumerate(delivery_list)]
    elif kind == "personal":
        if "text" in data:
            raise bad_request(f"{where}: a personal mailing takes its texts in delivery_list")
        recipients = []
        for i, item in enumerate(delivery_list):
            if not isinstance(item, dict) or set(item) != {"phone", "text"}:
                raise bad_request(f"{where}.delivery_list[{i}] must be an object with phone and text")
            if not isinstance(item["text"], str) or not item["text"]:
                raise bad_request(f"{where}.delivery_list[{i}].text is required")
            recipients.append((_phone(item["phone"], f"{where}.delivery_list[{i}].phone"), item["text"]))
    else:
        raise bad_request(f"{where}.message_type must be personal or bulk")
    return {"alphaname_id": alphaname_id, "name": name, "message_type": kind,
            "text": data.get("text"), "recipients": recipients,
            "schedule_at": _time(data.get("schedule_time"), "%Y-%m-%dT%H:%M:%S", f"{where}.schedule_time")}


def send_bulk_sms(app, request: Request):
    data = json.loads(request.get_data(cache=True))
    unknown = sorted(set(data) - {"token", "callback_url", "messages"})
    if unknown:
        raise bad_request(f"Unknown fields {unknown}")
    callback = data.get("callback_url")
    if not isinstance(callback, str):
        raise bad_request("callback_url is required (it may be empty)")
    if callback and (urlsplit(callback).scheme not in ("http", "https") or not urlsplit(callback).netloc):
        raise bad_request("callback_url must be an http(s) URL")
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("messages must be a non-empty list")
    mailings = [_mailing(item, f"messages[{i}]") for i, item in enumerate(messages)]
    uuid = str(uuid_module.uuid1())
    app.smsby.accept_bulk(mailings, uuid)
    return json_response({"uuid": uuid, "success": "OK"})


def status_bulk_sms(app, request: Request):
    answer = app.smsby.bulk_status(_required(request.args, "uuid"))
    if answer is None:
        raise bad_request("Unknown uuid")
    return json_response(answer)


def send_quick_sms(app, request: Request):
    query = request.args
    if request.content_length and request.mimetype != "application/x-www-form-urlencoded":
        raise bad_request("The forwarding fields are a form (application/x-www-form-urlencoded)")
    form = request.form
    message, phone = _required(query, "message"), _phone(_required(query, "phone"))
    _id(_required(query, "alphaname_id"), "alphaname_id")
    show_cost = _flag(query, "show_cost")
    forwarding = _flag(form, "forwarding_message")
    minutes = _id(form.get("forwarding_time"), "forwarding_time", required=False)
    viber = _id(form.get("vibername_id"), "vibername_id", required=False)
    if forwarding:
        minutes = minutes or FORWARDING_MINUTES[1]
        if not FORWARDING_MINUTES[0] <= minutes <= FORWARDING_MINUTES[1]:
            raise bad_request("forwarding_time must be 5 to 60 minutes")
        if viber is None:
            raise bad_request("vibername_id is required with forwarding_message=1")
    elif minutes is not None or viber is not None:
        raise bad_request("forwarding_time and vibername_id are taken only with forwarding_message=1")
    sent = app.smsby.accept_single(kind="quick", phone=phone, text=message,
                                   forwarding_time=minutes if forwarding else None, vibername_id=viber)
    answer = {"sms_id": sent["sms_id"], "status": sent["status"], "parts": sent["parts"]}
    if show_cost:
        answer["cost"] = f"{sent['cost']:.5f}"
    return json_response(answer)


def _send_otp(app, request: Request, channel: str):
    code, phone = _required(request.args, "message"), _phone(_required(request.args, "phone"))
    if not code.isascii() or not code.isdigit() or len(code) > OTP_MAX_DIGITS:
        raise bad_request(f"message: a verification code is digits only, at most {OTP_MAX_DIGITS}")
    sent = app.smsby.accept_single(kind=OTP_KINDS[channel], phone=phone, text=code, channel=channel)
    return json_response({"sms_id": sent["sms_id"], "status": sent["status"], "parts": sent["parts"]})


def send_otp_telegram(app, request: Request):
    return _send_otp(app, request, "telegram")


def send_otp_whatsapp(app, request: Request):
    return _send_otp(app, request, "whatsapp")


def create_sms_message(app, request: Request):
    query = request.args
    message = _required(query, "message")
    alphaname_id = _id(query.get("alphaname_id"), "alphaname_id", required=False)
    when = _time(query.get("time"), "%Y-%m-%d %H:%M", "time")
    message_id = app.smsby.create_message(kind="created", name=query.get("name") or None, text=message,
                                          alphaname_id=alphaname_id, schedule_at=when)
    return json_response({"status": "ok", "parts": count_segments(message), "len": len(message),
                          "message_id": message_id, "alphaname": f"alpha-{alphaname_id}" if alphaname_id else "system",
                          "time": int(when or 0)})


def _created(app, fields, kinds=("created",)):
    mailing_id = _id(_required(fields, "message_id"), "message_id")
    mailing = app.smsby.mailing(mailing_id)
    if mailing is None or mailing["kind"] not in kinds:
        raise bad_request("Unknown message_id")
    return mailing


def check_sms_message_status(app, request: Request):
    mailing = _created(app, request.args, ("created", "list", "bulk"))
    summary = app.smsby.mailing_summary(mailing)
    return json_response({"message_id": mailing["id"], "status": summary["status"],
                          "count_phones": summary["count_phones"], "sms_delivered": summary["sms_delivered"],
                          "cost": summary["cost"]})


def send_sms(app, request: Request):
    mailing = _created(app, request.args)
    phone = _phone(_required(request.args, "phone"))
    sent = app.smsby.accept_single(kind="sms", phone=phone, text=mailing["text"], mailing_id=mailing["id"],
                                   due=mailing["schedule_at"])
    return json_response({"sms_id": sent["sms_id"], "status": sent["status"]})


def check_sms(app, request: Request):
    sms_id = _id(_required(request.args, "sms_id"), "sms_id")
    row = app.smsby.sms(sms_id)
    if row is None:
        raise bad_request("Unknown sms_id")
    delivered = row["final_at"] if row["status"] == "delivered" else None
    return json_response({"sms_id": row["id"], "sent": int(row["sent_at"] or 0), "delivered": int(delivered or 0),
                         "channel": row["channel"]})


def get_messages_list(app, request: Request):
    offset, rows = _paging(request.args)
    return json_response({"result": app.smsby.messages_list(offset, rows)})


def get_sms_delivery_list(app, request: Request):
    mailing = _created(app, request.args, ("created", "list", "bulk"))
    offset, rows = _paging(request.args)
    return json_response({"result": app.smsby.deliveries(mailing["id"], offset, rows)})


def send_sms_list(app, request: Request):
    form = request.form
    name, message = _required(form, "name"), _required(form, "message")
    when = _time(_required(form, "d_schedule"), "%Y-%m-%d %H:%M", "d_schedule")
    list_id = _id(_required(form, "list_id"), "list_id")
    if list_id not in SUBSCRIBER_LISTS:
        raise bad_request("Unknown list_id")
    alphaname_id = _id(_required(form, "alphaname_id"), "alphaname_id")
    message_id = app.smsby.create_message(kind="list", name=name, text=message, alphaname_id=alphaname_id,
                                          schedule_at=when, list_id=list_id)
    return json_response({"status": "ok", "message_id": message_id})


def confirm_send_message_by_list(app, request: Request):
    mailing = _created(app, request.form, ("list",))
    confirm = request.form.get("confirm")
    if confirm not in ("0", "1"):
        raise bad_request("confirm must be 0 or 1")
    if confirm == "1" and not app.smsby.confirm_list(mailing):
        raise bad_request("Insufficient funds to continue")
    return json_response(app.smsby.list_offer(app.smsby.mailing(mailing["id"])))


def get_sms_messages(app, request: Request):
    kind = request.args.get("type")
    if kind not in (None, "WEB", "API"):
        raise bad_request("type must be WEB or API")
    mailings = [] if kind == "WEB" else app.smsby.mailings()
    return json_response({"status": "success", "data": mailings})


ROUTES = [
    ("/sendBulkSms", ["POST"], send_bulk_sms),
    ("/statusBulkSms", ["POST"], status_bulk_sms),
    ("/sendQuickSMS", ["POST"], send_quick_sms),
    ("/sendOtpTelegram", ["POST"], send_otp_telegram),
    ("/sendOtpWhatsApp", ["POST"], send_otp_whatsapp),
    ("/createSmsMessage", ["GET"], create_sms_message),
    ("/checkSMSMessageStatus", ["GET"], check_sms_message_status),
    ("/sendSMS", ["GET"], send_sms),
    ("/checkSMS", ["GET"], check_sms),
    ("/getMessagesList", ["GET"], get_messages_list),
    ("/getSmsDeliveryList", ["GET"], get_sms_delivery_list),
    ("/sendSmsList", ["POST"], send_sms_list),
    ("/confirmSendMessageByList", ["POST"], confirm_send_message_by_list),
    ("/getSMSMessages", ["GET"], get_sms_messages),
]
