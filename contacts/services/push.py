"""Pushing the outbox to Justsend, one operation at a time, in the order it was written.

Each operation is claimed (``running``, committed) before its HTTP call, so no lock is
held while Justsend answers and a second worker never takes the same row. Operations
of one group (and all blacklist operations) form a lane: a later one waits while an
earlier one is pending or running, and member operations wait until the group has its
Justsend id. A transient failure (host down, timeout, 429, 5xx) puts the row back as
pending with the error and stops the drain, so the task retries with backoff; any
other provider error fails the row with Justsend's message, shown in the UI with a
"retry" button. Long pushes record how far they got, so a retry resumes after the last
chunk that arrived; every call is also harmless to repeat (batch-add and the blacklist
ignore what is already there, a 409 on add or a 404 on remove means "already done").

A claimed row holds a lease (``core.leases``), renewed while its calls run; a row whose
holder died is taken again once the lease expires. One task pushes for at most
``SYNC_SLICE_SECONDS`` (a long operation stops between chunks, its progress saved) and
then queues the rest as a new task, so a push never holds a worker for minutes.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contacts.models import BlacklistEntry, Group, Member, SyncOperation, SyncState
from contacts.services.outbox import sync_operation_add, sync_push_request
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.leases import (
    lease_free_q,
    lease_kept,
    lease_release,
    lease_seconds,
    lease_token_new,
)
from justsend_panel.core.provider import provider_for, provider_name_for
from justsend_panel.sms.retrying import call_retrying
from justsend_panel.sms.exceptions import (
    TRANSIENT_ERRORS,
    SmsConflict,
    SmsError,
    SmsNotFound,
    SmsUnsupported,
)
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
JustsendClient = JS.JustsendClient
Country = JS.Country
GroupMember = JS.GroupMember
GroupMemberUpdate = JS.GroupMemberUpdate
GroupType = JS.GroupType

log = logging.getLogger(__name__)

Kind, State = SyncOperation.Kind, SyncOperation.State

# Numbers per batch-add / blacklist call. The time of a push is mostly per call (bench/
# contacts_push.py: 100,000 members take 100 calls and ~20,000 members/s at 1,000 a call,
# 20 calls and ~38,000/s at 5,000), while a chunk must stay cheap to send again (a retry
# resumes at the chunk that failed) and small for proxies: 5,000 numbers is ~80 KB.
PUSH_CHUNK = 5_000
# Members per PUT that carries names and addresses after a batch-add (~120 bytes each).
DETAILS_CHUNK = 1_000
# A group re-created in Justsend gets its members back in operations of this size, so
# no single payload grows with the group.
RECREATE_OPERATION_SIZE = 50_000
# Numbers per blacklist operation pushed again: one payload, one IN (...) of that size.
BLACKLIST_OPERATION_SIZE = 10_000
CLAIM_SCAN = 200
CLAIM_LOCK_KEY = 0x6A73_7075  # "jspu": the advisory lock that orders claims on PostgreSQL
DONE_KEPT = timedelta(days=7)
BLACKLIST_KINDS = (Kind.BLACKLIST_ADD, Kind.BLACKLIST_REMOVE)


class GroupMissingInJustsend(SmsError):
    """Justsend answered 404 for a group the panel had linked: someone deleted it there."""


class _SliceSpent(Exception):
    """The task's time is up: the operation goes back to pending with its progress."""


@dataclass
class PushSummary:
    done: int = 0
    failed: int = 0
    # The slice ran out with work left: the caller queues another slice.
    more: bool = False


def slice_seconds() -> float:
    return float(getattr(settings, "SYNC_SLICE_SECONDS", 5.0))


def sync_push_pending(*, limit: int | None = None, budget: float | None = None) -> PushSummary:
    """Push pending operations for at most ``budget`` seconds (``SYNC_SLICE_SECONDS``);
    a transient error is raised. ``summary.more`` says that work is left for a next slice.

    Every commit that touches contacts asks for a push, so most runs find nothing to do:
    those only read. On SQLite a write waits for the one writer, and a run with nothing
    to push must not queue behind an import for that.
    """
    _housekeeping()
    summary = PushSummary()
    if _operation_ready() is None:
        return summary
    deadline = time.monotonic() + (slice_seconds() if budget is None else budget)
    try:
        # The provider that keeps contact groups takes the blacklist too (Justsend).
        backend = provider_for("remote_groups")
    except SmsUnsupported as exc:
        # Nothing is claimed: the changes wait, pending, for such a provider to be configured.
        log.warning("Contacts sync: nothing pushed: %s", exc)
        return summary
    with backend, backend.client() as client:
        while limit is None or summary.done + summary.failed < limit:
            operation = _operation_claim()
            if operation is None:
                break
            outcome = _operation_run(client, operation, deadline=deadline)
            if outcome is None:
                summary.more = True
                break
            if outcome:
                summary.done += 1
            else:
                summary.failed += 1
            if time.monotonic() >= deadline:
                summary.more = _operation_ready() is not None
                break
    return summary


