"""Reads of contacts: member search, the sync status of a group, number lookup, CSV export.

Number search uses ranges on the stored MSISDN (``48500 <= msisdn < 48501``) rather than
LIKE, so it rides the members' (group, msisdn) index and the msisdn indexes of the
blacklist and the replies on SQLite and PostgreSQL alike, whatever the collation.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import phonenumbers
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from contacts.models import BlacklistEntry, Group, GroupAttributeKey, Member, SyncOperation
from contacts.phones import ParsedNumber, default_region, msisdn_parse
from justsend_panel.core.provider import provider_for
from justsend_panel.sms.exceptions import SmsError, SmsUnsupported
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
RemoteGroup = JS.Group

State = SyncOperation.State
_NUMBER_LIKE = re.compile(r"[\d\s()+\-./]+")


# --- search ------------------------------------------------------------------------------


def _prefix_upper_bound(digits: str) -> str | None:
    """The smallest digit string above every string starting with ``digits``."""
    stripped = digits.rstrip("9")
    if not stripped:
        return None
    return stripped[:-1] + str(int(stripped[-1]) + 1)


def msisdn_prefix_q(digits: str, field_name: str = "msisdn") -> Q:
    condition = Q(**{f"{field_name}__gte": digits})
    upper = _prefix_upper_bound(digits)
    if upper is not None:
        condition &= Q(**{f"{field_name}__lt": upper})
    return condition


def number_search_q(term: str, field_name: str = "msisdn") -> Q | None:
    """A number, whole or its beginning, as staff type it; None if ``term`` is no number."""
    term = term.strip()
    if not term or not _NUMBER_LIKE.fullmatch(term):
        return None
    parsed = msisdn_parse(term)
    if parsed.valid:
        return Q(**{field_name: parsed.msisdn})
    digits = re.sub(r"\D", "", term)
    if not digits:
        return None
    if term.startswith("+") or digits.startswith("00"):
        return msisdn_prefix_q(digits.removeprefix("00"), field_name)
    # Without + or 00 the digits are read in the default region, as a whole number is:
    # "500 12" is the start of 48500 12…, "48500" of itself. One range, never an OR of
    # two, so that PostgreSQL scans the index over the range rather than filtering it.
    country_code = str(phonenumbers.country_code_for_region(default_region()))
    if not digits.startswith(country_code):
        digits = country_code + digits.lstrip("0")
    return msisdn_prefix_q(digits, field_name)


def member_search_q(term: str) -> Q:
    by_number = number_search_q(term)
    if by_number is not None:
        return by_number
    condition = Q()
    for word in term.split()[:4]:
        condition &= Q(name__istartswith=word) | Q(surname__istartswith=word)
    return condition


def group_members_qs(*, group: Group) -> QuerySet[Member]:
    return Member.objects.filter(group=group).order_by("msisdn")


_CURSOR = re.compile(r"\d{1,20}")


@dataclass(frozen=True)
class MembersPage:
    """One page of a group's members cut by number ("keyset"), and where the next starts.

    ``after``/``before`` are the numbers to put in the "next"/"previous" links, None when
    there is no such page (as far as this page's query can tell without counting).
    """

    members: list[Member]
    after: str | None
    before: str | None


def group_members_page(
    members: QuerySet[Member], *, descending: bool = False, after: str = "",
    before: str = "", last: bool = False, size: int = 25,
) -> MembersPage:
    """The page of ``members`` (already filtered) that follows ``after`` or precedes
    ``before``, in number order: one query of ``size + 1`` rows, whatever the depth.

    An OFFSET would read and skip every row before the page (500,000 of them on page
    20,000); "numbers above X" starts where the (group, msisdn) index reaches X. The
    numbers are unique in a group, so the number alone orders the rows. A cursor that is
    no number (hand-edited) is ignored: the first page.
    """
    after = after if _CURSOR.fullmatch(after) else ""
    before = before if _CURSOR.fullmatch(before) else ""
    forward = "-msisdn" if descending else "msisdn"
    backward = "msisdn" if descending else "-msisdn"
    above, below = ("lt", "gt") if descending else ("gt", "lt")
    if before or (last and not after):
        # Read backwards from the cursor (or the end) and turn the rows round.
        if before:
            members = members.filter(**{f"msisdn__{below}": before})
        rows = list(members.order_by(backward)[: size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
        return MembersPage(
            members=rows,
            after=rows[-1].msisdn if rows and before else None,
            before=rows[0].msisdn if more else None,
        )
    if after:
        members = members.filter(**{f"msisdn__{above}": after})
    rows = list(members.order_by(forward)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return MembersPage(
        members=rows,
        after=rows[-1].msisdn if more else None,
        before=rows[0].msisdn if rows and after else None,
    )


def blacklisted_among(msisdns: list[str]) -> set[str]:
    """Which of these numbers (a page of them) are blacklisted: one indexed lookup.

    Not an EXISTS per row: PostgreSQL plans that as a hash of the whole blacklist
    (100,000 rows read on every page view), since it cannot see the LIMIT.
    """
    return set(BlacklistEntry.objects.filter(msisdn__in=msisdns).values_list("msisdn", flat=True))


def blacklist_qs() -> QuerySet[BlacklistEntry]:
    return BlacklistEntry.objects.select_related("created_by").order_by("-created_at", "-pk")


# --- sync status -------------------------------------------------------------------------


@dataclass
class SyncStatus:
    waiting: int = 0
    failed: list[SyncOperation] = field(default_factory=list)
    failed_count: int = 0
    items_total: int = 0
    items_done: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.items_done / self.items_total) if self.items_total else 100


def _sync_status(operations: QuerySet[SyncOperation]) -> SyncStatus:
    outstanding = operations.exclude(state=State.DONE).exclude(kind=SyncOperation.Kind.PULL)
    totals = outstanding.aggregate(
        waiting=Count("pk", filter=Q(state__in=[State.PENDING, State.RUNNING])),
        failed=Count("pk", filter=Q(state=State.FAILED)),
        items_total=Coalesce(Sum("items_total", filter=~Q(state=State.FAILED)), 0),
        items_done=Coalesce(Sum("items_done", filter=~Q(state=State.FAILED)), 0),
    )
    status = SyncStatus(
        waiting=totals["waiting"], failed_count=totals["failed"],
        items_total=totals["items_total"], items_done=totals["items_done"],
    )
    if status.failed_count:
        status.failed = list(
            outstanding.filter(state=State.FAILED)
            .order_by("-pk")
            .only("pk", "kind", "last_error", "attempts", "updated_at", "items_total")[:5]
        )
    return status


def group_sync_status(*, group: Group) -> SyncStatus:
    return _sync_status(SyncOperation.objects.filter(group=group))


def blacklist_sync_status() -> SyncStatus:
    return _sync_status(
        SyncOperation.objects.filter(
            kind__in=[SyncOperation.Kind.BLACKLIST_ADD, SyncOperation.Kind.BLACKLIST_REMOVE]
        )
    )


def pull_latest() -> SyncOperation | None:
    return SyncOperation.objects.filter(kind=SyncOperation.Kind.PULL).order_by("-pk").first()


# --- number lookup -----------------------------------------------------------------------


def groups_deleting_remote_ids() -> set[int]:
    """Justsend ids of groups deleted in the panel whose delete has not reached Justsend:
    Justsend still lists them, and they are not to be pulled back."""
    return set(
        SyncOperation.objects.filter(kind=SyncOperation.Kind.GROUP_DELETE)
        .exclude(state=SyncOperation.State.DONE)
        .exclude(payload__remote_id=None)
        .values_list("payload__remote_id", flat=True)
    )


@dataclass
class NumberLookup:
    parsed: ParsedNumber
    memberships: list[Member] = field(default_factory=list)
    blacklist_entry: BlacklistEntry | None = None
    remote_groups: list[tuple[RemoteGroup, Group | None]] = field(default_factory=list)
    # Justsend ids among remote_groups that the panel has deleted, the delete on its way
    remote_deleting: set[int] = field(default_factory=set)
    remote_error: str | None = None
    # No configured provider keeps groups: remote_error says so, and nobody was asked.
    remote_unsupported: bool = False


def number_lookup(*, raw: str) -> NumberLookup:
    """Where a number is: local groups, Justsend's groups (asked live), the blacklist."""
    parsed = msisdn_parse(raw)
    result = NumberLookup(parsed=parsed)
    if not parsed.valid:
        return result
    # Members have no msisdn index: "group in all groups" makes the database loop over
    # the groups and probe the unique (group, msisdn) of each. SQLite scans the members
    # without it (130 ms at a million); with it, 1 ms, and PostgreSQL 8 ms for 1,001 groups.
    result.memberships = list(
        Member.objects.filter(group__in=Group.objects.all(), msisdn=parsed.msisdn)
        .select_related("group").order_by("group__name")
    )
    result.blacklist_entry = (
        BlacklistEntry.objects.filter(msisdn=parsed.msisdn).select_related("created_by").first()
    )
    try:
        with provider_for("remote_groups").client() as client:
            remote = list(client.iter_search_groups(msisdn=parsed.msisdn, size=100))
    except SmsError as exc:
        result.remote_error = exc.message
        result.remote_unsupported = isinstance(exc, SmsUnsupported)
        return result
    local = Group.objects.in_bulk([g.id for g in remote if g.id is not None], field_name="remote_id")
    result.remote_groups = [(group, local.get(group.id)) for group in remote]
    # Only a group Justsend lists and the panel has not can be one deleted here.
    unlinked = {group.id for group, linked in result.remote_groups if linked is None}
    if unlinked:
        result.remote_deleting = groups_deleting_remote_ids() & unlinked
    return result


# --- CSV export --------------------------------------------------------------------------


def group_members_csv(*, group: Group) -> Iterator[list]:
    """The rows of the group export (core.spreadsheets writes them)."""
    members = group_members_qs(group=group)
    keys: set[str] = set()
    for attributes in members.exclude(attributes={}).values_list("attributes", flat=True).iterator(
        chunk_size=5_000
    ):
        if isinstance(attributes, dict):
            keys.update(attributes)
    attribute_keys = sorted(keys)
    yield ["msisdn", "name", "surname", "address", *attribute_keys]
    rows = members.values_list("msisdn", "name", "surname", "address", "attributes")
    for msisdn, name, surname, address, attributes in rows.iterator(chunk_size=5_000):
        attributes = attributes if isinstance(attributes, dict) else {}
        yield [msisdn, name, surname, address, *(attributes.get(key, "") for key in attribute_keys)]


# --- personalisation fields ----------------------------------------------------------------


def group_attribute_keys_get(*, group_ids: list[int]) -> list[str]:
    """The attribute keys the members of these groups have, sorted; read from the keys kept
    per group (``GroupAttributeKey``), never from the members themselves."""
    if not group_ids:
        return []
    return list(
        GroupAttributeKey.objects.filter(group_id__in=group_ids)
        .order_by("key").values_list("key", flat=True).distinct()
    )
