"""Pull from Justsend: bring back what was made in Justsend's own panel, never duplicating.

The panel's database is where staff edit, so a difference is settled this way:

* a group, member or blacklist entry that exists only in Justsend is imported (groups
  and members as synced; blacklist entries with the reason "pulled from Justsend");
* names and fields changed in Justsend are taken over, unless the group still has
  changes of ours waiting to be pushed (ours win then, and are pushed);
* a member or blacklist entry that exists only here, though nothing is waiting to push
  it, is pushed again; a group that Justsend no longer has is marked in error, and
  its "retry" re-creates it with all its members (nothing a user saved is dropped).

Unique constraints (group Justsend id, group + number, blacklisted number) and a lookup
before every insert make a pull idempotent: running it twice changes nothing the second
time. A pull is recorded as a ``SyncOperation`` of kind ``pull``, whose counters drive
the progress bar on the contacts page.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from contacts.models import BlacklistEntry, BlacklistEvent, Group, Member, SyncOperation, SyncState
from contacts.selectors import groups_deleting_justsend_ids
from contacts.services.blacklist import blacklist_events_record
from contacts.services.groups import group_hold
from contacts.services.outbox import sync_operation_add
from contacts.services.push import (
    BLACKLIST_OPERATION_SIZE,
    CLAIM_LEASE,
    group_mark_missing,
    members_push_again,
)
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.core.provider import justsend_client
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsError
from justsend_panel.sms.justsend.client import JustsendClient
from justsend_panel.sms.types import Country
from justsend_panel.sms.types import Group as RemoteGroup

log = logging.getLogger(__name__)

Kind, State = SyncOperation.Kind, SyncOperation.State
PULL_TASK = "contacts.justsend_pull"
PAGE_SIZE = 500


@dataclass
class PullCounts:
    groups_new: int = 0
    groups_updated: int = 0
    groups_missing: int = 0
    members_new: int = 0
    members_updated: int = 0
    members_pushed_again: int = 0
    blacklist_new: int = 0
    blacklist_pushed_again: int = 0


def pull_operation_active() -> SyncOperation | None:
    return (
        SyncOperation.objects.filter(kind=Kind.PULL, state__in=[State.PENDING, State.RUNNING])
        .order_by("-pk")
        .first()
    )


def _pull_running(operation: SyncOperation | None) -> bool:
    """A pull a worker is running now (its row moved within the lease)."""
    return (
        operation is not None
        and operation.state == State.RUNNING
        and operation.updated_at > timezone.now() - CLAIM_LEASE
    )


def _pull_to_start(full: bool) -> tuple[SyncOperation, bool]:
    """The pull left pending (or by a dead worker), else a new one; and whether a worker
    is running it now. Called inside a transaction."""
    operation = pull_operation_active()
    if operation is None:
        operation = SyncOperation.objects.create(kind=Kind.PULL, payload={"full": full})
    return operation, _pull_running(operation)


def justsend_pull_request(*, full: bool = True) -> SyncOperation:
    """Record a pull and start it once committed; a pull under way is not started twice."""
    with transaction.atomic():
        operation, running = _pull_to_start(full)
        if running:
            return operation
        task_enqueue(PULL_TASK, kwargs={"operation_id": operation.pk})
    return operation


def _pull_claim(operation_id: int | None, full: bool) -> SyncOperation | None:
    now = timezone.now()
    with transaction.atomic():
        if operation_id is None:  # beat: the pull left pending, or a new one
            active, running = _pull_to_start(full)
            if running:
                return None
            operation_id = active.pk
        operation = (
            SyncOperation.objects.select_for_update()
            .filter(pk=operation_id, kind=Kind.PULL)
            .filter(Q(state=State.PENDING) | Q(state=State.RUNNING, updated_at__lt=now - CLAIM_LEASE))
            .first()
        )
        if operation is None:
            return None
        operation.state = State.RUNNING
        operation.attempts += 1
        operation.save(update_fields=["state", "attempts", "updated_at"])
    return operation


def justsend_pull_run(*, operation_id: int | None = None, full: bool = False) -> SyncOperation | None:
    """Run one pull; a transient error leaves it pending and is raised for a retry."""
    operation = _pull_claim(operation_id, full)
    if operation is None:
        return None
    counts = PullCounts()
    state, error = State.FAILED, ""
    try:
        with justsend_client() as client:
            _pull(client, operation, counts, full=bool(operation.payload.get("full", full)))
        state = State.DONE
    except TRANSIENT_ERRORS as exc:
        state, error = State.PENDING, exc.message
        raise
    except SmsError as exc:
        error = exc.message
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        SyncOperation.objects.filter(pk=operation.pk).update(
            state=state, last_error=error, updated_at=timezone.now(),
            done_at=timezone.now() if state == State.DONE else None,
            payload={**operation.payload, "counts": asdict(counts)},
        )
    operation.refresh_from_db()
    return operation


def _pull(client: JustsendClient, operation: SyncOperation, counts: PullCounts, *, full: bool) -> None:
    started = timezone.now()
    remote_groups = list(client.iter_groups(size=100))
    SyncOperation.objects.filter(pk=operation.pk).update(
        items_total=len(remote_groups) + 1, items_done=0
    )
    busy = set(
        SyncOperation.objects.exclude(state=State.DONE)
        .exclude(kind=Kind.PULL)
        .exclude(group=None)
        .values_list("group_id", flat=True)
    )
    pairs = _groups_reconcile(remote_groups, busy, started, counts)
    for group, remote in pairs:
        if group.pk not in busy:
            _members_reconcile(client, group, remote, counts, full=full)
        SyncOperation.objects.filter(pk=operation.pk).update(
            items_done=F("items_done") + 1, updated_at=timezone.now(),
            payload={**operation.payload, "counts": asdict(counts)},
        )
    _blacklist_reconcile(client, started, counts)
    SyncOperation.objects.filter(pk=operation.pk).update(items_done=F("items_total"))


def _remote_fields(remote: RemoteGroup) -> dict:
    group_type = str(remote.group_type or "")
    country = str(remote.country or "")
    return {
        "name": (remote.name or "").strip()[:200] or f"Justsend #{remote.id}",
        "group_type": group_type if group_type in Group.Type.values else Group.Type.LOCAL,
        "country": country if country in Country._value2member_map_ else "",
    }


def _groups_reconcile(
    remote_groups: list[RemoteGroup], busy: set[int], started: datetime, counts: PullCounts
) -> list[tuple[Group, RemoteGroup]]:
    remote_ids = [remote.id for remote in remote_groups if remote.id is not None]
    linked = {g.justsend_id: g for g in Group.objects.filter(justsend_id__in=remote_ids)}
    # Deleted here, the delete not yet pushed: Justsend still lists the group.
    deleting = groups_deleting_justsend_ids()
    # A group of ours whose create has not recorded its id yet: Justsend may list it
    # already; it is not imported a second time (the create adopts or links it).
    waiting_names = set(
        Group.objects.filter(justsend_id__isnull=True, pk__in=busy).values_list("name", flat=True)
    )
    pairs = []
    now = timezone.now()
    for remote in remote_groups:
        if remote.id is None or remote.id in deleting:
            continue
        fields = _remote_fields(remote)
        group = linked.get(remote.id)
        if group is None:
            if fields["name"] in waiting_names:
                continue
            group, created = Group.objects.get_or_create(
                justsend_id=remote.id,
                defaults={**fields, "sync_state": SyncState.SYNCED, "synced_at": now},
            )
            counts.groups_new += created
        elif group.pk not in busy and any(getattr(group, k) != v for k, v in fields.items()):
            Group.objects.filter(pk=group.pk).update(**fields, synced_at=now)
            counts.groups_updated += 1
        pairs.append((group, remote))
    vanished = (
        Group.objects.filter(justsend_id__isnull=False)
        .exclude(justsend_id__in=remote_ids)
        .exclude(pk__in=busy)
        .filter(Q(synced_at__lt=started) | Q(synced_at__isnull=True))
    )
    for group_id in vanished.values_list("pk", flat=True):
        group_mark_missing(group_id=group_id)
        counts.groups_missing += 1
    return pairs


def _members_reconcile(
    client: JustsendClient, group: Group, remote: RemoteGroup, counts: PullCounts, *, full: bool
) -> None:
    group.refresh_from_db(fields=["member_count"])
    if not full and remote.member_count is not None and remote.member_count == group.member_count:
        return  # the hourly pull compares members only where the counts differ
    remote_numbers: set[str] = set()
    page_number = 0
    while True:
        page = client.list_group_members(group_id=remote.id, page=page_number, size=PAGE_SIZE)
        members = [m for m in page.content if m.msisdn.isdigit() and len(m.msisdn) <= 20]
        remote_numbers.update(m.msisdn for m in members)
        _members_merge(group, members, counts)
        if page.is_last:
            break
        page_number += 1
    only_here: list[str] = []
    numbers = Member.objects.filter(group=group).values_list("msisdn", flat=True)
    for msisdn in numbers.iterator(chunk_size=5_000):
        if msisdn not in remote_numbers:
            only_here.append(msisdn)
    members_push_again(group=group, msisdns=only_here)
    counts.members_pushed_again += len(only_here)


def _members_merge(group: Group, members: list, counts: PullCounts) -> None:
    with transaction.atomic():
        if not group_hold(group_id=group.pk):
            return  # deleted here while the pull ran; Justsend's copy goes with the outbox
        local = {
            m.msisdn: m
            for m in Member.objects.filter(group=group, msisdn__in=[m.msisdn for m in members])
        }
        new, changed = {}, []
        for remote in members:
            data = (remote.name or "", remote.surname or "", remote.address or "")
            member = local.get(remote.msisdn)
            if member is None:
                new[remote.msisdn] = Member(
                    group=group, msisdn=remote.msisdn, name=data[0][:200], surname=data[1][:200],
                    address=data[2][:500],
                )
            elif (member.name, member.surname, member.address) != data:
                member.name, member.surname, member.address = data[0][:200], data[1][:200], data[2][:500]
                changed.append(member)
        Member.objects.bulk_create(new.values(), ignore_conflicts=True, batch_size=500)
        Member.objects.bulk_update(changed, ["name", "surname", "address"], batch_size=500)
        if new:
            Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + len(new))
    counts.members_new += len(new)
    counts.members_updated += len(changed)


def _blacklist_reconcile(client: JustsendClient, started: datetime, counts: PullCounts) -> None:
    remote_pairs: set[tuple[str, str]] = set()
    page_number = 0
    now = timezone.now()
    while True:
        page = client.list_blacklist(page=page_number, size=PAGE_SIZE)
        entries = {}
        for entry in page.content:
            if not entry.msisdn or not entry.msisdn.isdigit():
                continue
            country = str(entry.country or Country.POLAND)
            if country not in Country._value2member_map_:
                country = Country.POLAND.value
            remote_pairs.add((entry.msisdn, country))
            entries.setdefault(entry.msisdn, country)
        with transaction.atomic():
            present = set(
                BlacklistEntry.objects.filter(msisdn__in=list(entries)).values_list("msisdn", flat=True)
            )
            new = [
                BlacklistEntry(
                    msisdn=msisdn, country=country, reason=BlacklistEntry.Reason.PULLED,
                    sync_state=SyncState.SYNCED, synced_at=now,
                )
                for msisdn, country in entries.items()
                if msisdn not in present
            ]
            BlacklistEntry.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
            blacklist_events_record(
                msisdns=[entry.msisdn for entry in new], action=BlacklistEvent.Action.ADDED,
                source=BlacklistEntry.Reason.PULLED,
            )
        counts.blacklist_new += len(new)
        if page.is_last:
            break
        page_number += 1
    only_here: dict[str, list[str]] = {}
    synced = BlacklistEntry.objects.filter(sync_state=SyncState.SYNCED, synced_at__lt=started)
    for msisdn, country in synced.values_list("msisdn", "country").iterator(chunk_size=5_000):
        if (msisdn, country) not in remote_pairs:
            only_here.setdefault(country, []).append(msisdn)
    for country, msisdns in only_here.items():
        for start in range(0, len(msisdns), BLACKLIST_OPERATION_SIZE):
            batch = msisdns[start:start + BLACKLIST_OPERATION_SIZE]
            with transaction.atomic():
                BlacklistEntry.objects.filter(msisdn__in=batch).update(sync_state=SyncState.PENDING)
                sync_operation_add(
                    kind=Kind.BLACKLIST_ADD, payload={"country": country, "msisdns": batch}
                )
        counts.blacklist_pushed_again += len(msisdns)
