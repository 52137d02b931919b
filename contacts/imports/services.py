"""CSV imports: upload, mapping, the batched run, resuming what a dead worker left.

An import is cut into batches by byte range (the plan). A batch is claimed with a
conditional UPDATE, parsed outside any transaction, then written in ONE transaction with
its counts, the group's member counter and the outbox row of the numbers it added. A
worker killed anywhere leaves either a whole batch or none of it; running the import again
takes the unfinished batches, and the upsert on (group, msisdn) makes a replay harmless.

A claimed batch holds a lease (``core.leases``), renewed while it is read and written; a
batch whose worker died is claimed again once its lease has expired, and the beat sweep
(every 30 s) queues the import again for that. One task runs batches for at most
``SYNC_SLICE_SECONDS`` and then queues the rest, so an import never holds a worker for
minutes and a retry continues with the batches left.
"""

import csv
import heapq
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from operator import itemgetter
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contacts.imports.csvfile import (
    FileFormat,
    batch_records,
    batch_text,
    batches_plan,
)
from contacts.imports.mapping import (
    ATTRIBUTE_PREFIX,
    ColumnMap,
    column_map_build,
    rows_members,
)
from contacts.imports.upsert import members_upsert
from contacts.models import Group, Import, ImportBatch, SyncOperation
from contacts.services.groups import group_attribute_keys_add, group_hold
from contacts.services.outbox import sync_operation_add
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.leases import lease_claim, lease_free_q, lease_kept, lease_release
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
Country = JS.Country

logger = logging.getLogger(__name__)

IMPORT_RUN_TASK = "contacts.import_run"
MAX_BATCH_ATTEMPTS = 5


def _enqueue_run(*, import_id: int, queue: str | None = None) -> None:
    task_enqueue(IMPORT_RUN_TASK, kwargs={"import_id": import_id}, queue=queue)


def _slice_seconds() -> float:
    return float(getattr(settings, "SYNC_SLICE_SECONDS", 5.0))


def _enqueue_helpers(*, import_id: int, queue: str | None = None) -> None:
    """More runners for a planned import, on the queue of the run that planned it.

    ``settings.CONTACTS_IMPORT_RUNNERS`` is the number of worker processes one import
    uses, this run included; batches are claimed atomically, so the runners share the
    work. `manage.py runpanel` starts the worker with --concurrency 2. The setting is
    read here, when used, so that a test's settings override applies.
    """
    for _helper in range(settings.CONTACTS_IMPORT_RUNNERS - 1):
        task_enqueue(IMPORT_RUN_TASK, kwargs={"import_id": import_id}, queue=queue)


@transaction.atomic
def import_create(
    *, uploaded: UploadedFile, file_format: FileFormat, mapping: dict[str, str],
    group: Group | None = None, new_group_name: str = "",
    new_group_type: str = Group.Type.LOCAL, created_by=None, batch_rows: int | None = None,
) -> Import:
    """Store the upload (streamed to MEDIA_ROOT) for the mapping screen; a new group too."""
    if group is None:
        if not new_group_name.strip():
            raise ApplicationError(_("Choose a group or name a new one."))
        group = Group.objects.create(
            name=new_group_name.strip(),
            group_type=new_group_type,
            country=Country.POLAND.value if new_group_type == Group.Type.LOCAL else "",
        )
        sync_operation_add(kind=SyncOperation.Kind.GROUP_CREATE, group=group, payload={})
    job = Import(
        group=group,
        original_name=PurePath(uploaded.name or "contacts.csv").name[:255],
        size=uploaded.size or 0,
        encoding=file_format.encoding,
        delimiter=file_format.delimiter,
        has_header=file_format.has_header,
        mapping=mapping,
        created_by=created_by,
    )
    if batch_rows:
        job.batch_rows = batch_rows
    uploaded.seek(0)
    job.file.save(job.original_name, uploaded, save=False)
    job.save()
    return job


def import_format_set(*, job: Import, file_format: FileFormat, mapping: dict[str, str]) -> None:
    """The user corrected the encoding, delimiter or header row on the mapping screen."""
    _require_state(job, Import.State.UPLOADED)
    job.encoding, job.delimiter, job.has_header = (
        file_format.encoding, file_format.delimiter, file_format.has_header
    )
    job.mapping = mapping
    job.save(update_fields=["encoding", "delimiter", "has_header", "mapping", "updated_at"])


