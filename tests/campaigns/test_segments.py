import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.segments import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    count_segments,
    GSM7_SUBSTITUTES,
    gsm7_substitute,
)
from justsend_panel.sandbox import segments as sandbox_segments


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments", "per_segment", "units_left"),
    [
        ("", GSM7, 0, 1, 160, 160),
        ("a" * 160, GSM7, 160, 1, 160, 0),
        ("a" * 161, GSM7, 161, 2, 153, 145),
        ("a" * 306, GSM7, 306, 2, 153, 0),
        ("a" * 307, GSM7, 307, 3, 153, 152),
        ("€" * 80, GSM7, 160, 1, 160, 0),
        # 76 € fill part one to 152 septets: the 77th cannot be split.
        ("€" * 81, GSM7, 162, 2, 153, 143),
        # 152 septets then a two-septet character: it moves whole to part two.
        ("a" * 152 + "€" + "a" * 10, GSM7, 164, 2, 153, 141),
        ("a" * 151 + "€" + "a" * 10, GSM7, 163, 2, 153, 143),
        ("a" * 152 + "[" + "a" * 152, GSM7, 306, 3, 153, 152),
        ("\f" * 81, GSM7, 162, 2, 153, 143),
        ("ą" * 70, UCS2, 70, 1, 70, 0),
        ("ą" * 71, UCS2, 71, 2, 67, 63),
        ("ą" * 134, UCS2, 134, 2, 67, 0),
        ("ą" * 135, UCS2, 135, 3, 67, 66),
        ("😀" * 35, UCS2, 70, 1, 70, 0),
        ("😀" * 36, UCS2, 72, 2, 67, 61),
        # 66 units then an emoji: the surrogate pair is not split, it opens part two.
        ("ą" * 66 + "😀" + "ą", UCS2, 69, 1, 70, 1),
        ("ą" * 66 + "😀" + "ą" * 2, UCS2, 70, 1, 70, 0),
        ("ą" * 66 + "😀" + "ą" * 3, UCS2, 71, 2, 67, 62),
        ("Zażółć" + "a" * 64, UCS2, 70, 1, 70, 0),
        ("Zażółć" + "a" * 65, UCS2, 71, 2, 67, 63),
    ],
)
def test_count_segments_boundaries(text, encoding, units, segments, per_segment, units_left):
    count = count_segments(text)
    assert (count.encoding, count.units, count.segments, count.per_segment, count.units_left) == (
        encoding,
        units,
        segments,
        per_segment,
        units_left,
    )
    assert count.characters == len(text)


def test_ucs2_characters_are_listed_once_in_order_of_appearance():
    count = count_segments("Zażółć gęślą jaźń ą")
    assert count.ucs2_characters == ("ż", "ó", "ł", "ć", "ę", "ś", "ą", "ź", "ń")
    assert count_segments("Hello [world] €5").ucs2_characters == ()


def test_emoji_counts_as_one_character_two_units():
    count = count_segments("hi 😀")
    assert (count.characters, count.units, count.encoding) == (4, 5, UCS2)
    assert count.ucs2_characters == ("😀",)


def test_substitute_replaces_polish_letters():
    text = "Zażółć gęślą jaźń. ZAŻÓŁĆ GĘŚLĄ JAŹŃ"
    result = gsm7_substitute(text)
    assert result.text == "Zazolc gesla jazn. ZAZOLC GESLA JAZN"
    assert count_segments(result.text).encoding == GSM7
    assert gsm7_substitute("café €").text == "café €"


def test_substitute_replaces_the_typographic_characters_that_force_ucs2():
    # As a word processor writes it: „quotes”, an en dash, an ellipsis, a typographic
    # apostrophe, a no-break space and a soft hyphen.
    text = "„Wiosna” – rabaty… Don’t miss «it» — 20\u00a0% off, pro\u00admo ‘now’ “go”"
    assert count_segments(text).encoding == UCS2
    result = gsm7_substitute(text)
    assert result.text == "\"Wiosna\" - rabaty... Don't miss \"it\" - 20 % off, promo 'now' \"go\""
    assert count_segments(result.text).encoding == GSM7
    assert result.replaced == (
        ("„", '"'), ("”", '"'), ("–", "-"), ("…", "..."), ("’", "'"), ("«", '"'), ("»", '"'),
        ("—", "-"), ("\u00a0", " "), ("\u00ad", ""), ("‘", "'"), ("“", '"'),
    )


def test_substitute_leaves_what_has_no_look_alike_and_says_nothing_was_replaced():
    result = gsm7_substitute("Hi 😀 中")
    assert result == type(result)(text="Hi 😀 中", replaced=())
    assert count_segments(result.text).encoding == UCS2


def test_every_substitute_forces_ucs2_and_is_gsm7_itself():
    for character, substitute in GSM7_SUBSTITUTES.items():
        assert count_segments(character).encoding == UCS2, repr(character)
        assert count_segments(substitute).encoding == GSM7, repr(character)


gsm7_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=700)
any_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(sorted(GSM7_BASIC | GSM7_EXTENSION)),
        st.sampled_from("ąćęłńóśźż😀🎉ü中"),
    ),
    max_size=500,
)


@given(gsm7_text)
def test_gsm7_parts_never_exceed_capacity(text):
    count = count_segments(text)
    assert count.encoding == GSM7
    if count.segments == 1:
        assert count.units <= 160
    else:
        assert count.units <= 153 * count.segments
        # Greedy filling wastes at most one septet per part boundary.
        assert count.units > 153 * (count.segments - 1) - (count.segments - 1)


@given(any_text, any_text)
def test_segments_are_monotonic_in_length(text, suffix):
    longer = text + suffix
    assert count_segments(longer).segments >= count_segments(text).segments


@given(any_text)
def test_units_left_fits_the_last_part(text):
    count = count_segments(text)
    assert 0 <= count.units_left <= count.per_segment


@settings(max_examples=400)
@given(any_text)
def test_agrees_with_the_sandbox_counter(text):
    count = count_segments(text)
    assert count.segments == sandbox_segments.count_segments(text)
    assert (count.encoding == GSM7) == (sandbox_segments.encoding_of(text) == "GSM7")
