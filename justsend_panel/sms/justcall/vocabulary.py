"""JustCall's own words and limits, as the panel's apps may see them (through
:func:`justsend_panel.sms.registry.vocabulary`).

From the manual (JC L11, L45–51, L62–67): a body of at most 1,600 characters in GSM-7 (10
segments of 160) or 1,120 in Unicode (16 segments of 70); MMS media by a public URL (JPEG,
PNG, GIF, PDF, VCF, MP4; 5 MB each); ``from`` one of the account's SMS-enabled numbers,
E.164. The panel's composer bills segments at 153 / 67 characters (the concatenation
header), the strict reading of docs/providers.md, section 3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

MAX_RECIPIENTS_PER_CALL = 1
MAX_GSM7_LENGTH = 1600  # 10 segments of 160 (JC L50)
MAX_UNICODE_LENGTH = 1120  # 16 segments of 70 (JC L51)
MAX_GSM7_SEGMENTS = 10
MAX_UNICODE_SEGMENTS = 16
MAX_MEDIA_BYTES = 5 * 1024 * 1024  # 5 MB per file (JC L64–67)
MEDIA_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "application/pdf", "text/vcard", "text/x-vcard", "video/mp4"}
)
E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# GSM 03.38: the basic set and the extension table (an extension character counts twice).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

OPTION_KEYS = frozenset({"from", "media_url"})


def is_gsm7(text: str) -> bool:
    return all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text)


def text_length(text: str) -> int:
    """Characters as JustCall counts them: GSM-7 septets (an extension character is 2),
    else UTF-16 code units (an emoji is 2)."""
    if is_gsm7(text):
        return sum(2 if char in _GSM7_EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def max_length(text: str) -> int:
    """The longest body JustCall takes in ``text``'s encoding: 1,600 GSM-7, 1,120 Unicode."""
    return MAX_GSM7_LENGTH if is_gsm7(text) else MAX_UNICODE_LENGTH


def text_problems(text: str) -> list[str]:
    """What JustCall refuses of a body (422 for length, 400 when empty), in plain English."""
    if not isinstance(text, str) or not text:
        return ["A JustCall message needs a body."]
    length, limit = text_length(text), max_length(text)
    if length > limit:
        encoding = "GSM-7" if limit == MAX_GSM7_LENGTH else "Unicode"
        return [f"A JustCall message takes at most {limit:,} {encoding} characters, this one has {length:,}."]
    return []


def segments(text: str) -> int:
    """Segments billed: 160 / 70 for one, 153 / 67 each when concatenated."""
    length = text_length(text)
    single, part = (160, 153) if is_gsm7(text) else (70, 67)
    if length <= single:
        return 1
    return -(-length // part)


def is_e164(number: object) -> bool:
    return isinstance(number, str) and E164.match(number) is not None


def to_e164(number: str) -> str:
    """The panel's digits-only number as E.164 (``48500100200`` -> ``+48500100200``)."""
    candidate = number if number.startswith("+") else f"+{number}"
    if not is_e164(candidate):
        raise ValueError(f"{number!r} is not a phone number in E.164.")
    return candidate


def media_url_problems(url: object) -> list[str]:
    """A media URL must be public: absolute http(s) with a host."""
    if not isinstance(url, str) or not url:
        return ["The media URL must be a non-empty text."]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"The media URL must be a public http(s) address, got {url!r}."]
    return []


def validate_options(
    options: Mapping[str, Any] | None, *, from_numbers: Iterable[str] | None = None
) -> dict[str, Any]:
    """The cleaned options ``{"from": "+1…", "media_url": "https://…"}`` (keys present only
    when set), or ``ValueError([problem, ...])``. ``from_numbers``: the SMS-enabled numbers an
    administrator configured; when given, ``from`` must be one of them."""
    options = dict(options or {})
    problems: list[str] = []
    cleaned: dict[str, Any] = {}
    unknown = sorted(set(options) - OPTION_KEYS)
    if unknown:
        problems.append(f"Unknown JustCall options: {', '.join(map(str, unknown))}.")
    sender = options.get("from")
    if sender not in (None, ""):
        allowed = list(from_numbers) if from_numbers is not None else None
        if not is_e164(sender):
            problems.append(f"The From number must be in E.164 (e.g. +14155551234), got {sender!r}.")
        elif allowed is not None and sender not in allowed:
            problems.append(f"The From number {sender} is not one of the configured JustCall numbers.")
        else:
            cleaned["from"] = sender
    media_url = options.get("media_url")
    if media_url not in (None, ""):
        url_problems = media_url_problems(media_url)
        problems.extend(url_problems)
        if not url_problems:
            cleaned["media_url"] = media_url
    if problems:
        raise ValueError(problems)
    return cleaned


__all__ = [
    "MAX_GSM7_LENGTH",
    "MAX_GSM7_SEGMENTS",
    "MAX_MEDIA_BYTES",
    "MAX_RECIPIENTS_PER_CALL",
    "MAX_UNICODE_LENGTH",
    "MAX_UNICODE_SEGMENTS",
    "MEDIA_TYPES",
    "is_e164",
    "is_gsm7",
    "max_length",
    "media_url_problems",
    "segments",
    "text_length",
    "text_problems",
    "to_e164",
    "validate_options",
]
