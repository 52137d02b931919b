"""Phone numbers as staff type them -> the MSISDN Justsend wants (digits with country code).

`500 123 123`, `+48 500-123-123` and `0048500123123` all give `48500123123` with the
default region PL. A number without `+` or `00` is read in the default region, so a
foreign number must carry its prefix.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberType

# Types that can receive an SMS; fixed lines and the like cannot.
SMS_CAPABLE = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PAGER,
    PhoneNumberType.UNKNOWN,
}


class Msisdn(str):
    """A number already normalised by :func:`msisdn_parse` (country code and digits).

    Forms parse what staff type once and hand this on; services take it as it is instead
    of parsing the digits again, which would read ``421905123456`` in the default region.
    """

    __slots__ = ()


# Pasted numbers are separated by lines, commas, semicolons or tabs; spaces and dashes
# stay inside a number ("+48 500-123-123"). Every textarea that takes numbers splits so.
NUMBER_SEPARATORS = re.compile(r"[\r\n,;\t]+")


def numbers_split(text: str) -> list[str]:
    """The numbers of a pasted text, stripped, blanks left out."""
    return [part.strip() for part in NUMBER_SEPARATORS.split(text or "") if part.strip()]


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    raw: str
    msisdn: str | None = None
    region: str | None = None
    sms_capable: bool = False
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.msisdn is not None


def default_region() -> str:
    return getattr(settings, "PHONE_DEFAULT_REGION", "PL")


def msisdn_parse(raw: str, *, region: str | None = None) -> ParsedNumber:
    """Parse one number; an invalid one comes back with a message naming it.

    An :class:`Msisdn` is normalised already: it is read as international, never in the
    default region.
    """
    if isinstance(raw, Msisdn):
        raw = "+" + raw
    parsed = _parse(raw.strip(), region or default_region())
    if parsed.error is None:
        return parsed
    # Cached results hold an error code; the message is made in the active language.
    messages = {
        "empty": _("The number is empty."),
        "unparsable": _("“%(number)s” is not a phone number."),
        "invalid": _("“%(number)s” is not a valid phone number."),
    }
    return ParsedNumber(raw=parsed.raw, error=messages[parsed.error] % {"number": parsed.raw})


@lru_cache(maxsize=65536)
def _parse(raw: str, region: str) -> ParsedNumber:
    if not raw:
        return ParsedNumber(raw=raw, error="empty")
    text = raw
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ParsedNumber(raw=raw, error="unparsable")
    if not phonenumbers.is_valid_number(number):
        return ParsedNumber(raw=raw, error="invalid")
    number_type = phonenumbers.number_type(number)
    return ParsedNumber(
        raw=raw,
        msisdn=Msisdn(
            f"{number.country_code}{number.national_number}"
            if not number.italian_leading_zero
            else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
        ),
        region=phonenumbers.region_code_for_number(number),
        sms_capable=number_type in SMS_CAPABLE,
    )


# --- Bulk parsing ------------------------------------------------------------------------
# `phonenumbers.parse` costs ~15 µs a number; an import of a million rows cannot afford it.
# Most imported numbers are plain mobiles of the default region, with or without the
# country code. For those the type is decided by the region's own metadata patterns,
# compiled once here: the same patterns, in the same order, as phonenumbers'
# `_number_type_helper`. Anything else (letters, extensions, foreign or national-prefix
# numbers, fixed lines) goes the slow, exact way. tests/contacts/imports/test_phones_fast.py
# proves the two agree.

# Types phonenumbers tests before fixed line and mobile; a number matching one is not ours.
_TYPES_BEFORE_MOBILE = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail",
)


@dataclass(frozen=True, slots=True)
class _MobileShape:
    country_code: str
    region: str
    general_lengths: frozenset
    general: re.Pattern
    # length -> (mobile pattern, pattern of what disqualifies a mobile-looking number:
    # outside the general description, or one of the types tested before mobile)
    mobile: dict


@lru_cache(maxsize=32)
def _mobile_shape(region: str) -> _MobileShape | None:
    """The region's mobile patterns, or None where the fast path cannot be exact."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.mobile is None or metadata.general_desc is None:
        return None
    if metadata.national_prefix or metadata.national_prefix_for_parsing:
        return None  # "0 500…"-style national prefixes need the full parser
    if len(COUNTRY_CODE_TO_REGION_CODE.get(metadata.country_code, ())) != 1:
        return None  # a shared country code (+1, +7): the region depends on the digits
    if not metadata.mobile.national_number_pattern or not metadata.mobile.possible_length:
        return None
    general_lengths = set(metadata.general_desc.possible_length)
    mobile: dict = {}
    for length in set(metadata.mobile.possible_length) & general_lengths:
        excluded = [
            desc.national_number_pattern
            for desc in (getattr(metadata, name) for name in _TYPES_BEFORE_MOBILE)
            if desc is not None and desc.national_number_pattern
            and (not desc.possible_length or length in desc.possible_length)
        ]
        disqualified = f"(?!(?:{metadata.general_desc.national_number_pattern})$)"
        if excluded:
            disqualified += "|(?:" + "|".join(f"(?:{p})" for p in excluded) + ")$"
        mobile[length] = (
            re.compile(f"(?:{metadata.mobile.national_number_pattern})"),
            re.compile(disqualified),
        )
    return _MobileShape(
        country_code=str(metadata.country_code),
        region=region,
        general_lengths=frozenset(general_lengths),
        general=re.compile(f"(?:{metadata.general_desc.national_number_pattern})"),
        mobile=mobile,
    )


