"""Phone numbers as staff type them -> the MSISDN Justsend wants (digits with country code).

`500 123 123`, `+48 500-123-123` and `0048500123123` all give `48500123123` with the
default region PL. A number without `+` or `00` is read in the default region, so a
foreign number must carry its prefix.
"""

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
    """Parse one number; an invalid one comes back with a message naming it."""
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
        msisdn=f"{number.country_code}{number.national_number}"
        if not number.italian_leading_zero
        else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:],
        region=phonenumbers.region_code_for_number(number),
        sms_capable=number_type in SMS_CAPABLE,
    )