# --- claiming --------------------------------------------------------------------------


def _lane(operation: SyncOperation) -> tuple:
    if operation.kind in BLACKLIST_KINDS:
        return ("blacklist",)
    if operation.group_id is not None:
        return ("group", operation.group_id)
    return ("own", operation.pk)  # its group is deleted: nothing to keep in order with


def _housekeeping() -> None:
    now = timezone.now()
    # Claimed by a worker that stopped renewing the lease (it died): pending again.
    if _retryable(failed=False).exists():
        sync_operations_retry(failed=False)
    expired = SyncOperation.objects.filter(state=State.DONE, done_at__lt=now - DONE_KEPT)
    if expired.exists():
        expired.delete()


def _operation_ready(*, for_update: bool = False) -> SyncOperation | None:
    """The first pending operation whose lane is free and whose group can take it."""
    busy = {
        _lane(operation)
        for operation in SyncOperation.objects.filter(state=State.RUNNING)
        .exclude(kind=Kind.PULL)
        .only("pk", "kind", "group_id")
    }
    candidates = SyncOperation.objects.filter(state=State.PENDING).exclude(kind=Kind.PULL)
    if for_update:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    for operation in candidates.select_related("group").order_by("pk")[:CLAIM_SCAN]:
        lane = _lane(operation)
        if lane in busy:
            continue
        waits_for_group = (
            operation.group_id is not None
            and operation.kind != Kind.GROUP_CREATE
            and operation.group.remote_id is None
        )
        if waits_for_group:
            # Only a create can run in this lane now (a re-create after a retry comes
            # later than the changes it unblocks), so the lane stays open.
            continue
        return operation
    return None


def _operation_claim() -> SyncOperation | None:
    if _operation_ready() is None:  # a read first: no write lock when there is nothing
        return None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Claims take turns (they are short): a row another worker is claiming is
            # skipped by SKIP LOCKED, and a later row of the same lane must not be
            # taken in its place. SQLite writers take turns anyway.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIM_LOCK_KEY])
        operation = _operation_ready(for_update=True)
        if operation is not None:
            # Locked above, and no running row in its lane: the lease is ours to take.
            operation.state = State.RUNNING
            operation.attempts += 1
            operation.lease_token = lease_token_new()
            operation.lease_expires_at = timezone.now() + timedelta(seconds=lease_seconds())
            operation.save(update_fields=["state", "attempts", "lease_token",
                                          "lease_expires_at", "updated_at"])
    return operation


# --- running and recording ---------------------------------------------------------------


def _operation_run(
    client: JustsendClient, operation: SyncOperation, *, deadline: float | None = None
) -> bool | None:
    """True when done, False when failed, None when the slice ran out before its end."""
    operation.deadline = deadline
    try:
        with lease_kept(SyncOperation, pk=operation.pk, token=operation.lease_token):
            EXECUTORS[operation.kind](_RetryingCalls(client, deadline), operation)
    except _SliceSpent:
        _operation_finish(operation, state=State.PENDING)
        return None
    except TRANSIENT_ERRORS as exc:
        _operation_finish(operation, state=State.PENDING, error=exc.message)
        raise
    except GroupMissingInJustsend as exc:
        group_mark_missing(group_id=operation.group_id)
        _operation_finish(operation, state=State.FAILED, error=exc.message)
        return False
    except SmsError as exc:
        _operation_finish(operation, state=State.FAILED, error=exc.message)
        return False
    except Exception as exc:
        # A bug, not Justsend: fail the row (so the drain is not stuck on it) and say so.
        log.exception("Pushing %s failed unexpectedly", operation)
        _operation_finish(operation, state=State.FAILED, error=f"{type(exc).__name__}: {exc}")
        return False
    _operation_finish(operation, state=State.DONE)
    return True


