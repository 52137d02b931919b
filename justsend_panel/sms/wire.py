"""Scalar readers every provider's wire format shares: tolerant of what a JSON body may
carry (numbers as text, text as numbers, ISO 8601 or epoch milliseconds), ``None`` for
what is not there or not readable. Provider packages import these; no provider package
imports another.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def integer(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def timestamp(value: Any) -> datetime | None:
    """ISO 8601 text (``Z`` or an offset; naive means UTC) or milliseconds since the epoch."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    candidate = value.strip()
    if candidate.isdigit():
        return datetime.fromtimestamp(int(candidate) / 1000, tz=UTC)
    try:
        parsed = datetime.fromisoformat(candidate.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
