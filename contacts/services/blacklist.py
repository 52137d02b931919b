"""The blacklist: numbers added by hand (many at once) or removed, pushed per country.

Justsend keeps its blacklist per country (``add``/``remove`` take ``country=``); the
country comes from the number's region, Poland where the manual's list has no match.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from contacts.models import BlacklistEntry, SyncOperation
from contacts.phones import ParsedNumber, msisdn_parse, numbers_split
from contacts.services.outbox import sync_operation_add
from justsend_panel.sms.justsend.rules import country_for_region
from justsend_panel.sms.types import Country

Kind = SyncOperation.Kind

MAX_NUMBERS = 10_000


@dataclass
class BlacklistAddResult:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    invalid: list[ParsedNumber] = field(default_factory=list)
    # Valid numbers that cannot receive SMS (fixed lines): blacklisted all the same.
    landlines: list[str] = field(default_factory=list)


@transaction.atomic
def blacklist_numbers_add(
    *, text: str, user=None, reason: str = BlacklistEntry.Reason.MANUAL, note: str = ""
) -> BlacklistAddResult:
    """Blacklist every valid number in ``text``; the invalid ones come back with a reason."""
    result = BlacklistAddResult()
    countries: dict[str, Country] = {}
    for raw in numbers_split(text):
        parsed = msisdn_parse(raw)
        if not parsed.valid:
            result.invalid.append(parsed)
            continue
        if not parsed.sms_capable:
            result.landlines.append(parsed.msisdn)
        countries.setdefault(parsed.msisdn, country_for_region(parsed.region))
    present = set(
        BlacklistEntry.objects.filter(msisdn__in=list(countries)).values_list("msisdn", flat=True)
    )
    by_country: dict[Country, list[str]] = defaultdict(list)
    entries = []
    for msisdn, country in countries.items():
        if msisdn in present:
            result.already.append(msisdn)
            continue
        result.added.append(msisdn)
        by_country[country].append(msisdn)
        entries.append(BlacklistEntry(
            msisdn=msisdn, country=country.value, reason=reason, note=note, created_by=user,
        ))
    BlacklistEntry.objects.bulk_create(entries, ignore_conflicts=True, batch_size=500)
    for country, msisdns in by_country.items():
        sync_operation_add(
            kind=Kind.BLACKLIST_ADD, payload={"country": country.value, "msisdns": msisdns}
        )
    return result


@transaction.atomic
def blacklist_entries_remove(*, entry_ids: list[int]) -> int:
    entries = BlacklistEntry.objects.filter(pk__in=entry_ids)
    by_country: dict[str, list[str]] = defaultdict(list)
    for msisdn, country in entries.values_list("msisdn", "country"):
        by_country[country].append(msisdn)
    deleted, _by_model = entries.delete()
    for country, msisdns in by_country.items():
        sync_operation_add(
            kind=Kind.BLACKLIST_REMOVE, payload={"country": country, "msisdns": msisdns}
        )
    return deleted