class _RetryingCalls:
    """The client, each call retried on a 429 or 5xx within what is left of the slice.

    A chunk of 5,000 numbers is one batch-add and dozens of detail updates: under a 40 %
    fault rate, ending the slice at the first error (or retrying the whole chunk) never got
    through it. A group create is not retried here: Justsend may have made the group before
    failing, and the next attempt adopts it by name instead (``_group_adopt``).
    """

    NOT_RETRIED = frozenset({"create_group"})

    def __init__(self, client: JustsendClient, deadline: float | None):
        self._client, self._deadline = client, deadline

    def __getattr__(self, name: str):
        method = getattr(self._client, name)
        if name in self.NOT_RETRIED or name.startswith("iter_") or not callable(method):
            return method

        def call(*args, **kwargs):
            budget = (slice_seconds() if self._deadline is None
                      else max(0.0, self._deadline - time.monotonic()))
            return call_retrying(lambda: method(*args, **kwargs), budget=budget)
        return call


def _operation_finish(operation: SyncOperation, *, state: str, error: str = "") -> None:
    now = timezone.now()
    with transaction.atomic():
        fields = {"state": state, "last_error": error, "updated_at": now}
        if state == State.DONE:
            fields.update(done_at=now, items_done=F("items_total"))
        if not lease_release(SyncOperation, pk=operation.pk, token=operation.lease_token,
                             **fields):
            # Taken over by another worker after our lease ran out: its result stands.
            log.warning("%s was taken over by another worker; not recorded", operation)
            return
        if operation.kind == Kind.BLACKLIST_ADD and state != State.DONE:
            for chunk in _chunks(operation.payload.get("msisdns", []), 0, size=BLACKLIST_OPERATION_SIZE):
                BlacklistEntry.objects.filter(msisdn__in=chunk).exclude(
                    sync_state=SyncState.SYNCED
                ).update(
                    sync_error=error,
                    sync_state=SyncState.ERROR if state == State.FAILED else SyncState.PENDING,
                )
        if operation.group_id is not None:
            group_sync_state_refresh(group_id=operation.group_id, note=error)
        if state == State.FAILED:
            sync_failed_record(operation=operation, error=error)


def sync_failed_record(*, operation: SyncOperation, error: str) -> None:
    """The activity entry of a change Justsend refused for good (a transient error is
    retried, by the task and then by the sweeps, and is not recorded)."""
    group = Group.objects.filter(pk=operation.group_id).first() if operation.group_id else None
    audit_record(
        action=Action.SYNC_FAILED, obj=group or operation,
        summary=gettext_noop("%(kind)s: %(error)s"),
        summary_params={"kind": SyncOperation.Kind(operation.kind).label, "error": error},
    )


def group_sync_state_refresh(*, group_id: int, note: str = "") -> None:
    """Derive the group's sync state from what is still to push for it.

    ``note`` is the latest transient error: the group stays pending and shows why.
    """
    outstanding = SyncOperation.objects.filter(group_id=group_id).exclude(state=State.DONE)
    failed_error = (
        outstanding.filter(state=State.FAILED).order_by("-pk").values_list("last_error", flat=True)
    ).first()
    group = Group.objects.filter(pk=group_id).only("remote_id").first()
    if group is None:
        return
    if failed_error is not None:
        fields = {"sync_state": SyncState.ERROR, "sync_error": failed_error}
    elif outstanding.exists():
        fields = {"sync_state": SyncState.PENDING, "sync_error": note}
    elif group.remote_id is None:
        fields = {"sync_state": SyncState.ERROR, "sync_error": missing_message()}
    else:
        fields = {"sync_state": SyncState.SYNCED, "sync_error": "", "synced_at": timezone.now()}
    Group.objects.filter(pk=group_id).update(**fields)


def missing_message() -> str:
    return _(
        "This group no longer exists in Justsend (deleted in Justsend's own panel?). "
        "“Retry” creates it again with all its members; or delete it here."
    )


def group_mark_missing(*, group_id: int | None) -> None:
    if group_id is not None:
        Group.objects.filter(pk=group_id).update(
            remote_id=None, sync_state=SyncState.ERROR, sync_error=missing_message()
        )


