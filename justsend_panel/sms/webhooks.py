"""What every provider's webhook parsing shares: the body's JSON read strictly, made
storable (no NUL, no lone UTF-16 surrogate) and bounded in depth, and the constant-time
comparison of a webhook secret.

Provider packages (``sms/<provider>/webhooks.py``) import these; no provider package imports
another (tests/sms/test_import_boundary.py).
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from typing import Any

from justsend_panel.sms.exceptions import SmsWebhookError

Payload = bytes | bytearray | str | Mapping[str, Any]

# A webhook body is a flat object (an array of them at most): deeper JSON is not one.
MAX_NESTING = 32
# What no database text column takes: NUL (PostgreSQL) and lone UTF-16 surrogates (no
# encoder writes them; JSON's "\ud800" escape makes one, e.g. an emoji split across two
# UCS-2 segments).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def secret_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of a webhook secret; an empty expected secret never matches."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def storable_text(text: str) -> str:
    """``text`` with NUL and lone surrogates replaced by U+FFFD, which every database takes."""
    return _UNSTORABLE.sub("\ufffd", text)


# In JSON as sent, what can make such text: the escape of a surrogate or of NUL (a raw NUL
# or surrogate is invalid JSON or invalid UTF-8). Most bodies have none: their texts are
# then not searched one by one.
_UNSTORABLE_ESCAPE = {
    bytes: re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)|\x00"),
    str: re.compile("\\\\u(?:[dD][89a-fA-F]|0000)|[\x00\ud800-\udfff]"),
}


def unstorable_possible(payload: bytes | bytearray | str) -> bool:
    """Whether the JSON text may hold a text that :func:`storable_text` would change."""
    pattern = _UNSTORABLE_ESCAPE[str if isinstance(payload, str) else bytes]
    return pattern.search(payload) is not None


def json_load(payload: Payload | list[Any]) -> Any:
    """The body's JSON as sent; :class:`SmsWebhookError` for anything that is not JSON,
    nesting that would exhaust the parser's stack included."""
    if isinstance(payload, bytes | bytearray):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SmsWebhookError("The body is not UTF-8.") from exc
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError as exc:
            raise SmsWebhookError(f"The body is not valid JSON: {exc.msg}.") from exc
        except RecursionError as exc:
            raise SmsWebhookError("The body nests too deeply.") from exc
    return payload


def json_storable(data: Any, *, texts: bool = True) -> tuple[Any, bool]:
    """``data`` with every text (keys too) made storable; whether anything was replaced.

    More than :data:`MAX_NESTING` levels is refused: no webhook body nests, and the check keeps
    the walk (and whoever dumps the data later) within Python's stack. ``texts=False``
    checks the nesting only (see :func:`unstorable_possible`).
    """
    replaced = False

    def clean(value: Any, depth: int) -> Any:
        nonlocal replaced
        if isinstance(value, str):
            if texts and _UNSTORABLE.search(value):
                replaced = True
                return storable_text(value)
            return value
        if not isinstance(value, list | Mapping):
            return value
        if depth >= MAX_NESTING:
            raise SmsWebhookError("The body nests too deeply.")
        if isinstance(value, list):
            return [clean(item, depth + 1) for item in value]
        return {clean(key, depth + 1): clean(item, depth + 1) for key, item in value.items()}

    return clean(data, 0), replaced
