"""What the manual says a valid request looks like: variants, headings, countries, numbers.

Readings of the manual where it is ambiguous:

* MSISDN: digits only with the country code, 9 to 15 digits not starting with 0, no ``+`` or spaces ("without
  spaces or special characters"); Polish numbers (prefix 48) have exactly 11 digits.
  Surrounding whitespace is trimmed, since the manual's own samples carry it.
* Domestic variants (ECO, FULL, PRO, ECO_RESP, PRO_RESP, VOICE) only reach Polish numbers;
  a foreign number in such a bulk becomes an invalid recipient (reason ``FOREIGN_NUMBER``).
* INTER reaches only numbers of ``bulkProperties.country`` ("the country code of the recipients",
  3.1.2; "intended for international shipments only and cannot be used for domestic
  shipments"); any other number, a Polish one included, becomes an invalid recipient (reason
  ``OUTSIDE_COUNTRY``). The manual's own INTER example sends 48… numbers to SLOVAKIA: the
  stricter reading wins over the sample.
* FULL: the sender is one of the ten headings of 3.1 exactly as the manual writes them (upper
  case); the same for the ``senderOverride`` of a FULL Mail2SMS code (5.2.1 "ECO, FULL, PRO").
* Czechia: the INTER lists (3.1.2, 5.2.2) spell it "CZECH REPUBLIC", the blacklist removal list
  (10.3) "CZECHIA". A space cannot be in the API's enum constant, so ``CZECHIA`` (what the
  client sends) is accepted everywhere, and the manual's "CZECH REPUBLIC" too.
* ``voiceConfig.maxCount`` above 4 is lowered to 4 (the manual says so), ``pause`` outside
  0..10 and negative or inverted periods are refused with 400. The manual marks none of the
  ``voiceConfig`` fields "required" (it does elsewhere), and the client's ``VoiceConfig`` leaves
  unset fields out, so each field is optional; the object itself is required for VOICE.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import phonenumbers

from .web import bad_request

BULK_TYPES = ("STANDARD", "PERSONALIZED", "PARAMETRIZED")
VARIANTS = ("ECO", "FULL", "PRO", "ECO_RESP", "PRO_RESP", "INTER", "VOICE")
DOMESTIC_VARIANTS = frozenset(VARIANTS) - {"INTER"}
OWN_SENDER_VARIANTS = frozenset({"PRO", "PRO_RESP", "INTER"})
STATS_VARIANTS = VARIANTS + ("TEST", "RCS")

FULL_HEADINGS = (
    "INFORMATION", "COMPETITION", "SPECIAL OFFER", "NEW", "INFO",
    "OFFER", "OPPORTUNITY", "MESSAGE", "ANNOUNCEMENT", "NEWS",
)
ECO_SENDER = "4777"

INTER_COUNTRIES = (
    "AUSTRIA", "BELGIUM", "BULGARIA", "CROATIA", "CZECH REPUBLIC", "DENMARK", "ESTONIA",
    "FINLAND", "FRANCE", "GERMANY", "GREECE", "HUNGARY", "ICELAND", "IRELAND", "ITALY",
    "LATVIA", "LITHUANIA", "LUXEMBOURG", "MALTA", "NETHERLANDS", "PORTUGAL", "ROMANIA",
    "SLOVAKIA", "SLOVENIA", "SPAIN", "SWEDEN",
    "UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND", "CYPRUS", "CZECHIA",
)
# The blacklist and group sections add Poland.
COUNTRIES = frozenset(INTER_COUNTRIES) | {"POLAND"}
# ISO 3166 codes of the manual's countries, for their calling codes.
_REGIONS = {
    "AUSTRIA": "AT", "BELGIUM": "BE", "BULGARIA": "BG", "CROATIA": "HR", "CZECH REPUBLIC": "CZ", "CZECHIA": "CZ",
    "DENMARK": "DK", "ESTONIA": "EE", "FINLAND": "FI", "FRANCE": "FR", "GERMANY": "DE", "GREECE": "GR",
    "HUNGARY": "HU", "ICELAND": "IS", "IRELAND": "IE", "ITALY": "IT", "LATVIA": "LV", "LITHUANIA": "LT",
    "LUXEMBOURG": "LU", "MALTA": "MT", "NETHERLANDS": "NL", "PORTUGAL": "PT", "ROMANIA": "RO", "SLOVAKIA": "SK",
    "SLOVENIA": "SI", "SPAIN": "ES", "SWEDEN": "SE", "UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND": "GB",
    "CYPRUS": "CY", "POLAND": "PL",
}
GROUP_TYPES = ("LOCAL", "INTERNATIONAL")
PLATFORM_TYPES = ("PL", "FR", "SK", "PL_PGE")

# A Polish number (48 + 9 digits) in group 1, any other 9-15 digit number in group 2.
_MSISDN = re.compile(r"\s*(?:(48\d{9})|(?!48)([1-9]\d{8,14}))\s*")
match_msisdn = _MSISDN.fullmatch
_POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_PHONE_LIKE = re.compile(r"\+?[\d\s\-]{5,}")
_SENDER_CHARS = re.compile(r"[A-Za-z0-9 .,\-_&!'?@#$%()+/:]+")


def normalise_msisdn(raw: object) -> str | None:
    """The MSISDN as stored, or None when it is not a valid number."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    match = _MSISDN.fullmatch(raw)
    return (match.group(1) or match.group(2)) if match else None