def _progress(operation: SyncOperation, count: int) -> None:
    """Save how far the operation got; stop it here when the task's slice is spent."""
    operation.items_done += count
    SyncOperation.objects.filter(pk=operation.pk).update(
        items_done=operation.items_done, updated_at=timezone.now()
    )
    deadline = getattr(operation, "deadline", None)
    if deadline is not None and time.monotonic() >= deadline and (
        operation.items_done < operation.items_total
    ):
        raise _SliceSpent


def _chunks(items: list, start: int, size: int | None = None):
    size = size or PUSH_CHUNK
    for offset in range(start, len(items), size):
        yield items[offset:offset + size]


# --- one executor per kind ---------------------------------------------------------------


def _group_of(operation: SyncOperation) -> Group | None:
    """The group as it is now (the claimed copy may be older), or None if deleted."""
    if operation.group_id is None:
        return None
    return Group.objects.filter(pk=operation.group_id).first()


def _group_country(group: Group) -> Country | None:
    """The group's country; a LOCAL group is Polish (Justsend refuses a group without one, 4.9)."""
    if group.country:
        return Country(group.country)
    return Country.POLAND if group.group_type == GroupType.LOCAL.value else None


def _group_fields_push(client: JustsendClient, group: Group) -> None:
    try:
        client.update_group(
            group_id=group.remote_id, name=group.name, group_type=GroupType(group.group_type),
            country=_group_country(group),
        )
    except SmsNotFound as exc:
        raise GroupMissingInJustsend(missing_message(), status=exc.status) from exc


def _group_adopt(client: JustsendClient, group: Group):
    """A remote group an earlier attempt may have created before its answer was lost."""
    linked = set(Group.objects.filter(remote_id__isnull=False).values_list("remote_id", flat=True))
    for remote in client.iter_groups(size=100):
        if remote.id not in linked and remote.name == group.name and remote.group_type == group.group_type:
            return remote
    return None


def _group_create(client: JustsendClient, operation: SyncOperation) -> None:
    group = _group_of(operation)
    if group is None:
        return  # deleted before it reached Justsend
    if group.remote_id is not None:
        _group_fields_push(client, group)
        return
    remote = _group_adopt(client, group) if operation.attempts > 1 else None
    if remote is None:
        remote = client.create_group(
            name=group.name, group_type=GroupType(group.group_type), country=_group_country(group)
        )
    try:
        linked = Group.objects.filter(pk=group.pk, remote_id__isnull=True).update(
            remote_id=remote.id
        )
    except IntegrityError:
        linked = 0
    if not linked and not Group.objects.filter(pk=group.pk).exists():
        client.delete_group(group_id=remote.id)  # deleted here while Justsend created it


def _group_update(client: JustsendClient, operation: SyncOperation) -> None:
    group = _group_of(operation)
    if group is not None:
        _group_fields_push(client, group)


def _group_delete(client: JustsendClient, operation: SyncOperation) -> None:
    remote_id = operation.payload.get("remote_id")
    if remote_id is None:
        return
    try:
        client.delete_group(group_id=remote_id)
    except SmsNotFound:
        pass  # already gone


def _member(item: dict, group_id: int) -> GroupMember:
    return GroupMember(
        msisdn=item["msisdn"], group_id=group_id, name=item.get("name", ""),
        surname=item.get("surname", ""), address=item.get("address", ""),
    )


def _member_add_or_update(client: JustsendClient, member: GroupMember) -> None:
    try:
        client.add_group_member(member=member)
    except SmsConflict:  # already there (an earlier attempt, or added in Justsend)
        current = GroupMember(msisdn=member.msisdn, group_id=member.group_id)
        client.update_group_members(updates=[GroupMemberUpdate(current=current, new=member)])


def _member_details_push(client: JustsendClient, group: Group, msisdns: list[str]) -> None:
    """batch-add carries numbers only: send the names and addresses imported with them."""
    with_details = Member.objects.filter(group=group, msisdn__in=msisdns).exclude(
        name="", surname="", address=""
    )
    updates = [
        GroupMemberUpdate(
            current=GroupMember(msisdn=m.msisdn, group_id=group.remote_id),
            new=_member({"msisdn": m.msisdn, "name": m.name, "surname": m.surname,
                         "address": m.address}, group.remote_id),
        )
        for m in with_details.only("msisdn", "name", "surname", "address")
    ]
    for chunk in _chunks(updates, 0, size=DETAILS_CHUNK):
        client.update_group_members(updates=chunk)