# --- Prefix caches ----------------------------------------------------------------------
# For a number of a given length, the region's patterns look at the first few digits only
# (`(?:45|5[0137]|…)\d{7}`: two digits decide). `_decisive_digits` reads that from the
# patterns themselves (expanded into the digit sets each position allows), so the answer
# for one prefix is computed once with the patterns above and reused for every number
# that starts with it: a dict look-up instead of two regular expressions. Where a pattern
# has something the expansion does not know, the numbers of that length keep the patterns.

_DIGITS = frozenset("0123456789")
_EXPANSION_LIMIT = 5000  # sequences per pattern; beyond that, no cache for the pattern
_CACHED_PREFIX_MAX = 6  # at most 10**6 prefixes


class _Unexpandable(Exception):
    pass


def _expand(items) -> list[tuple]:
    """Every digit-set sequence the parsed pattern matches (one frozenset per position)."""
    from re import _constants as sre

    sequences: list[tuple] = [()]
    for op, arg in items:
        if op is sre.LITERAL:
            alternatives = [(frozenset(chr(arg)),)]
        elif op is sre.IN:
            allowed: set[str] = set()
            for kind, value in arg:
                if kind is sre.LITERAL:
                    allowed.add(chr(value))
                elif kind is sre.RANGE:
                    allowed.update(chr(code) for code in range(value[0], value[1] + 1))
                elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                    allowed.update(_DIGITS)
                else:
                    raise _Unexpandable(kind)
            alternatives = [(frozenset(allowed & _DIGITS),)]
        elif op is sre.SUBPATTERN:
            alternatives = _expand(arg[-1])
        elif op is sre.BRANCH:
            alternatives = [seq for branch in arg[1] for seq in _expand(branch)]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, item = arg
            if high == sre.MAXREPEAT or high > 20:
                raise _Unexpandable(op)
            once = _expand(item)
            alternatives, repeated = [], [()]
            for count in range(high + 1):
                if count >= low:
                    alternatives.extend(repeated)
                repeated = [a + b for a in repeated for b in once]
                if len(repeated) > _EXPANSION_LIMIT:
                    raise _Unexpandable(op)
        else:
            raise _Unexpandable(op)
        sequences = [a + b for a in sequences for b in alternatives]
        if len(sequences) > _EXPANSION_LIMIT:
            raise _Unexpandable("too many sequences")
    return sequences


def _decisive_digits(patterns: list[str], length: int) -> int | None:
    """How many leading digits decide whether a ``length``-digit number matches each of
    ``patterns``; None when the patterns cannot be read that way."""
    from re import _parser

    decisive = 0
    for pattern in patterns:
        try:
            sequences = _expand(_parser.parse(pattern))
        except (_Unexpandable, re.error, RecursionError):
            return None
        for sequence in sequences:
            if len(sequence) != length:
                continue
            for position in range(length - 1, -1, -1):
                if sequence[position] != _DIGITS:
                    decisive = max(decisive, position + 1)
                    break
    return decisive


