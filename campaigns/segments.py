"""The one SMS length counter: the compose page, the preview and the cost all use it.

GSM-7 fits 160 septets in a single message and 153 in each part of a longer one;
UCS-2 fits 70 / 67 UTF-16 units. The GSM-7 extension characters (``€ [ ] { } | ^ ~ \\``
and form feed) take two septets (escape + character) and a phone cannot rebuild one
split across parts, just as it cannot rebuild a UTF-16 surrogate pair (an emoji) split
across parts. So multipart messages are counted by filling parts greedily, never by
dividing the total. ``static/js/campaign_compose.js`` mirrors this module exactly;
``tests/campaigns/test_segments.py`` runs shared vectors through both.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# What "Replace Polish letters and typographic characters" puts in place of a character
# that forces UCS-2: Polish letters lose their diacritics; dashes, typographic quotes, the
# ellipsis and the special spaces a word processor or a phone keyboard types become their
# plain GSM-7 look-alikes; invisible soft hyphens and zero-width characters go.
# Mirrored in static/js/campaign_compose.js (GSM7_SUBSTITUTES).
GSM7_SUBSTITUTES: dict[str, str] = {
    **dict(zip("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ", strict=True)),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),  # ‐ ‑ ‒ – — ― −
    **dict.fromkeys("\u201e\u201c\u201d\u201f\u00ab\u00bb\u2033", '"'),  # „ “ ” ‟ « » ″
    **dict.fromkeys("\u201a\u2018\u2019\u201b\u2039\u203a\u2032\u00b4\u0060", "'"),  # ‚ ‘ ’ ‛ ‹ › ′ ´ `
    "\u2026": "...",  # …
    # no-break, figure, thin, hair, en, em, narrow no-break, medium mathematical spaces
    **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2008\u2009\u200a\u202f\u205f", " "),
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),  # soft hyphen, zero-width
}


@dataclass(frozen=True, slots=True)
class SegmentCount:
    characters: int  # Unicode code points, as the user sees them
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int  # parts the message is billed as, at least 1
    per_segment: int  # the limit in force: 160/153 or 70/67
    units_left: int  # room left in the last part before one more is needed
    ucs2_characters: tuple[str, ...]  # distinct characters forcing UCS-2, first-seen order

    @property
    def is_gsm7(self) -> bool:
        return self.encoding == GSM7


def _unit_size(ch: str, gsm7: bool) -> int:
    if gsm7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def ucs2_characters(text: str) -> tuple[str, ...]:
    """The distinct characters of ``text`` outside GSM-7, in order of appearance."""
    return tuple(
        dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION)
    )


def count_segments(text: str) -> SegmentCount:
    forcing = ucs2_characters(text)
    gsm7 = not forcing
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    sizes = [_unit_size(ch, gsm7) for ch in text]
    units = sum(sizes)
    if units <= single:
        segments, per_segment, used = 1, single, units
    else:
        segments, per_segment, used = 1, part, 0
        for size in sizes:
            if used + size > part:
                segments += 1
                used = 0
            used += size
    return SegmentCount(
        characters=len(text),
        encoding=GSM7 if gsm7 else UCS2,
        units=units,
        segments=segments,
        per_segment=per_segment,
        units_left=per_segment - used,
        ucs2_characters=forcing,
    )


@dataclass(frozen=True, slots=True)
class Substitution:
    text: str
    # (character, what replaced it) for each distinct character replaced, first-seen order
    replaced: tuple[tuple[str, str], ...]


def gsm7_substitute(text: str) -> Substitution:
    """``text`` with every character of :data:`GSM7_SUBSTITUTES` replaced, and what was.

    Characters without a look-alike (an emoji, ``中``) stay: the counter still lists them.
    """
    replaced: dict[str, str] = {}
    out = []
    for ch in text:
        substitute = GSM7_SUBSTITUTES.get(ch)
        if substitute is None:
            out.append(ch)
        else:
            replaced.setdefault(ch, substitute)
            out.append(substitute)
    return Substitution(text="".join(out), replaced=tuple(replaced.items()))
