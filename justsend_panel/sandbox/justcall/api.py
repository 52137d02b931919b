"""JustCall's ``POST /v2/texts/send``, as strict as its manual (JC L5–13, L68–74).

* 400: a body that is not a JSON object, a missing or empty ``from``, ``to`` or ``body``
  ("Missing from, to, or body"), a number that is not E.164, a ``media_url`` or
  ``webhook_url`` that is not an absolute http(s) URL, a field the manual does not name;
* 404: a ``from`` that is not one of the simulator's SMS-enabled numbers (the message
  names it);
* 422: a body over 1,600 GSM-7 or 1,120 Unicode characters;
* 401 (in the app): a missing or wrong ``Authorization: {api_key}:{api_secret}``.

The answer is the manual's (JC L33–44): ``{"status": "success", "message": "Message sent",
"data": {"message_id", "from", "to", "direction": "outbound", "status": "queued"}}``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from werkzeug.wrappers import Request

from ..segments import GSM7_EXTENSION, is_gsm7
from ..web import ApiError, bad_request, json_body, json_response

PREFIX = "/justcall/v2"
FIELDS = frozenset({"from", "to", "body", "media_url", "webhook_url"})
# The simulator reads the manual on its own (it does not import the panel's client code).
MAX_GSM7, MAX_UNICODE = 1600, 1120
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def credentials(request: Request) -> str | None:
    """The request's ``Authorization`` value, ``{api_key}:{api_secret}``."""
    return request.headers.get("Authorization") or None


def _url(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request(f"{key} must be an absolute http(s) URL")
    return value


def _length(text: str) -> tuple[int, int]:
    """(characters as counted, the limit) in the text's encoding."""
    if is_gsm7(text):
        return len(text) + sum(1 for ch in text if ch in GSM7_EXTENSION), MAX_GSM7
    return len(text.encode("utf-16-le")) // 2, MAX_UNICODE


def send(app, request: Request):
    data = json_body(request, expect=dict)
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise bad_request(f"Unknown fields {unknown}")
    sender, to, body = data.get("from"), data.get("to"), data.get("body")
    if not all(isinstance(v, str) and v for v in (sender, to, body)):
        raise bad_request("Missing from, to, or body")
    for key, number in (("from", sender), ("to", to)):
        if not E164.match(number):
            raise bad_request(f"{key} must be a phone number in E.164 format, got {number!r}")
    if sender not in app.config.justcall_numbers:
        raise ApiError(404, f"The number {sender} was not found or is not SMS-enabled")
    length, limit = _length(body)
    if length > limit:
        raise ApiError(422, f"Message body exceeds the character limit ({length} > {limit})")
    media_url, webhook_url = _url(data, "media_url"), _url(data, "webhook_url")
    message = app.justcall.accept(sender=sender, to=to, body=body, media_url=media_url, webhook_url=webhook_url)
    return json_response({"status": "success", "message": "Message sent", "data": message})


ROUTES = [
    ("/texts/send", ["POST"], send),
]
