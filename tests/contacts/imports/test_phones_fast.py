"""The bulk fast path of phone parsing must agree with msisdn_parse, number by number."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacts.phones import (
    _decisive_digits,
    _is_mobile,
    _mobile_prefixes,
    _mobile_shape,
    msisdn_fast,
    msisdn_parse,
    msisdn_parse_bulk,
)

PREFIXES = ["", "+", "00", "48", "+48", "0048", "+48 ", "420", "+420", "0", "+1"]
SEPARATORS = ["", " ", "-"]


@st.composite
def typed_numbers(draw):
    """Numbers as people type them: a prefix, digits of plausible length, separators."""
    prefix = draw(st.sampled_from(PREFIXES))
    digits = draw(st.text("0123456789", min_size=5, max_size=12))
    separator = draw(st.sampled_from(SEPARATORS))
    step = draw(st.integers(min_value=2, max_value=4))
    grouped = separator.join(digits[i:i + step] for i in range(0, len(digits), step))
    return prefix + grouped


@settings(max_examples=1500, deadline=None)
@given(raw=typed_numbers(), region=st.sampled_from(["PL", "CZ", "DE", "US"]))
def test_fast_path_agrees_with_msisdn_parse(raw, region):
    slow = msisdn_parse(raw, region=region)
    fast = msisdn_fast(raw.strip(), region=region)
    if fast is not None:
        assert slow.valid and slow.sms_capable
        assert fast == slow.msisdn
    assert msisdn_parse_bulk(raw, region=region) == slow


@pytest.mark.parametrize(
    "raw",
    ["500 123 123", "+48 500-123-123", "0048500123123", "48500123123", "600100200",
     "+48 211 123 456", "880000000", "450000000"],
)
def test_polish_mobiles_take_the_fast_path(raw):
    assert msisdn_fast(raw, region="PL") == msisdn_parse(raw).msisdn


@pytest.mark.parametrize(
    "raw",
    # landline, premium rate, toll free, a foreign number, letters, an extension
    ["22 123 45 67", "700 123 456", "800 123 456", "+44 7700 900123", "500 12A 123",
     "500123123 ext 5"],
)
def test_everything_else_is_left_to_the_full_parser(raw):
    assert msisdn_fast(raw, region="PL") is None
    assert msisdn_parse_bulk(raw) == msisdn_parse(raw)


def test_regions_with_a_national_prefix_have_no_fast_path():
    assert _mobile_shape("DE") is None  # "0171 …": the national prefix needs the parser
    assert _mobile_shape("US") is None  # +1 is shared by many regions
    assert _mobile_shape("PL") is not None


@pytest.mark.parametrize(
    ("pattern", "length", "decisive"),
    [(r"(?:45|5[0137])\d{7}", 9, 2), (r"21(?:1[013-5]|2\d|3[1-9])\d{5}", 9, 4),
     (r"64\d{4,7}", 9, 2), (r"[1-9]\d{6}(?:\d{2})?", 9, 1), (r"800\d{6,7}", 8, 0)],
)
def test_decisive_digits_are_read_from_the_pattern(pattern, length, decisive):
    assert _decisive_digits([pattern], length) == decisive


def test_a_pattern_the_expansion_cannot_read_gets_no_prefix_cache():
    assert _decisive_digits([r"5\d+"], 9) is None
    assert _decisive_digits([r"[^0]\d{8}"], 9) is None


@pytest.mark.parametrize("region", ["PL", "CZ"])
def test_every_prefix_decides_like_the_patterns_whatever_digits_follow(region):
    """The cache answers per prefix; the patterns must give that answer for any tail."""
    shape = _mobile_shape(region)
    rng = random.Random(region)
    for length, (decisive, _known) in _mobile_prefixes(region).items():
        for prefix in range(10**decisive):
            head = f"{prefix:0{decisive}d}"
            answers = {
                _is_mobile(shape, head + "".join(rng.choices("0123456789", k=length - decisive)))
                for _ in range(4)
            }
            assert len(answers) == 1, head