def _members_add(client: JustsendClient, operation: SyncOperation) -> None:
    group = _group_of(operation)
    if group is None:
        return  # the group is deleted; Justsend drops its members with it
    try:
        if "members" in operation.payload:
            for item in operation.payload["members"][operation.items_done:]:
                _member_add_or_update(client, _member(item, group.remote_id))
                _progress(operation, 1)
            return
        for chunk in _chunks(operation.payload["msisdns"], operation.items_done):
            client.batch_add_group_members(group_id=group.remote_id, msisdns=chunk)
            _member_details_push(client, group, chunk)
            _progress(operation, len(chunk))
    except SmsNotFound as exc:
        raise GroupMissingInJustsend(missing_message(), status=exc.status) from exc


def _members_update(client: JustsendClient, operation: SyncOperation) -> None:
    group = _group_of(operation)
    if group is None:
        return
    for item in operation.payload["updates"][operation.items_done:]:
        new = _member(item["member"], group.remote_id)
        current = GroupMember(msisdn=item["msisdn"], group_id=group.remote_id)
        try:
            client.update_group_members(updates=[GroupMemberUpdate(current=current, new=new)])
        except SmsNotFound:
            # Not in Justsend (removed there): the member is added as it is now.
            try:
                _member_add_or_update(client, new)
            except SmsNotFound as exc:
                raise GroupMissingInJustsend(missing_message(), status=exc.status) from exc
        _progress(operation, 1)


def _members_remove(client: JustsendClient, operation: SyncOperation) -> None:
    group = _group_of(operation)
    if group is None:
        return
    for chunk in _chunks(operation.payload["msisdns"], operation.items_done):
        try:
            client.remove_group_members(group_id=group.remote_id, msisdns=chunk)
        except SmsNotFound:
            # Justsend refuses the whole list when one number is not in the group: remove
            # them one by one, a number already gone counting as removed.
            for msisdn in chunk:
                try:
                    client.remove_group_members(group_id=group.remote_id, msisdns=[msisdn])
                except SmsNotFound:
                    pass
        _progress(operation, len(chunk))


def _blacklist_add(client: JustsendClient, operation: SyncOperation) -> None:
    country = Country(operation.payload["country"])
    for chunk in _chunks(operation.payload["msisdns"], operation.items_done):
        ack = client.add_to_blacklist(country=country, msisdns=chunk)
        skipped = ack.raw.get("skipped") if isinstance(ack.raw, dict) else None
        now = timezone.now()
        with transaction.atomic():
            BlacklistEntry.objects.filter(msisdn__in=chunk).update(
                sync_state=SyncState.SYNCED, synced_at=now, sync_error=""
            )
            if skipped:
                BlacklistEntry.objects.filter(msisdn__in=skipped).update(
                    sync_state=SyncState.ERROR,
                    sync_error=_("Justsend skipped this number as malformed."),
                )
        _progress(operation, len(chunk))


def _blacklist_remove(client: JustsendClient, operation: SyncOperation) -> None:
    country = Country(operation.payload["country"])
    for chunk in _chunks(operation.payload["msisdns"], operation.items_done):
        client.remove_from_blacklist(country=country, msisdns=chunk)
        _progress(operation, len(chunk))


EXECUTORS: dict[str, Callable[[JustsendClient, SyncOperation], None]] = {
    Kind.GROUP_CREATE: _group_create,
    Kind.GROUP_UPDATE: _group_update,
    Kind.GROUP_DELETE: _group_delete,
    Kind.MEMBERS_ADD: _members_add,
    Kind.MEMBERS_UPDATE: _members_update,
    Kind.MEMBERS_REMOVE: _members_remove,
    Kind.BLACKLIST_ADD: _blacklist_add,
    Kind.BLACKLIST_REMOVE: _blacklist_remove,
}


# --- retry -------------------------------------------------------------------------------


def _retryable(*, failed: bool) -> QuerySet:
    """The rules of a retry, the same for the pages, the admin and beat's sweep.

    Pushes only (a pull has its own sweep); never a done row (history); a running row only
    when its lease has expired (its worker died; a live holder is left alone); a failed
    row (Justsend refused it) only when a person asks (``failed=True``).
    """
    states = Q(lease_free_q(), state=State.RUNNING)
    if failed:
        states |= Q(state=State.FAILED)
    return SyncOperation.objects.exclude(kind=Kind.PULL).filter(states)