def _require_state(job: Import, state: str) -> None:
    if job.state != state:
        raise ApplicationError(
            _("This import is already %(state)s.") % {"state": job.get_state_display().lower()}
        )


@transaction.atomic
def import_start(
    *, job: Import, mapping: dict[str, str], skip_blacklisted: bool, by=None
) -> Import:
    """Mapping confirmed: queue the run (after commit). ``by``: who confirmed it (the
    uploader when not given)."""
    job = Import.objects.select_for_update().get(pk=job.pk)
    _require_state(job, Import.State.UPLOADED)
    column_map_build(mapping)  # raises with the reason when unusable
    job.mapping = mapping
    job.skip_blacklisted = skip_blacklisted
    job.state = Import.State.QUEUED
    job.save(update_fields=["mapping", "skip_blacklisted", "state", "updated_at"])
    _enqueue_run(import_id=job.pk)
    audit_record(
        action=Action.IMPORT_STARTED, actor=by or job.created_by, obj=job,
        summary=gettext_noop("Into the group “%(group)s”"), summary_params={"group": job.group.name},
    )
    return job


def _file_open(job: Import):
    """The stored upload, opened for reading bytes without Django's per-call proxy."""
    stored = job.file.storage.open(job.file.name, "rb")
    return getattr(stored, "file", stored)


def import_plan(*, job: Import) -> int:
    """Cut the file into batches (once; a second planner's rows are ignored)."""
    try:
        with _file_open(job) as handle:
            ranges = list(
                batches_plan(
                    handle, encoding=job.encoding, delimiter=job.delimiter,
                    has_header=job.has_header, batch_rows=job.batch_rows,
                )
            )
    except FileNotFoundError as exc:
        raise ApplicationError(
            _("The uploaded file is no longer on the server; upload it again.")
        ) from exc
    with transaction.atomic():
        ImportBatch.objects.bulk_create(
            [
                ImportBatch(
                    import_job=job, number=r.number, first_row=r.first_row, last_row=r.last_row,
                    start_offset=r.start_offset, end_offset=r.end_offset,
                )
                for r in ranges
            ],
            ignore_conflicts=True,
        )
        total = sum(r.rows for r in ranges)
        Import.objects.filter(pk=job.pk).update(total_rows=total, updated_at=timezone.now())
    return total


def _batch_claim(*, batch_id: int) -> str | None:
    """Take a batch for this worker (pending, or whose holder's lease ran out); returns
    the lease token that marks the claim."""
    return lease_claim(
        ImportBatch.objects.filter(
            state__in=[ImportBatch.State.PENDING, ImportBatch.State.RUNNING],
            attempts__lt=MAX_BATCH_ATTEMPTS,
        ),
        pk=batch_id, state=ImportBatch.State.RUNNING, attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )


def _batch_read(*, job: Import, batch: ImportBatch, columns: ColumnMap) -> dict:
    """Parse the batch's rows (no database): members by number, counts, invalid rows.

    The range is read and decoded in one piece and parsed in one loop; a range that needs
    more care (a row in another encoding, a line too long, a row the csv module refuses)
    is read again line by line.
    """
    with _file_open(job) as handle:
        text = batch_text(
            handle, encoding=job.encoding, start=batch.start_offset, end=batch.end_offset
        )
    if text is not None:
        try:
            read = rows_members(
                csv.reader(text, delimiter=job.delimiter), columns, first_row=batch.first_row
            )
        except (csv.Error, UnicodeDecodeError):
            pass
        else:
            read["recoded"] = 0
            return read
    return _batch_read_lines(job=job, batch=batch, columns=columns)


def _batch_read_lines(*, job: Import, batch: ImportBatch, columns: ColumnMap) -> dict:
    with _file_open(job) as handle:
        lines, records = batch_records(
            handle, encoding=job.encoding, delimiter=job.delimiter,
            start=batch.start_offset, end=batch.end_offset, first_row=batch.first_row,
        )
        read = rows_members(
            (problem if cells is None else cells for _number, cells, problem in records),
            columns, first_row=batch.first_row,
        )
    read["recoded"] = lines.recoded
    return read


