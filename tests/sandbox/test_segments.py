import pytest
from hypothesis import given, settings, strategies as st

from justsend_panel.sandbox.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    count_segments,
    encoding_of,
)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair is not split across parts
        ("a" * 152 + "[" + "a" * 154, 3),
        ("ą" * 70, 1),
        ("ą" * 71, 2),
        ("ą" * 134, 2),
        ("ą" * 135, 3),
        ("😀" * 35, 1),  # surrogate pairs: 70 UTF-16 units
        ("😀" * 36, 2),
        ("Zażółć" + "a" * 64, 1),
        ("Zażółć" + "a" * 65, 2),
        ("\f" * 81, 2),
    ],
)
def test_count_segments(text, segments):
    assert count_segments(text) == segments


def test_encoding():
    assert encoding_of("Hello {there} €") == "GSM7"
    assert encoding_of("Cześć") == "UCS2"


def _reference_count(text: str) -> int:
    """The definition, character by character: greedy filling of 153/160 or 67/70 units."""
    gsm7 = all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)
    if gsm7:
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        single, part = 160, 153
    else:
        sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = 70, 67
    if sum(sizes) <= single:
        return 1
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:
            parts, used = parts + 1, 0
        used += size
    return parts


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ0 \n\r\f€[]{}|^~\\ąśŁé😀𝄞"), max_size=420))
def test_count_segments_matches_the_character_by_character_definition(text):
    assert count_segments(text) == _reference_count(text)
    gsm7 = all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)
    assert encoding_of(text) == ("GSM7" if gsm7 else "UCS2")
