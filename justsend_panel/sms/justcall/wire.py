"""JustCall's JSON shapes (SMS API v2): what the client sends and what it parses.

Strict on what we send: :class:`TextRequest` refuses (``ValueError``, before any request) a
``from`` or ``to`` that is not E.164, an empty body or one over 1,600 GSM-7 / 1,120 Unicode
characters, and a ``media_url`` or ``webhook_url`` that is not an absolute http(s) URL.
Tolerant on what we read: the answer ``{"status": "success", "message": …, "data":
{"message_id", "from", "to", "direction", "status"}}`` (JC L33–44) is accepted with any
extra field, numbers as text or as numbers; a 2xx without ``data.message_id`` (or with a
``status`` other than ``success``) is :class:`SmsBadResponse`: the call's outcome unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from justsend_panel.sms import wire
from justsend_panel.sms.exceptions import SmsBadResponse
from justsend_panel.sms.justcall.vocabulary import is_e164, media_url_problems, text_problems

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class TextRequest:
    """One ``POST /v2/texts/send``: one body to one number."""

    from_number: str
    to: str
    body: str
    media_url: str | None = None
    webhook_url: str | None = None

    def problems(self) -> list[str]:
        problems = []
        if not is_e164(self.from_number):
            problems.append(f"'from' must be a JustCall number in E.164, got {self.from_number!r}.")
        if not is_e164(self.to):
            problems.append(f"'to' must be a phone number in E.164, got {self.to!r}.")
        problems.extend(text_problems(self.body))
        if self.media_url is not None:
            problems.extend(media_url_problems(self.media_url))
        if self.webhook_url is not None and media_url_problems(self.webhook_url):
            problems.append("The webhook URL must be an absolute http(s) address.")
        return problems

    def to_json(self) -> JsonDict:
        problems = self.problems()
        if problems:
            raise ValueError(problems)
        body: JsonDict = {"from": self.from_number, "to": self.to, "body": self.body}
        if self.media_url:
            body["media_url"] = self.media_url
        if self.webhook_url:
            body["webhook_url"] = self.webhook_url
        return body


@dataclass(frozen=True, slots=True)
class SendAnswer:
    message_id: str
    status: str | None  # the message's first status (``queued``), raw
    from_number: str | None = None
    to: str | None = None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


def parse_send_answer(raw: Any) -> SendAnswer:
    if not isinstance(raw, Mapping):
        raise SmsBadResponse("JustCall answered without a JSON object.", body=raw)
    outcome = wire.text(raw.get("status"))
    if outcome is not None and outcome.strip().lower() != "success":
        raise SmsBadResponse(f"JustCall answered the send with status {outcome!r}.", body=raw)
    data = raw.get("data")
    if not isinstance(data, Mapping):
        raise SmsBadResponse("JustCall's answer has no 'data' object.", body=raw)
    message_id = wire.text(data.get("message_id"))
    if not message_id or not message_id.strip():
        raise SmsBadResponse("JustCall accepted the message without a message_id.", body=raw)
    return SendAnswer(
        message_id=message_id.strip(),
        status=wire.text(data.get("status")),
        from_number=wire.text(data.get("from")),
        to=wire.text(data.get("to")),
        raw=dict(raw),
    )