def _mobile_prefixes(region: str) -> dict:
    """length -> (decisive digits, {prefix: is mobile}) for the lengths a cache can serve."""
    from phonenumbers import PhoneMetadata

    shape = _mobile_shape(region)
    metadata = PhoneMetadata.metadata_for_region(region)
    caches = {}
    for length in shape.mobile:
        patterns = [metadata.general_desc.national_number_pattern,
                    metadata.mobile.national_number_pattern]
        patterns += [
            desc.national_number_pattern
            for desc in (getattr(metadata, name) for name in _TYPES_BEFORE_MOBILE)
            if desc is not None and desc.national_number_pattern
        ]
        decisive = _decisive_digits(patterns, length)
        if decisive is not None and decisive <= _CACHED_PREFIX_MAX:
            caches[length] = (decisive, {})
    return caches


@lru_cache(maxsize=32)
def msisdn_fast_for(region: str):
    """``msisdn_fast`` for one region, as a one-argument function (imports call it per row).

    Returns None when the region has no fast path at all.
    """
    shape = _mobile_shape(region)
    if shape is None:
        return None
    code, code_length = shape.country_code, len(shape.country_code)
    general_lengths, general = shape.general_lengths, shape.general.fullmatch
    prefixes = _mobile_prefixes(region)

    def is_mobile(national: str) -> bool:
        cached = prefixes.get(len(national))
        if cached is None:
            return _is_mobile(shape, national)
        decisive, known = cached
        key = national[:decisive]
        answer = known.get(key)
        if answer is None:
            # Any number with this prefix and length gets the same answer: ask the patterns.
            answer = known[key] = _is_mobile(shape, national)
        return answer

    def fast(raw: str) -> str | None:
        text = raw.replace(" ", "").replace("-", "") if " " in raw or "-" in raw else raw
        if text[:1] == "+":
            digits, international = text[1:], True
        elif text[:2] == "00":
            digits, international = text[2:], True
        else:
            digits, international = text, False
        if not (digits.isascii() and digits.isdigit()) or digits[:1] == "0":
            return None
        if international:
            if not digits.startswith(code):
                return None
            national = digits[code_length:]
        else:
            if is_mobile(digits):
                return code + digits
            if len(digits) in general_lengths and general(digits):
                return None  # a number of the region, but no mobile: the slow path decides
            if not digits.startswith(code):
                return None
            # Without "+", phonenumbers strips a leading country code only when what is
            # left fits.
            national = digits[code_length:]
        if national[:1] == "0" or not is_mobile(national):
            return None
        return code + national

    return fast


def msisdn_fast(raw: str, *, region: str) -> str | None:
    """The MSISDN of a plain mobile number of ``region``; None means "ask msisdn_parse".

    Returns a value only where `msisdn_parse` would return a valid, SMS-capable number
    with exactly that MSISDN; well under a microsecond for the common shapes, against
    ~15 µs for `phonenumbers.parse`.
    """
    fast = msisdn_fast_for(region)
    return None if fast is None else fast(raw)


def _is_mobile(shape: _MobileShape, national: str) -> bool:
    """Mobile, or fixed line or mobile: both valid and able to receive SMS."""
    patterns = shape.mobile.get(len(national))
    return (
        patterns is not None
        and patterns[0].fullmatch(national) is not None
        and patterns[1].match(national) is None
    )


def msisdn_parse_bulk(raw: str, *, region: str | None = None) -> ParsedNumber:
    """Exactly `msisdn_parse`, many times faster for plain mobiles of the region."""
    if isinstance(raw, Msisdn):
        return msisdn_parse(raw)
    stripped = raw.strip()
    region = region or default_region()
    msisdn = msisdn_fast(stripped, region=region) if stripped else None
    if msisdn is not None:
        return ParsedNumber(raw=stripped, msisdn=msisdn, region=region, sms_capable=True)
    return msisdn_parse(stripped, region=region)
