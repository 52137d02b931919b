"""SMS Manager's endpoints, as strict as its manual.

Refused with 400 (the body's ``message`` says why): a body that is not the JSON the
endpoint takes (an object for ``/message``, an array of 1 to 10 objects for ``/messages``),
a request without ``body`` or ``to``, more than 10 recipients in a request, a phone number
that is not a string of digits, an empty or unknown ``flow`` (or a channel twice), a tag
other than ``priority``/``transactional``, a ``send_at`` that is not ISO 8601 with ``Z`` or an
offset, a ``callback`` that is not an http(s) URL, a ``payload`` that is not an object, and
fields the manual does not name. A number of digits that is not a valid MSISDN (the Justsend
sandbox's rule: 9-15 digits, not starting with 0; 48 + 9 digits for Poland) is accepted by
the request but answered in ``rejected[]``.

Readings where the manual is silent (also in docs/providers.md): the scheduled time is
``send_at``; ``accepted[]`` has one entry per request with ``message_id``, ``request_index``
and the accepted numbers (``to``); ``rejected[]`` one per recipient with ``phone_number``,
``reason``, ``request_index`` and ``recipient_index``.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from werkzeug.wrappers import Request

from .. import rules
from ..web import bad_request, json_body, json_response

PREFIX = "/smsmanager/v2"
REQUEST_FIELDS = frozenset({"body", "to", "sender", "callback", "tag", "flow", "payload", "send_at"})
# The simulator reads the manual on its own (it does not import the panel's client code,
# so a mistake there is not mirrored here); tests/sandbox/smsmanager checks they agree.
MAX_RECIPIENTS_PER_REQUEST = 10
MAX_REQUESTS_PER_CALL = 10
CHANNELS = frozenset({"sms", "viber", "whatsapp"})
TAGS = frozenset({"priority", "transactional"})


def api_key(request: Request) -> str | None:
    """The key of a request: the ``x-api-key`` header, or ``apikey`` in the query of the
    simple GET (as the manual's example shows it)."""
    key = request.headers.get("x-api-key")
    if not key and request.method == "GET" and request.path.rstrip("/") == PREFIX + "/simple/message":
        key = request.args.get("apikey")
    return key or None


def _digits(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.isdigit():
        raise bad_request(f"{field}: a phone number must be a string of digits, got {value!r}")
    return value


def _optional_text(data: dict, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{where}.{key} must be a non-empty string")
    return value


def _send_at(value: object, where: str) -> float | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise bad_request(f"{where}.send_at must be an ISO 8601 time in UTC, e.g. 2026-12-03T09:00:00Z")
    return parsed.timestamp()


def check_request(data: object, where: str = "request") -> dict:
    """One message request, checked; numbers with their validity."""
    if not isinstance(data, dict):
        raise bad_request(f"{where} must be a JSON object")
    unknown = sorted(set(data) - REQUEST_FIELDS)
    if unknown:
        raise bad_request(f"{where}: unknown fields {unknown}")
    body = data.get("body")
    if not isinstance(body, str) or not body:
        raise bad_request(f"{where}.body is required")
    to = data.get("to")
    if not isinstance(to, list) or not to:
        raise bad_request(f"{where}.to must be a non-empty list of recipients")
    if len(to) > MAX_RECIPIENTS_PER_REQUEST:
        raise bad_request(f"{where}.to takes at most {MAX_RECIPIENTS_PER_REQUEST} recipients, got {len(to)}")
    numbers = []
    for index, recipient in enumerate(to):
        if not isinstance(recipient, dict) or set(recipient) != {"phone_number"}:
            raise bad_request(f"{where}.to[{index}] must be an object with phone_number only")
        numbers.append(_digits(recipient["phone_number"], f"{where}.to[{index}].phone_number"))
    flow = data.get("flow")
    if flow is not None:
        if not isinstance(flow, list) or not flow:
            raise bad_request(f"{where}.flow, if defined, must not be empty")
        if any(not isinstance(c, str) or c not in CHANNELS for c in flow) or len(set(flow)) != len(flow):
            raise bad_request(f"{where}.flow must list distinct channels among {sorted(CHANNELS)}")
    tag = data.get("tag")
    if tag is not None and tag not in TAGS:
        raise bad_request(f"{where}.tag must be one of {sorted(TAGS)}")
    callback = _optional_text(data, "callback", where)
    if callback is not None and (urlsplit(callback).scheme not in ("http", "https") or not urlsplit(callback).netloc):
        raise bad_request(f"{where}.callback must be an http(s) URL")
    payload = data.get("payload")
    if payload is not None and not isinstance(payload, dict):
        raise bad_request(f"{where}.payload must be a JSON object")
    return {
        "body": body,
        "to": numbers,
        "valid": [rules.normalise_msisdn(number) == number for number in numbers],
        "sender": _optional_text(data, "sender", where),
        "callback": callback,
        "tag": tag,
        "flow": flow,
        "payload": payload,
        "send_at": _send_at(data.get("send_at"), where),
    }


def message(app, request: Request):
    checked = check_request(json_body(request, expect=dict))
    return json_response(app.smsmanager.accept([checked]))


def messages(app, request: Request):
    data = json_body(request, expect=list)
    if not data:
        raise bad_request("The list of message requests must not be empty")
    if len(data) > MAX_REQUESTS_PER_CALL:
        raise bad_request(f"At most {MAX_REQUESTS_PER_CALL} message requests per call, got {len(data)}")
    checked = [check_request(item, f"requests[{index}]") for index, item in enumerate(data)]
    return json_response(app.smsmanager.accept(checked))


def simple_message(app, request: Request):
    fields = request.args if request.method == "GET" else request.form
    if request.method == "POST" and request.mimetype != "application/x-www-form-urlencoded":
        raise bad_request("POST /simple/message takes a form (application/x-www-form-urlencoded)")
    number = _digits(fields.get("phone_number") or "", "phone_number")
    text = fields.get("message") or ""
    if not text:
        raise bad_request("message is required")
    sender = fields.get("sender") or None
    answer = app.smsmanager.accept_simple(number, rules.normalise_msisdn(number) == number, text, sender)
    return json_response(answer)


ROUTES = [
    ("/message", ["POST"], message),
    ("/messages", ["POST"], messages),
    ("/simple/message", ["GET", "POST"], simple_message),
]
