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

A pull runs in slices of ``SYNC_SLICE_SECONDS`` under a lease, and saves where it is (the
phase, the group, the page) in its payload after every page: the next slice, a retry
after a transient error, or the sweep that takes over a dead worker's pull continues from
there instead of starting again. The "only here" comparison of a member list (or the
blacklist) needs every page of it read by one slice; when a slice resumed in the middle of
a list, that comparison is left to the next pull (the counts then differ, so it compares).
"""

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from contacts.models import BlacklistEntry, BlacklistEvent, Group, Member, SyncOperation, SyncState
from contacts.selectors import groups_deleting_remote_ids
from contacts.services.blacklist import blacklist_events_record
from contacts.services.groups import group_hold
from contacts.services.outbox import sync_operation_add
from contacts.services.push import (
    BLACKLIST_OPERATION_SIZE,
    sync_failed_record,
    group_mark_missing,
    members_push_again,
    slice_seconds,
)
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import BEAT
from justsend_panel.audit.services import audit_record
from justsend_panel.core.leases import lease_claim, lease_free_q, lease_kept, lease_release
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.core.provider import provider_for, provider_name_for, provider_offers
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsError
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
JustsendClient = JS.JustsendClient
Country = JS.Country
RemoteGroup = JS.Group

log = logging.getLogger(__name__)

Kind, State = SyncOperation.Kind, SyncOperation.State
PULL_TASK = "contacts.justsend_pull"
PAGE_SIZE = 500
# After a transient error the pull is held for 2^n seconds, n the errors in a row without a
# page read in between (up to the maximum; a 429's Retry-After when longer), so that the
# sweep does not start it again before the task's own retry; whichever comes first then
# continues it. A slice that read pages starts the count again, so a flaky Justsend slows
# a long pull down by seconds, not minutes.
PULL_BACKOFF_MAX = 300


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


@dataclass
class PullCursor:
    """Where a pull is: saved after every page, read by the slice that continues it."""

    started: str = ""
    phase: str = "members"  # then "blacklist"
    group: int = 0  # index into the remote groups, in id order
    page: int = 0  # the next page of that group's members, or of the blacklist
    # False when this list was resumed in the middle: its "only here" check waits.
    compare: bool = True


def _pull_running(operation: SyncOperation | None) -> bool:
    """A pull a worker holds now (its lease is alive)."""
    return (
        operation is not None
        and operation.state == State.RUNNING
        and not SyncOperation.objects.filter(lease_free_q(), pk=operation.pk).exists()
    )


def _pull_to_start(full: bool) -> tuple[SyncOperation, bool]:
    """The pull left pending (or by a dead worker), else a new one; and whether a worker
    is running it now. Called inside a transaction."""
    operation = pull_operation_active()
    if operation is None:
        operation = SyncOperation.objects.create(kind=Kind.PULL, payload={"full": full})
    return operation, _pull_running(operation)


def justsend_pull_request(*, full: bool = True, by=None) -> SyncOperation:
    """Record a pull and start it once committed; a pull under way is not started twice.
    ``by``: the user who asked. No provider keeps contact groups: SmsUnsupported, and
    nothing is recorded."""
    provider_name_for("remote_groups")
    with transaction.atomic():
        operation, running = _pull_to_start(full)
        if running:
            return operation
        task_enqueue(PULL_TASK, kwargs={"operation_id": operation.pk})
        audit_record(action=Action.GROUP_PULLED, actor=by, obj=operation)
    return operation


def pulls_resume() -> list[int]:
    """The sweep: queue again a pull left pending (retries spent, message lost) or whose
    worker died (its lease expired). A pull held by a live worker is left alone."""
    resumable = SyncOperation.objects.filter(
        lease_free_q(), kind=Kind.PULL, state__in=[State.PENDING, State.RUNNING]
    ).values_list("pk", flat=True)
    ids = list(resumable)
    for operation_id in ids:
        task_enqueue(PULL_TASK, kwargs={"operation_id": operation_id})
    return ids


def _pull_claim(operation_id: int | None, full: bool) -> tuple[SyncOperation, str] | None:
    with transaction.atomic():
        if operation_id is None:  # beat: the pull left pending, or a new one
            active, running = _pull_to_start(full)
            if running:
                return None
            operation_id = active.pk
            audit_record(action=Action.GROUP_PULLED, actor_label=BEAT, obj=active)
    # Pending, or running by a worker whose lease ran out: the lease decides who runs it.
    token = lease_claim(
        SyncOperation.objects.filter(kind=Kind.PULL, state__in=[State.PENDING, State.RUNNING]),
        pk=operation_id, state=State.RUNNING, attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )
    if token is None:
        return None
    return SyncOperation.objects.get(pk=operation_id), token


class _PullSliceSpent(Exception):
    pass


def justsend_pull_run(
    *, operation_id: int | None = None, full: bool = False, budget: float | None = None
) -> SyncOperation | None:
    """Run one slice of a pull (``budget`` seconds, ``SYNC_SLICE_SECONDS`` by default).

    Returns the operation: done, failed with Justsend's message, or pending when the slice
    ran out (the caller queues the next one, see ``operation.payload["more"]``). A
    transient error leaves it pending with its cursor and is raised for a retry.
    """
    if operation_id is None and not provider_offers("remote_groups"):
        return None  # beat's pull: nothing to pull from, and no failed pull to record
    claim = _pull_claim(operation_id, full)
    if claim is None:
        return None
    operation, token = claim
    saved = dict(operation.payload.get("cursor") or {})
    cursor = PullCursor(**saved) if saved else PullCursor(started=timezone.now().isoformat())
    counts = PullCounts(**operation.payload.get("counts", {}))
    deadline = time.monotonic() + (slice_seconds() if budget is None else budget)
    state, error, more, hold = State.FAILED, "", False, 0.0
    failures, cursor_at_start = int(operation.payload.get("failures", 0)), asdict(cursor)
    try:
        with lease_kept(SyncOperation, pk=operation.pk, token=token), \
                provider_for("remote_groups").client() as client:
            _pull(client, operation, counts, cursor, deadline=deadline,
                  full=bool(operation.payload.get("full", full)))
        state = State.DONE
    except _PullSliceSpent:
        state, more = State.PENDING, True
    except TRANSIENT_ERRORS as exc:
        state, error = State.PENDING, exc.message
        failures = 1 if asdict(cursor) != cursor_at_start else failures + 1
        hold = max(min(PULL_BACKOFF_MAX, 2 ** min(failures, 9)),
                   getattr(exc, "retry_after", None) or 0)
        raise
    except SmsError as exc:
        error = exc.message
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        done = state == State.DONE
        with transaction.atomic():
            released = lease_release(
                SyncOperation, pk=operation.pk, token=token,
                state=state, last_error=error, updated_at=timezone.now(),
                done_at=timezone.now() if done else None,
                payload={**operation.payload, "counts": asdict(counts),
                         "cursor": None if done else asdict(cursor),
                         "failures": failures if hold else 0},
            )
            if released and state == State.FAILED:
                sync_failed_record(operation=operation, error=error)
        if hold:
            SyncOperation.objects.filter(pk=operation.pk, lease_token="").update(
                lease_expires_at=timezone.now() + timedelta(seconds=hold)
            )
    operation.refresh_from_db()
    operation.more = more
    return operation


def _cursor_save(operation: SyncOperation, cursor: PullCursor, counts: PullCounts, *,
                 deadline: float) -> None:
    """Record where the pull is (after a page); stop here when the slice is spent."""
    SyncOperation.objects.filter(pk=operation.pk).update(
        items_done=cursor.group + (cursor.phase == "blacklist"), updated_at=timezone.now(),
        payload={**operation.payload, "counts": asdict(counts), "cursor": asdict(cursor)},
    )
    if time.monotonic() >= deadline:
        raise _PullSliceSpent


def _pull(client: JustsendClient, operation: SyncOperation, counts: PullCounts,
          cursor: PullCursor, *, deadline: float, full: bool) -> None:
    started = parse_datetime(cursor.started)
    # Listing and matching the groups is cheap and harmless to repeat, so every slice
    # does it; the groups are then walked in Justsend's id order, which the cursor counts.
    remote_groups = sorted(
        (remote for remote in client.iter_groups(size=100) if remote.id is not None),
        key=lambda remote: remote.id,
    )
    SyncOperation.objects.filter(pk=operation.pk).update(items_total=len(remote_groups) + 1)
    busy = set(
        SyncOperation.objects.exclude(state=State.DONE)
        .exclude(kind=Kind.PULL)
        .exclude(group=None)
        .values_list("group_id", flat=True)
    )
    pairs = []
    if cursor.phase == "members":
        pairs = _groups_reconcile(remote_groups, busy, started, counts)
    by_remote = {remote.id: group for group, remote in pairs}
    while cursor.phase == "members" and cursor.group < len(remote_groups):
        remote = remote_groups[cursor.group]
        group = by_remote.get(remote.id)
        if group is not None and group.pk not in busy:
            _members_reconcile(client, operation, group, remote, counts, cursor,
                               deadline=deadline, full=full)
        cursor.group, cursor.page, cursor.compare = cursor.group + 1, 0, True
        _cursor_save(operation, cursor, counts, deadline=deadline)
    if cursor.phase == "members":
        cursor.phase, cursor.page, cursor.compare = "blacklist", 0, True
    _blacklist_reconcile(client, operation, started, counts, cursor, deadline=deadline)
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
    linked = {g.remote_id: g for g in Group.objects.filter(remote_id__in=remote_ids)}
    # Deleted here, the delete not yet pushed: Justsend still lists the group.
    deleting = groups_deleting_remote_ids()
    # A group of ours whose create has not recorded its id yet: Justsend may list it
    # already; it is not imported a second time (the create adopts or links it).
    waiting_names = set(
        Group.objects.filter(remote_id__isnull=True, pk__in=busy).values_list("name", flat=True)
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
                remote_id=remote.id,
                defaults={**fields, "sync_state": SyncState.SYNCED, "synced_at": now},
            )
            counts.groups_new += created
        elif group.pk not in busy and any(getattr(group, k) != v for k, v in fields.items()):
            Group.objects.filter(pk=group.pk).update(**fields, synced_at=now)
            counts.groups_updated += 1
        pairs.append((group, remote))
    vanished = (
        Group.objects.filter(remote_id__isnull=False)
        .exclude(remote_id__in=remote_ids)
        .exclude(pk__in=busy)
        .filter(Q(synced_at__lt=started) | Q(synced_at__isnull=True))
    )
    for group_id in vanished.values_list("pk", flat=True):
        group_mark_missing(group_id=group_id)
        counts.groups_missing += 1
    return pairs


def _members_reconcile(
    client: JustsendClient, operation: SyncOperation, group: Group, remote: RemoteGroup,
    counts: PullCounts, cursor: PullCursor, *, deadline: float, full: bool,
) -> None:
    group.refresh_from_db(fields=["member_count"])
    if cursor.page == 0 and not full and remote.member_count is not None and (
        remote.member_count == group.member_count
    ):
        return  # the hourly pull compares members only where the counts differ
    if cursor.page:
        cursor.compare = False  # the pages before were read by an earlier slice
    remote_numbers: set[str] = set()
    while True:
        page = client.list_group_members(group_id=remote.id, page=cursor.page, size=PAGE_SIZE)
        members = [m for m in page.content if m.msisdn.isdigit() and len(m.msisdn) <= 20]
        remote_numbers.update(m.msisdn for m in members)
        _members_merge(group, members, counts)
        if page.is_last:
            break
        cursor.page += 1
        _cursor_save(operation, cursor, counts, deadline=deadline)
    if not cursor.compare:
        return
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


def _blacklist_reconcile(
    client: JustsendClient, operation: SyncOperation, started: datetime, counts: PullCounts,
    cursor: PullCursor, *, deadline: float,
) -> None:
    remote_pairs: set[tuple[str, str]] = set()
    if cursor.page:
        cursor.compare = False  # the pages before were read by an earlier slice
    now = timezone.now()
    while True:
        page = client.list_blacklist(page=cursor.page, size=PAGE_SIZE)
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
        cursor.page += 1
        _cursor_save(operation, cursor, counts, deadline=deadline)
    if not cursor.compare:
        return
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