def _batch_failed(*, batch: ImportBatch, token: str, exc: Exception) -> None:
    lease_release(
        ImportBatch, pk=batch.pk, token=token,
        state=ImportBatch.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
    )


def _duplicate_rows(*, read: dict, inserted: list[str], skipped) -> list[list]:
    """Every valid row that added nobody, in row order: a repeat of an earlier row of the
    batch (with that row's number), or a number already in the group (``None``)."""
    not_new = set(inserted)
    not_new.update(skipped)
    in_group = [
        [row, cells, None] for msisdn, (row, cells) in read["sources"].items()
        if msisdn not in not_new
    ]
    if not read["repeated"]:
        return in_group
    return list(heapq.merge(read["repeated"], in_group, key=itemgetter(0)))


def _batch_write(*, batch: ImportBatch, token: str, read: dict) -> bool:
    """Store a parsed batch in one transaction: members, counts, counter, outbox."""
    job = batch.import_job
    with transaction.atomic():
        # The group first, then the batch: a group delete locks the group, then deletes the
        # batches (cascade); taken the other way round the two would deadlock.
        if not group_hold(group_id=job.group_id):
            return False  # the group was deleted, and its imports with it
        # The batch row alone: ImportBatch's default ordering joins the import, and a
        # plain FOR UPDATE would lock that shared row too, so that one runner's batch
        # waited for the other's whole transaction (the runners wrote one at a time).
        locked = (
            ImportBatch.objects.select_for_update(of=("self",)).filter(pk=batch.pk)
            .order_by("pk").first()
        )
        if locked is None or locked.state != ImportBatch.State.RUNNING or (
            locked.lease_token != token
        ):
            return False  # another worker took the batch over meanwhile; its result stands
        result = members_upsert(
            group_id=job.group_id, rows=list(read["members"].values()),
            skip_blacklisted=job.skip_blacklisted, now=timezone.now(),
        )
        valid = read["rows"] - len(read["errors"])
        skipped = result.blacklisted if job.skip_blacklisted else 0
        imported = len(result.inserted)
        duplicate_rows = _duplicate_rows(
            read=read, inserted=result.inserted,
            skipped=result.blacklisted_numbers if job.skip_blacklisted else (),
        )
        if imported:
            Group.objects.filter(pk=job.group_id).update(
                member_count=F("member_count") + imported
            )
            group_attribute_keys_add(
                group_id=job.group_id,
                keys=[
                    target.removeprefix(ATTRIBUTE_PREFIX) for target in job.mapping.values()
                    if target.startswith(ATTRIBUTE_PREFIX)
                ],
            )
            sync_operation_add(
                kind=SyncOperation.Kind.MEMBERS_ADD, group=job.group,
                payload={"msisdns": result.inserted},
            )
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.DONE,
            rows=read["rows"],
            valid=valid,
            invalid=len(read["errors"]),
            # In the file twice, or already in the group (an earlier batch or import).
            duplicates=valid - skipped - imported,
            blacklisted=result.blacklisted,
            imported=imported,
            recoded=read["recoded"],
            errors=read["errors"],
            duplicate_rows=duplicate_rows,
            error="",
            updated_at=timezone.now(),
            lease_token="",
            lease_expires_at=None,
        )
    return True


def _batches_claimed(*, batch_ids, deadline: float | None):
    """(batch, token) for each batch this worker manages to claim, claimed lazily, until
    the slice's ``deadline`` (time.monotonic) has passed."""
    claimed = False
    for batch_id in batch_ids:
        if claimed and deadline is not None and time.monotonic() >= deadline:
            return  # at least one batch per slice, so that every slice moves on
        token = _batch_claim(batch_id=batch_id)
        if token is not None:
            claimed = True
            batch = ImportBatch.objects.select_related("import_job__group").get(pk=batch_id)
            yield batch, token


