"""SMS.by's own words and limits, as the panel's apps may see them (through
:func:`justsend_panel.sms.registry.vocabulary`).

From the manual: a ``sendBulkSms`` mailing is ``personal`` (a text per recipient) or ``bulk``
(one text); Viber forwarding of ``sendQuickSMS`` waits ``forwarding_time`` minutes, 5 to 60
(default 60); a verification code (``sendOtpTelegram``/``sendOtpWhatsApp``) is "only numbers,
maximum 16 characters". The manual states no mailing size: :data:`MAX_MAILING_SIZE` is the
panel's own cap and :data:`DEFAULT_MAILING_SIZE` its default (``SMSBY_MAILING_SIZE``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

DEFAULT_MAILING_SIZE = 1000
MAX_MAILING_SIZE = 10_000  # the panel's cap: the manual names none
FORWARDING_TIME_MIN = 5
FORWARDING_TIME_MAX = 60
FORWARDING_TIME_DEFAULT = 60
OTP_MAX_DIGITS = 16
NAME_MAX_LENGTH = 255  # the panel's cap on a mailing name (its unique reference is far shorter)


class MessageType(enum.StrEnum):
    PERSONAL = "personal"  # a text per recipient
    BULK = "bulk"  # one text for every recipient


class OtpChannel(enum.StrEnum):
    """Where a verification code goes."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


OPTION_KEYS = frozenset({"alphaname_id", "forwarding_message", "forwarding_time", "vibername_id", "show_cost"})


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        return number if number > 0 else None
    return None


def validate_otp_code(code: Any) -> str:
    """The code as sent: digits only, 1 to 16 of them; ``ValueError`` otherwise."""
    if not isinstance(code, str) or not code.isascii() or not code.isdigit():
        raise ValueError("A verification code must be digits only.")
    if len(code) > OTP_MAX_DIGITS:
        raise ValueError(f"A verification code has at most {OTP_MAX_DIGITS} digits, got {len(code)}.")
    return code


def validate_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The cleaned options (keys present only when set): ``alphaname_id`` (a positive id),
    ``show_cost`` (bool), and Viber forwarding: ``forwarding_message`` (bool),
    ``forwarding_time`` (5-60 minutes, only with forwarding), ``vibername_id`` (required with
    forwarding: the manual names the Viber sender only through it). ``ValueError([problem, …])``
    lists every problem in plain English."""
    options = dict(options or {})
    problems: list[str] = []
    cleaned: dict[str, Any] = {}
    unknown = sorted(set(options) - OPTION_KEYS)
    if unknown:
        problems.append(f"Unknown SMS.by options: {', '.join(map(str, unknown))}.")
    for key in ("alphaname_id", "vibername_id"):
        if options.get(key) not in (None, ""):
            number = _positive_int(options[key])
            if number is None:
                problems.append(f"{key} must be a positive whole number, got {options[key]!r}.")
            else:
                cleaned[key] = number
    for key in ("forwarding_message", "show_cost"):
        value = options.get(key)
        if value is None:
            continue
        if not isinstance(value, bool) and value not in (0, 1):
            problems.append(f"{key} must be true or false, got {value!r}.")
        elif value:
            cleaned[key] = True
    forwarding = cleaned.get("forwarding_message", False)
    if options.get("forwarding_time") not in (None, ""):
        minutes = _positive_int(options["forwarding_time"])
        if not forwarding:
            problems.append("forwarding_time is only taken with Viber forwarding on.")
        elif minutes is None or not FORWARDING_TIME_MIN <= minutes <= FORWARDING_TIME_MAX:
            problems.append(
                f"forwarding_time must be {FORWARDING_TIME_MIN} to {FORWARDING_TIME_MAX} minutes, "
                f"got {options['forwarding_time']!r}."
            )
        else:
            cleaned["forwarding_time"] = minutes
    if "vibername_id" in cleaned and not forwarding:
        problems.append("vibername_id is only taken with Viber forwarding on.")
    if forwarding and "vibername_id" not in cleaned and not any("vibername_id" in p for p in problems):
        problems.append("Viber forwarding needs the Viber name (vibername_id) to send from.")
    if problems:
        raise ValueError(problems)
    return cleaned


__all__ = [
    "DEFAULT_MAILING_SIZE",
    "FORWARDING_TIME_DEFAULT",
    "FORWARDING_TIME_MAX",
    "FORWARDING_TIME_MIN",
    "MAX_MAILING_SIZE",
    "OTP_MAX_DIGITS",
    "MessageType",
    "OtpChannel",
    "validate_options",
    "validate_otp_code",
]
