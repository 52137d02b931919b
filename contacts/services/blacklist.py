"""The blacklist: numbers added by hand (many at once) or removed, pushed per country.

Justsend keeps its blacklist per country (``add``/``remove`` take ``country=``); the
country comes from the number's region, Poland where the manual's list has no match.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contacts.models import BlacklistEntry, BlacklistEvent, SyncOperation
from contacts.phones import ParsedNumber, msisdn_parse, numbers_split
from contacts.services.outbox import sync_operation_add
from justsend_panel.audit.actions import NUMBER, Action
from justsend_panel.audit.models import POSTBACK
from justsend_panel.audit.services import audit_record
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
country_for_region = JS.country_for_region
Country = JS.Country

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
    upgraded: list[str] = []
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
    blacklist_events_record(msisdns=result.added, action=BlacklistEvent.Action.ADDED,
                            source=reason, user=user, reason=note)
    if reason == BlacklistEntry.Reason.STOP_REPLY and result.already:
        # Blacklisted by hand before, and now the person opted out too: the entry is an
        # opt-out from here on, removable only as one.
        upgraded = list(BlacklistEntry.objects.filter(msisdn__in=result.already).exclude(
            reason=reason).values_list("msisdn", flat=True))
        BlacklistEntry.objects.filter(msisdn__in=upgraded).update(reason=reason, note=note)
        blacklist_events_record(msisdns=upgraded, action=BlacklistEvent.Action.ADDED,
                                source=reason, user=user, reason=note)
    for country, msisdns in by_country.items():
        sync_operation_add(
            kind=Kind.BLACKLIST_ADD, payload={"country": country.value, "msisdns": msisdns}
        )
    if result.added or upgraded:
        if reason == BlacklistEntry.Reason.STOP_REPLY:
            _numbers_audit(Action.BLACKLIST_STOP_REPLY, result.added + upgraded,
                           actor_label=POSTBACK, note=note)
        else:
            _numbers_audit(Action.BLACKLIST_ADDED, result.added, actor=user, note=note)
    return result


def _numbers_audit(action: str, msisdns: list[str], *, note: str = "", **actor) -> None:
    """One activity entry for the change: about the number when it is one, else a count
    and the first numbers."""
    shown = ", ".join(msisdns[:5]) + (" …" if len(msisdns) > 5 else "")
    target = (
        {"object_type": NUMBER, "object_id": msisdns[0], "object_label": msisdns[0]}
        if len(msisdns) == 1 else {}
    )
    if action == Action.BLACKLIST_STOP_REPLY:
        summary = gettext_noop("Reply: %(note)s")
    elif note:
        summary = (gettext_noop("Note: %(note)s") if len(msisdns) == 1
                   else gettext_noop("%(count)s numbers (%(numbers)s); note: %(note)s"))
    else:
        summary = "" if len(msisdns) == 1 else gettext_noop("%(count)s numbers (%(numbers)s)")
    audit_record(action=action, **actor, **target, summary=summary,
                 summary_params={"count": len(msisdns), "numbers": shown, "note": note})


class BlacklistRemovalRefused(ApplicationError):
    """A removal the user may not make (a STOP reply's entry) or has not justified."""


def user_is_administrator(user) -> bool:
    return bool(user is not None and user.is_active and user.is_staff)


def blacklist_events_record(
    *, msisdns: list[str], action: str, source: str, user=None, reason: str = ""
) -> None:
    """Append who, when and why for each number; called inside the change's transaction."""
    BlacklistEvent.objects.bulk_create(
        [BlacklistEvent(msisdn=msisdn, action=action, source=source, user=user,
                        reason=reason[:500]) for msisdn in msisdns],
        batch_size=1_000,
    )


@transaction.atomic
def blacklist_entries_remove(*, entry_ids: list[int], user=None, reason: str = "") -> int:
    """Remove entries, recording who and why; a STOP reply's entry needs more.

    A person who replied STOP opted out: only an administrator may take the number off the
    blacklist, and only with a stated reason, or the next campaign would message them.
    """
    entries = BlacklistEntry.objects.select_for_update().filter(pk__in=entry_ids)
    rows = list(entries.values_list("msisdn", "country", "reason"))
    opted_out = [msisdn for msisdn, _country, source in rows
                 if source == BlacklistEntry.Reason.STOP_REPLY]
    reason = (reason or "").strip()
    if opted_out and not user_is_administrator(user):
        raise BlacklistRemovalRefused(_(
            "%(numbers)s opted out by replying STOP: only an administrator may remove them "
            "from the blacklist."
        ) % {"numbers": ", ".join(opted_out[:20])})
    if opted_out and not reason:
        raise BlacklistRemovalRefused(_(
            "%(numbers)s opted out by replying STOP: state why they may be messaged again."
        ) % {"numbers": ", ".join(opted_out[:20])})
    by_country: dict[str, list[str]] = defaultdict(list)
    by_source: dict[str, list[str]] = defaultdict(list)
    for msisdn, country, source in rows:
        by_country[country].append(msisdn)
        by_source[source].append(msisdn)
    deleted, _by_model = BlacklistEntry.objects.filter(pk__in=entry_ids).delete()
    for source, msisdns in by_source.items():
        blacklist_events_record(msisdns=msisdns, action=BlacklistEvent.Action.REMOVED,
                                source=source, user=user, reason=reason)
    for country, msisdns in by_country.items():
        sync_operation_add(
            kind=Kind.BLACKLIST_REMOVE, payload={"country": country, "msisdns": msisdns}
        )
    if rows:
        _numbers_audit(Action.BLACKLIST_REMOVED, [msisdn for msisdn, _c, _s in rows],
                       actor=user, note=reason)
    return deleted


def blacklist_opted_out(*, entry_ids: list[int]) -> list[BlacklistEntry]:
    """The entries among these that a STOP reply added: their removal needs confirming."""
    return list(BlacklistEntry.objects.filter(
        pk__in=entry_ids, reason=BlacklistEntry.Reason.STOP_REPLY
    ).order_by("msisdn"))
