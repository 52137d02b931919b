"""The manual's rules for what a message may be: its sender per variant, the variant and
its country, the country of each recipient.

One module for every place that checks them before Justsend does: the compose form and
the campaign service, single messages and test sends, Mail2SMS codes, the admin. (The
sandbox keeps its own reading of the manual on purpose: it plays Justsend.)

Readings of the manual, the stricter where it is ambiguous:

* ECO and ECO_RESP send from Justsend's number 4777 and VOICE calls from Justsend's
  number: no sender of their own. FULL sends under one of the ten headings (3.1). PRO,
  PRO_RESP and INTER show an own sender ID: up to 11 characters, no Polish letters, not a
  phone number (3.1.1; 3.1.2 says the same rules apply to INTER, and every INTER example
  carries a sender), so INTER needs one too.
* ECO, FULL, PRO, ECO_RESP, PRO_RESP and VOICE reach Polish numbers only; INTER only
  numbers abroad, in the one country of ``bulkProperties.country`` (3.1.2, 3.1.4).
* A country is told by its calling code (the MSISDN's prefix): cheap enough for a million
  recipients in SQL. Territories that share a code count as the country (+358 Åland as
  Finland, +44 Jersey as the United Kingdom, +39 Vatican as Italy).
"""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from justsend_panel.sms.justsend.types import BulkVariant, Country, FullSender

SENDER_MAX_LENGTH = 11
POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# What a sender ID may be made of (Latin letters, digits and a few signs); anything
# else, Polish letters included, is refused by Justsend.
SENDER_CHARACTERS = re.compile(r"[A-Za-z0-9 .,\-_&!'?@#$%()+/:]+")
PHONE_LIKE = re.compile(r"\+?[\d\s\-]{5,}")

FULL_HEADINGS = frozenset(heading.value for heading in FullSender)
OWN_SENDER_VARIANTS = frozenset({BulkVariant.PRO, BulkVariant.PRO_RESP, BulkVariant.INTER})
NO_SENDER_VARIANTS = frozenset({BulkVariant.ECO, BulkVariant.ECO_RESP, BulkVariant.VOICE})
DOMESTIC_VARIANTS = frozenset(BulkVariant) - {BulkVariant.INTER}
HOME_COUNTRY = Country.POLAND
INTER_COUNTRIES = frozenset(Country) - {HOME_COUNTRY}

# ISO 3166 region (as phonenumbers gives it) -> the manual's country list.
REGION_COUNTRIES = {
    "AT": Country.AUSTRIA, "BE": Country.BELGIUM, "BG": Country.BULGARIA, "HR": Country.CROATIA,
    "CY": Country.CYPRUS, "CZ": Country.CZECHIA, "DK": Country.DENMARK, "EE": Country.ESTONIA,
    "FI": Country.FINLAND, "AX": Country.FINLAND, "FR": Country.FRANCE, "DE": Country.GERMANY,
    "GR": Country.GREECE, "HU": Country.HUNGARY, "IS": Country.ICELAND, "IE": Country.IRELAND,
    "IT": Country.ITALY, "LV": Country.LATVIA, "LT": Country.LITHUANIA,
    "LU": Country.LUXEMBOURG, "MT": Country.MALTA, "NL": Country.NETHERLANDS,
    "PL": Country.POLAND, "PT": Country.PORTUGAL, "RO": Country.ROMANIA,
    "SK": Country.SLOVAKIA, "SI": Country.SLOVENIA, "ES": Country.SPAIN, "SE": Country.SWEDEN,
    "GB": Country.UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND,
}
# Country -> its calling code, the prefix of every MSISDN there ("421" for Slovakia).
CALLING_CODES = {
    country: str(phonenumbers.country_code_for_region(region))
    for region, country in reversed(REGION_COUNTRIES.items())
}


def _variant(variant) -> BulkVariant | None:
    try:
        return BulkVariant(variant)
    except ValueError:
        return None


def _country(country) -> Country | None:
    try:
        return Country(country) if country else None
    except ValueError:
        return None


def country_for_region(region: str | None) -> Country:
    return REGION_COUNTRIES.get(region or "", HOME_COUNTRY)