@transaction.atomic
def sync_operations_retry(
    *, ids: Iterable[int] | None = None, group: Group | None = None,
    kinds: Iterable[str] | None = None, failed: bool = True,
) -> int:
    """Put outbox rows back to pending (all, or those of ``ids`` / ``group`` / ``kinds``)
    and ask for a push; returns how many. The one retry of the outbox.

    The error and the lease are cleared; ``attempts`` is kept, because a group create
    tried before may have created the group in Justsend, and the next attempt adopts it.
    """
    rows = _retryable(failed=failed).select_for_update(of=("self",))
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if group is not None:
        rows = rows.filter(group=group)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    picked = list(rows.order_by("pk").values_list("pk", "group_id"))
    if not picked:
        return 0
    SyncOperation.objects.filter(pk__in=[pk for pk, _group in picked]).update(
        state=State.PENDING, last_error="", lease_token="", lease_expires_at=None,
        updated_at=timezone.now(),
    )
    for group_id in sorted({group_id for _pk, group_id in picked if group_id is not None}):
        group_sync_state_refresh(group_id=group_id)
    sync_push_request()
    return len(picked)


@transaction.atomic
def group_sync_retry(*, group: Group) -> int:
    """Queue the group's failed pushes again; a group missing in Justsend is re-created."""
    provider_name_for("remote_groups")  # none keeps groups: SmsUnsupported, nothing queued
    retried = sync_operations_retry(group=group)
    create_waiting = SyncOperation.objects.filter(
        group=group, kind=Kind.GROUP_CREATE
    ).exclude(state=State.DONE).exists()
    if group.remote_id is None and not create_waiting:
        group_recreate(group=group)
        retried += 1
    group_sync_state_refresh(group_id=group.pk)
    sync_push_request()
    return retried


def group_recreate(*, group: Group) -> None:
    """Push the whole group again: create it, then add every member (in large operations)."""
    # Member pushes already waiting are covered by the full list below.
    SyncOperation.objects.filter(group=group, kind=Kind.MEMBERS_ADD).exclude(
        state__in=[State.DONE, State.RUNNING]
    ).delete()
    sync_operation_add(kind=Kind.GROUP_CREATE, group=group, payload={})
    members_push_again(
        group=group,
        msisdns=Member.objects.filter(group=group).order_by("msisdn").values_list(
            "msisdn", flat=True
        ).iterator(chunk_size=5_000),
    )


def members_push_again(*, group: Group, msisdns: Iterable[str]) -> None:
    """Queue batch-adds of these numbers, in operations of RECREATE_OPERATION_SIZE, so
    that no single payload grows with the group."""
    batch: list[str] = []
    for msisdn in msisdns:
        batch.append(msisdn)
        if len(batch) == RECREATE_OPERATION_SIZE:
            _members_add_queue(group, batch)
            batch = []
    if batch:
        _members_add_queue(group, batch)


def _members_add_queue(group: Group, msisdns: list[str]) -> None:
    with transaction.atomic():
        sync_operation_add(kind=Kind.MEMBERS_ADD, group=group, payload={"msisdns": msisdns})


@transaction.atomic
def blacklist_sync_retry() -> int:
    """Push again every blacklist entry in error, and the removals that failed."""
    provider_name_for("remote_groups")  # the provider the push takes the blacklist to
    removals = sync_operations_retry(kinds=[Kind.BLACKLIST_REMOVE])
    # The failed additions are replaced by new ones built from the entries in error, which
    # also covers numbers Justsend skipped inside an addition that otherwise succeeded.
    SyncOperation.objects.filter(kind=Kind.BLACKLIST_ADD, state=State.FAILED).update(
        state=State.DONE, done_at=timezone.now(), last_error=_("Replaced by a retry.")
    )
    by_country: dict[str, list[str]] = {}
    in_error = BlacklistEntry.objects.filter(sync_state=SyncState.ERROR)
    for msisdn, country in in_error.values_list("msisdn", "country"):
        by_country.setdefault(country, []).append(msisdn)
    in_error.update(sync_state=SyncState.PENDING, sync_error="")
    for country, msisdns in by_country.items():
        for chunk in _chunks(msisdns, 0, size=BLACKLIST_OPERATION_SIZE):
            sync_operation_add(kind=Kind.BLACKLIST_ADD, payload={"country": country, "msisdns": chunk})
    sync_push_request()
    return removals + sum(map(len, by_country.values()))
