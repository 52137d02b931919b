"""SMS Manager's JSON shapes (API v2): what the client sends and what it parses.

The manual shows the request fields (``body``, ``to: [{phone_number}]``, ``sender``,
``callback``, ``tag``, ``flow``, ``payload``) and a scheduled time "always in UTC" without
its name, and answers ``{request_id, accepted: [{…}], rejected: [{…}]}`` without the
entries' fields. The panel's readings (write them down in docs/providers.md):

* the scheduled time is sent as ``send_at``, ISO 8601 in UTC (``2026-12-03T09:00:00Z``);
* an ``accepted`` entry stands for one request (the manual: "message_id for each of requests
  (not for each recipient)") and holds ``message_id``; it may name the request's position
  (``request_index``); without one, accepted entries follow the requests in order,
  skipping a request whose every recipient was rejected;
* a recipient's message id is ``<request message_id>-<index>``, ``index`` its position in
  the request's ``to`` (rejected recipients keep their positions);
* a ``rejected`` entry stands for one recipient: ``phone_number`` and a reason (``reason``,
  ``message`` or ``error``), maybe ``request_index``/``recipient_index``.

Every parsed answer keeps the provider's JSON in ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from justsend_panel.sms.exceptions import SmsBadResponse
from justsend_panel.sms.smsmanager.vocabulary import (
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_REQUESTS_PER_CALL,
    validate_options,
)

JsonDict = dict[str, Any]


def format_send_at(value: datetime) -> str:
    """The scheduled time in UTC, ``YYYY-MM-DDTHH:MM:SSZ``; a naive datetime is refused."""
    if value.utcoffset() is None:
        raise ValueError("The scheduled time sent to SMS Manager must be timezone-aware.")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class MessageRequest:
    """One body for up to 10 recipients (``POST /v2/message``, or one item of ``/v2/messages``)."""

    body: str
    to: Sequence[str]
    sender: str | None = None
    callback: str | None = None
    tag: str | None = None
    flow: Sequence[str] | None = None
    payload: Mapping[str, Any] | None = None
    send_at: datetime | None = None

    def problems(self) -> list[str]:
        """What the manual says the API refuses, in plain English (empty when none)."""
        problems = []
        if not isinstance(self.body, str) or not self.body:
            problems.append("A message needs a body.")
        if not self.to:
            problems.append("A message needs at least one recipient.")
        elif len(self.to) > MAX_RECIPIENTS_PER_REQUEST:
            problems.append(
                f"A message takes at most {MAX_RECIPIENTS_PER_REQUEST} recipients, got {len(self.to)}."
            )
        bad = [number for number in self.to if not (isinstance(number, str) and number.isdigit())]
        if bad:
            problems.append(f"Phone numbers must be digits only: {', '.join(map(str, bad))}.")
        options: JsonDict = {}
        if self.flow is not None:
            options["flow"] = list(self.flow)
        if self.tag:
            options["tag"] = self.tag
        try:
            validate_options(options)
        except ValueError as error:
            problems.extend(error.args[0])
        if self.send_at is not None and self.send_at.utcoffset() is None:
            problems.append("The scheduled time must be timezone-aware.")
        return problems

    def to_json(self) -> JsonDict:
        data: JsonDict = {"body": self.body, "to": [{"phone_number": number} for number in self.to]}
        if self.sender:
            data["sender"] = self.sender
        if self.callback:
            data["callback"] = self.callback
        if self.tag:
            data["tag"] = self.tag
        if self.flow is not None:
            data["flow"] = list(self.flow)
        if self.payload is not None:
            data["payload"] = dict(self.payload)
        if self.send_at is not None:
            data["send_at"] = format_send_at(self.send_at)
        return data


def check_requests(requests: Sequence[MessageRequest]) -> None:
    """``ValueError`` for a call the API would refuse: never send it."""
    if not requests:
        raise ValueError("A call needs at least one message request.")
    if len(requests) > MAX_REQUESTS_PER_CALL:
        raise ValueError(f"A call takes at most {MAX_REQUESTS_PER_CALL} message requests, got {len(requests)}.")
    problems = [f"request {index}: {problem}" for index, request in enumerate(requests) for problem in request.problems()]
    if problems:
        raise ValueError("; ".join(problems))


@dataclass(frozen=True, slots=True)
class AcceptedEntry:
    message_id: str
    request_index: int | None = None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class RejectedEntry:
    phone_number: str | None
    reason: str
    request_index: int | None = None
    recipient_index: int | None = None
    raw: JsonDict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SendAnswer:
    """The answer of ``POST /v2/message`` and ``/v2/messages``."""

    request_id: str | None
    accepted: tuple[AcceptedEntry, ...]
    rejected: tuple[RejectedEntry, ...]
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SimpleAnswer:
    """The answer of ``/v2/simple/message``: one message, accepted or not."""

    request_id: str | None
    message_id: str | None
    accepted: bool
    raw: Any = field(default=None, repr=False, compare=False)


def _optional_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _optional_str(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def parse_send_answer(raw: Any) -> SendAnswer:
    if not isinstance(raw, Mapping):
        raise SmsBadResponse("SMS Manager answered without a JSON object.", body=raw)
    accepted_raw, rejected_raw = raw.get("accepted") or [], raw.get("rejected") or []
    if not isinstance(accepted_raw, list) or not isinstance(rejected_raw, list):
        raise SmsBadResponse("SMS Manager's accepted/rejected are not lists.", body=raw)
    accepted = []
    for entry in accepted_raw:
        message_id = _optional_str(entry.get("message_id")) if isinstance(entry, Mapping) else None
        if message_id is None:
            raise SmsBadResponse("SMS Manager accepted a message without a message_id.", body=raw)
        accepted.append(AcceptedEntry(message_id, _optional_int(entry.get("request_index")), dict(entry)))
    rejected = []
    for entry in rejected_raw:
        if not isinstance(entry, Mapping):
            raise SmsBadResponse("SMS Manager's rejected entry is not an object.", body=raw)
        reason = next(
            (str(entry[key]) for key in ("reason", "message", "error", "status") if entry.get(key)), "rejected"
        )
        rejected.append(
            RejectedEntry(
                phone_number=_optional_str(entry.get("phone_number")),
                reason=reason,
                request_index=_optional_int(entry.get("request_index")),
                recipient_index=_optional_int(entry.get("recipient_index")),
                raw=dict(entry),
            )
        )
    return SendAnswer(_optional_str(raw.get("request_id")), tuple(accepted), tuple(rejected), raw)


def parse_simple_answer(raw: Any) -> SimpleAnswer:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("accepted"), bool):
        raise SmsBadResponse("SMS Manager's simple answer lacks 'accepted'.", body=raw)
    return SimpleAnswer(
        _optional_str(raw.get("request_id")), _optional_str(raw.get("message_id")), raw["accepted"], raw
    )