# The manual's countries as people read them, in the page's language.
COUNTRY_LABELS = {
    Country.AUSTRIA: gettext_lazy("Austria"), Country.BELGIUM: gettext_lazy("Belgium"),
    Country.BULGARIA: gettext_lazy("Bulgaria"), Country.CROATIA: gettext_lazy("Croatia"),
    Country.CYPRUS: gettext_lazy("Cyprus"), Country.CZECHIA: gettext_lazy("Czechia"),
    Country.DENMARK: gettext_lazy("Denmark"), Country.ESTONIA: gettext_lazy("Estonia"),
    Country.FINLAND: gettext_lazy("Finland"), Country.FRANCE: gettext_lazy("France"),
    Country.GERMANY: gettext_lazy("Germany"), Country.GREECE: gettext_lazy("Greece"),
    Country.HUNGARY: gettext_lazy("Hungary"), Country.ICELAND: gettext_lazy("Iceland"),
    Country.IRELAND: gettext_lazy("Ireland"), Country.ITALY: gettext_lazy("Italy"),
    Country.LATVIA: gettext_lazy("Latvia"), Country.LITHUANIA: gettext_lazy("Lithuania"),
    Country.LUXEMBOURG: gettext_lazy("Luxembourg"), Country.MALTA: gettext_lazy("Malta"),
    Country.NETHERLANDS: gettext_lazy("Netherlands"), Country.POLAND: gettext_lazy("Poland"),
    Country.PORTUGAL: gettext_lazy("Portugal"), Country.ROMANIA: gettext_lazy("Romania"),
    Country.SLOVAKIA: gettext_lazy("Slovakia"), Country.SLOVENIA: gettext_lazy("Slovenia"),
    Country.SPAIN: gettext_lazy("Spain"), Country.SWEDEN: gettext_lazy("Sweden"),
    Country.UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND: gettext_lazy("United Kingdom"),
}
COUNTRY_CHOICES = [(country.value, COUNTRY_LABELS[country]) for country in Country]


def country_name(country) -> str:
    """"SLOVAKIA" -> "Slovakia" ("Słowacja" in Polish), as the country lists show it."""
    known = _country(country)
    return str(COUNTRY_LABELS[known]) if known else str(country).replace("_", " ").title()


# --- senders ---------------------------------------------------------------------------


def own_sender_errors(sender: str) -> list[str]:
    """Why ``sender`` cannot be an own sender ID (PRO, PRO_RESP, INTER); every problem."""
    errors = []
    if len(sender) > SENDER_MAX_LENGTH:
        errors.append(
            _("A sender may have at most %(max)d characters; this one has %(count)d.")
            % {"max": SENDER_MAX_LENGTH, "count": len(sender)}
        )
    polish = list(dict.fromkeys(ch for ch in sender if ch in POLISH_LETTERS))
    if polish:
        errors.append(
            _("A sender must not contain Polish letters (%(letters)s).")
            % {"letters": " ".join(polish)}
        )
    elif not SENDER_CHARACTERS.fullmatch(sender):
        errors.append(_("A sender may use Latin letters, digits, spaces and . , - _ & ! ' ? @ # $ % ( ) + / : only."))
    if PHONE_LIKE.fullmatch(sender):
        errors.append(_("A sender must not be a phone number."))
    return errors


def sender_value(variant, sender: str | None) -> str:
    """The sender ``variant`` sends under: none for the variants that have none."""
    return "" if _variant(variant) in NO_SENDER_VARIANTS else (sender or "").strip()


def sender_errors(variant, sender: str | None) -> list[str]:
    """Why ``sender`` cannot go with ``variant``; empty when it can."""
    variant, sender = _variant(variant), (sender or "").strip()
    if variant is BulkVariant.FULL:
        if sender not in FULL_HEADINGS:
            return [_("FULL needs one of the ten headings: %(headings)s.")
                    % {"headings": ", ".join(h.value for h in FullSender)}]
        return []
    if variant in OWN_SENDER_VARIANTS:
        if not sender:
            return [_("%(variant)s needs your own sender ID.") % {"variant": variant.value}]
        return own_sender_errors(sender)
    return []


def mail2sms_sender_errors(variant, sender: str | None) -> list[str]:
    """A Mail2SMS code's ``senderOverride``: a FULL code only under one of the headings."""
    if _variant(variant) is BulkVariant.FULL:
        return sender_errors(variant, sender)
    return []


# --- countries -------------------------------------------------------------------------


def country_errors(variant, country) -> list[str]:
    """INTER needs one country of the manual's list; other variants take none."""
    if _variant(variant) is BulkVariant.INTER and _country(country) not in INTER_COUNTRIES:
        return [_("INTER needs the country of the recipients, from the manual's list.")]
    return []


def audience_country(variant, country) -> Country | None:
    """The one country ``variant`` reaches: Poland for the domestic variants, the chosen
    country for INTER (None while none is chosen)."""
    if _variant(variant) is BulkVariant.INTER:
        return _country(country)
    return HOME_COUNTRY


def audience_calling_code(variant, country) -> str | None:
    """The prefix every recipient's MSISDN must have, or None when none can qualify."""
    target = audience_country(variant, country)
    return CALLING_CODES.get(target) if target is not None else None


def outside_country_reason(variant, country) -> str:
    """The reason a number outside the variant's country is left out: "not in Slovakia"."""
    target = audience_country(variant, country)
    if target is None:
        return _("no INTER country chosen")
    return _("not in %(country)s") % {"country": country_name(target)}


def recipient_errors(variant, country, msisdn: str) -> list[str]:
    """Why the normalised ``msisdn`` cannot receive ``variant`` (with ``country``)."""
    code = audience_calling_code(variant, country)
    if code is not None and msisdn.startswith(code):
        return []
    target = audience_country(variant, country)
    if target is HOME_COUNTRY:
        return [_("%(number)s is not a Polish number: only INTER sends abroad.")
                % {"number": msisdn}]
    return [_("%(number)s is %(reason)s.")
            % {"number": msisdn, "reason": outside_country_reason(variant, country)}]