def _batches_run(*, batch_ids, deadline: float | None = None) -> int:
    """Parse batch n+1 in a thread while batch n is written: the database driver releases
    the GIL, so parsing (pure Python) and writing overlap on two cores. Each claimed
    batch's lease is renewed from its claim to its write."""
    done = 0
    claims = _batches_claimed(batch_ids=batch_ids, deadline=deadline)
    with ExitStack() as leases, ThreadPoolExecutor(
        max_workers=1, thread_name_prefix="import-read"
    ) as pool:

        def read_ahead():
            claim = next(claims, None)
            if claim is None:
                return None
            batch, token = claim
            kept = ExitStack()
            kept.enter_context(lease_kept(ImportBatch, pk=batch.pk, token=token))
            leases.push(kept)  # stopped at the latest when the run ends
            columns = column_map_build(batch.import_job.mapping, group=batch.import_job.group)
            return claim, kept, pool.submit(_batch_read, job=batch.import_job, batch=batch,
                                            columns=columns)

        current = read_ahead()
        while current is not None:
            (batch, token), kept, future = current
            try:
                read = future.result()
            except Exception as exc:
                kept.close()
                _batch_failed(batch=batch, token=token, exc=exc)
                raise
            current = read_ahead()
            try:
                done += _batch_write(batch=batch, token=token, read=read)
            finally:
                kept.close()
    return done


def import_batch_run(*, batch_id: int) -> bool:
    """Run one batch if it can be claimed; True when this call finished it."""
    return bool(_batches_run(batch_ids=[batch_id]))


def _import_plan_once(*, job: Import, queue: str | None) -> bool:
    """Plan under the import's lease; False when another runner is planning it now."""
    token = lease_claim(
        Import.objects.filter(state__in=[Import.State.QUEUED, Import.State.RUNNING]), pk=job.pk
    )
    if token is None:
        return False
    try:
        with lease_kept(Import, pk=job.pk, token=token):
            if not job.batches.exists():
                import_plan(job=job)
                _enqueue_helpers(import_id=job.pk, queue=queue)
    finally:
        lease_release(Import, pk=job.pk, token=token)
    return True


def import_run(
    *, import_id: int, queue: str | None = None, budget: float | None = None
) -> bool:
    """Plan if not yet planned, run batches for one slice (``budget`` seconds,
    ``SYNC_SLICE_SECONDS`` by default), close the import when every batch is done.

    Returns True when batches are left for another slice, which is then queued on
    ``queue``. The run that plans queues helpers (``settings.CONTACTS_IMPORT_RUNNERS``
    in all, on ``queue``) to take batches in other worker processes; a helper that
    comes late finds nothing to do.
    """
    job = Import.objects.select_related("group").filter(pk=import_id).first()
    if job is None or job.state not in (Import.State.QUEUED, Import.State.RUNNING):
        return False
    Import.objects.filter(pk=job.pk).update(
        state=Import.State.RUNNING, started_at=job.started_at or timezone.now(),
        updated_at=timezone.now(),
    )
    try:
        if not job.batches.exists() and not _import_plan_once(job=job, queue=queue):
            return False  # another runner is planning it; it queues the helpers
    except ApplicationError as exc:
        import_fail(import_id=job.pk, error=exc.message)
        return False
    deadline = time.monotonic() + (_slice_seconds() if budget is None else budget)
    pending = job.batches.exclude(state=ImportBatch.State.DONE).values_list("pk", flat=True)
    _batches_run(batch_ids=list(pending), deadline=deadline)
    job = import_finish_check(import_id=job.pk)
    more = job is not None and job.state == Import.State.RUNNING and job.batches.filter(
        lease_free_q(), state__in=[ImportBatch.State.PENDING, ImportBatch.State.RUNNING],
        attempts__lt=MAX_BATCH_ATTEMPTS,
    ).exists()
    if more:
        _enqueue_run(import_id=import_id, queue=queue)
    return more


