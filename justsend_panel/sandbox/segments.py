"""SMS segment counting: GSM-7 (160 single / 153 per part) and UCS-2 (70 / 67).

GSM-7 extension characters (``€ [ ] { } | ^ ~ \\`` and form feed) take two septets
and, like a UTF-16 surrogate pair in UCS-2, are never split across two parts, so
multipart messages are counted by filling parts greedily rather than by division.
"""

from __future__ import annotations

import re

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# The same sets as regular expressions: a million uploaded texts are counted in C, not
# character by character in Python.
_NOT_GSM7 = re.compile("[^" + "".join(re.escape(ch) for ch in sorted(GSM7_BASIC | GSM7_EXTENSION)) + "]")
_GSM7_DOUBLE = re.compile("[" + "".join(re.escape(ch) for ch in sorted(GSM7_EXTENSION)) + "]")
_UCS2_DOUBLE = re.compile("[\U00010000-\U0010FFFF]")  # a surrogate pair in UTF-16


def is_gsm7(text: str) -> bool:
    return _NOT_GSM7.search(text) is None


def _fill_parts(unit_sizes: list[int], part_capacity: int) -> int:
    parts, used = 1, 0
    for size in unit_sizes:
        if used + size > part_capacity:
            parts += 1
            used = 0
        used += size
    return parts


def count_segments(text: str) -> int:
    """Number of SMS parts ``text`` is billed as (at least 1)."""
    if is_gsm7(text):
        double, single, part = _GSM7_DOUBLE, GSM7_SINGLE, GSM7_PART
    else:
        double, single, part = _UCS2_DOUBLE, UCS2_SINGLE, UCS2_PART
    doubles = len(double.findall(text))
    units = len(text) + doubles
    if units <= single:
        return 1
    if not doubles:
        return -(-units // part)  # every unit single: greedy filling is plain division
    return _fill_parts([2 if double.match(ch) else 1 for ch in text], part)


def encoding_of(text: str) -> str:
    return "GSM7" if is_gsm7(text) else "UCS2"