def require_msisdn(raw: object, field: str = "msisdn") -> str:
    value = normalise_msisdn(raw)
    if value is None:
        raise bad_request(f"Invalid {field} '{raw}': expected digits with country code, e.g. 48123123123")
    return value


def choice(value: object, allowed: tuple[str, ...] | frozenset[str], field: str, *, required: bool = True) -> str | None:
    if value is None or value == "":
        if required:
            raise bad_request(f"Field '{field}' is required")
        return None
    if not isinstance(value, str) or value not in allowed:
        raise bad_request(f"Unknown {field} '{value}'; allowed: {', '.join(sorted(allowed))}")
    return value


def calling_code(country: str) -> str:
    """The country's calling code: the first digits of its MSISDNs (calling codes are prefix-free)."""
    return str(phonenumbers.country_code_for_region(_REGIONS[country]))


def check_full_heading(sender: str, field: str) -> str:
    if sender not in FULL_HEADINGS:
        raise bad_request(f"{field} of a FULL message must be one of the headings: {', '.join(FULL_HEADINGS)}")
    return sender


def check_sender(variant: str, sender: object) -> str:
    """The sender shown to the recipient, following the variant's rules (section 3.1)."""
    if sender is not None and not isinstance(sender, str):
        raise bad_request("Field 'sender' must be a string")
    sender = (sender or "").strip()
    if variant in ("ECO", "ECO_RESP"):
        return ECO_SENDER
    if variant == "FULL":
        return check_full_heading(sender, "The sender")
    if variant == "VOICE":
        return sender
    if not sender:
        raise bad_request(f"Field 'sender' is required for {variant}")
    if len(sender) > 11:
        raise bad_request("Sender must be at most 11 characters")
    if any(ch in _POLISH_LETTERS for ch in sender):
        raise bad_request("Sender must not contain Polish characters")
    if _PHONE_LIKE.fullmatch(sender):
        raise bad_request("Sender must not be a phone number")
    if not _SENDER_CHARS.fullmatch(sender):
        raise bad_request("Sender contains characters that are not allowed")
    return sender


def _number(config: dict, key: str, *, low: float = 0, high: float | None = None, required: bool = True) -> float | None:
    value = config.get(key)
    if value is None:
        if required:
            raise bad_request(f"voiceConfig.{key} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request(f"voiceConfig.{key} must be a number")
    if value < low or (high is not None and value > high):
        upper = f"..{high}" if high is not None else " or more"
        raise bad_request(f"voiceConfig.{key} must be {low}{upper}")
    return value


def check_voice_config(config: object) -> dict:
    if not isinstance(config, dict):
        raise bad_request("VOICE requires bulkProperties.voiceConfig")
    checked = dict(config)
    repeat = config.get("repeatDtmf", False)
    if repeat in ("0", "1", 0, 1):
        repeat = repeat in ("1", 1)
    if not isinstance(repeat, bool):
        raise bad_request("voiceConfig.repeatDtmf must be a boolean")
    checked["repeatDtmf"] = repeat
    _number(config, "pause", high=10, required=False)
    min_period = _number(config, "minPeriod", required=False)
    max_period = _number(config, "maxPeriod", required=False)
    if min_period is not None and max_period is not None and min_period > max_period:
        raise bad_request("voiceConfig.minPeriod must not exceed maxPeriod")
    max_count = _number(config, "maxCount", required=False)
    if max_count is not None:
        checked["maxCount"] = min(max_count, 4)
    _number(config, "maxDtmf", required=False)
    language = config.get("voiceLanguage")
    if language is not None and not isinstance(language, str):
        raise bad_request("voiceConfig.voiceLanguage must be a string")
    return checked


def check_variant_properties(variant: str, properties: object, field: str) -> dict:
    """``bulkProperties`` (bulks) or ``properties`` (Mail2SMS codes) for the variant."""
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise bad_request(f"Field '{field}' must be an object")
    checked = dict(properties)
    if variant == "INTER":
        checked["country"] = choice(properties.get("country"), INTER_COUNTRIES, f"{field}.country")
    if variant == "VOICE":
        checked["voiceConfig"] = check_voice_config(properties.get("voiceConfig"))
    return checked


def parse_datetime(raw: object, field: str) -> datetime:
    """An ISO 8601 instant; one without an offset is taken as UTC."""
    if not isinstance(raw, str) or not raw.strip():
        raise bad_request(f"Field '{field}' must be an ISO 8601 date-time")
    text = raw.strip().replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f"Field '{field}' is not a valid ISO 8601 date-time: '{raw}'") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    stamp = datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")