@transaction.atomic
def import_finish_check(*, import_id: int) -> Import | None:
    """Finished when every batch is done; failed when a batch has used all its attempts."""
    job = Import.objects.select_for_update().filter(pk=import_id).first()
    if job is None or job.state != Import.State.RUNNING:
        return job
    states = set(job.batches.values_list("state", flat=True))
    if states <= {ImportBatch.State.DONE}:
        job.state = Import.State.FINISHED
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "finished_at", "updated_at"])
        counts = ImportBatch.objects.filter(import_job=job).aggregate(
            imported=Sum("imported"), invalid=Sum("invalid"))
        audit_record(
            action=Action.IMPORT_FINISHED, obj=job,
            summary=gettext_noop("%(imported)s numbers imported, %(invalid)s invalid rows"),
            summary_params={name: value or 0 for name, value in counts.items()},
        )
    elif not job.batches.filter(
        ~Q(state=ImportBatch.State.DONE), attempts__lt=MAX_BATCH_ATTEMPTS
    ).exists():
        job.state = Import.State.FAILED
        job.error = _("Some rows could not be imported after %(n)d attempts.") % {
            "n": MAX_BATCH_ATTEMPTS
        }
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at", "updated_at"])
        _import_failed_record(job=job)
    return job


def _import_failed_record(*, job: Import) -> None:
    audit_record(action=Action.IMPORT_FAILED, obj=job, summary=job.error)


@transaction.atomic
def import_fail(*, import_id: int, error: str) -> None:
    """Record why an import stopped; what its finished batches added stays."""
    logger.warning("Import %s failed: %s", import_id, error)
    job = (
        Import.objects.select_for_update().filter(pk=import_id)
        .exclude(state=Import.State.FINISHED).first()
    )
    if job is None:
        return
    already_failed = job.state == Import.State.FAILED
    job.state, job.error, job.finished_at = Import.State.FAILED, error, timezone.now()
    job.save(update_fields=["state", "error", "finished_at", "updated_at"])
    if not already_failed:
        _import_failed_record(job=job)


@transaction.atomic
def import_retry(*, job: Import) -> Import:
    """A failed import runs again: its unfinished batches get fresh attempts."""
    job = Import.objects.select_for_update().get(pk=job.pk)
    _require_state(job, Import.State.FAILED)
    job.batches.exclude(state=ImportBatch.State.DONE).update(
        state=ImportBatch.State.PENDING, attempts=0, error=""
    )
    job.state, job.error, job.finished_at = Import.State.QUEUED, "", None
    job.save(update_fields=["state", "error", "finished_at", "updated_at"])
    _enqueue_run(import_id=job.pk)
    return job


def imports_resume() -> list[int]:
    """The sweep: queue again every queued or running import nobody holds a lease on.

    That is an import whose worker died (its batch leases expired), whose message was
    lost or never sent (a broker outage), or whose next slice is still waiting in the
    queue (then a second runner is harmless: batches are claimed one by one). An import
    with a batch under a live lease is left to its holder, which queues the rest.
    """
    now = timezone.now()
    held = ImportBatch.objects.filter(
        import_job=OuterRef("pk"), state=ImportBatch.State.RUNNING,
        lease_expires_at__gte=now,
    )
    stalled = list(
        Import.objects.filter(lease_free_q(now),
                              state__in=[Import.State.QUEUED, Import.State.RUNNING])
        .exclude(Exists(held))
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        for import_id in stalled:
            logger.info("Resuming stalled import %s", import_id)
            _enqueue_run(import_id=import_id)
    return stalled



@transaction.atomic
def import_delete(*, job: Import) -> None:
    """Delete an import that is not running; its members stay in the group."""
    job = Import.objects.select_for_update().get(pk=job.pk)
    if job.state in (Import.State.QUEUED, Import.State.RUNNING):
        raise ApplicationError(
            _("The import “%(name)s” is %(state)s: it cannot be deleted until it stops.")
            % {"name": job.original_name, "state": job.get_state_display().lower()}
        )
    job.delete()


@transaction.atomic
def import_discard(*, job: Import) -> None:
    """Discard an upload whose columns were never mapped: the row and its file go.

    Only an import still ``uploaded`` (nothing planned, nothing imported) is discarded; the
    file is deleted once the row's deletion is committed.
    """
    job = Import.objects.select_for_update().get(pk=job.pk)
    _require_state(job, Import.State.UPLOADED)
    storage, name = job.file.storage, job.file.name
    job.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
