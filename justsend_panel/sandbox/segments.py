"""SMS segment counting: GSM-7 (160 single / 153 per part) and UCS-2 (70 / 67).

GSM-7 extension characters (``€ [ ] { } | ^ ~ \\`` and form feed) take two septets
and, like a UTF-16 surrogate pair in UCS-2, are never split across two parts, so
multipart messages are counted by filling parts greedily rather than by division.
"""

from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


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
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(sizes) <= single:
        return 1
    return _fill_parts(sizes, part)


def encoding_of(text: str) -> str:
    return "GSM7" if is_gsm7(text) else "UCS2"
