"""Launching a campaign and submitting it to Justsend exactly once.

Submission: claim ``queued -> submitting`` together with the campaign's lease and commit;
prepare the audience (the blacklist applied now, not at preview) and call Justsend while a
thread renews the lease; record ``submitting -> sending`` with the bulk uuid, releasing the
lease, only if it is still ours. Justsend's bulk API has no idempotency key, so a campaign
found in ``submitting`` (a worker died between the call and the commit, or a timeout hid
Justsend's answer) is first looked up by its unique bulk name, and only sent when Justsend
does not have it; only the lease holder may do that, so two recoveries never both send.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.services import uploaded_file_link_record
from campaigns.exceptions import (
    AudienceError,
    InvalidTransition,
    RenderingError,
)
from campaigns.models import Campaign, Recipient
from campaigns.services.audience import (
    audience_prepare,
    audience_summary,
    missing_fields_error,
    recipients_rows,
    sqlite_cache,
)
from campaigns.services.cost import campaign_cost, cost_launch_check
from campaigns.services.editing import campaign_validate
from campaigns.services.state import (
    LEASE_RELEASED,
    campaign_qs_select_for_update,
    campaign_transition,
    campaign_update_fields,
    recipients_close,
)
from campaigns.signals import submission_answered
from contacts.models import BlacklistEntry, SyncOperation, SyncState
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.leases import lease_claim, lease_kept, lease_release
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.core.provider import provider_backend, provider_registry
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsError
from justsend_panel.sms.registry import vocabulary

# Justsend's types (BulkSendRequest, Bulk…), as this path has always called them.
sms = vocabulary("justsend")
JustsendClient = sms.JustsendClient

logger = logging.getLogger(__name__)

S = Campaign.Status
SUBMIT_TASK = "campaigns.submit"
CANCEL_TASK = "campaigns.cancel"
# How far back the bulk list is searched for a campaign's bulk (by its unique name).
LOOKUP_MARGIN = timedelta(days=1)
# Rows fetched at a time while the upload file is written.
CSV_CHUNK = 10000


def campaign_enqueue(task_name: str, campaign_id: int) -> None:
    """Send the task once the current transaction commits (or now, outside one)."""
    task_enqueue(task_name, kwargs={"campaign_id": campaign_id})


# --- launch ---------------------------------------------------------------------------


def campaign_launch(*, campaign: Campaign, user, now: datetime | None = None) -> Campaign:
    """Check everything the user can fix, then schedule the campaign or queue it now.

    Refuses a campaign whose recipients lack a field, that has nobody to send to, or that
    costs more points than the account holds.
    """
    now = now or timezone.now()
    campaign_validate(campaign)
    summary = audience_summary(campaign=campaign)
    if summary.missing_count:
        raise missing_fields_error(summary.missing_count, summary.missing)
    if not summary.recipients:
        raise AudienceError(_("The campaign has no recipient to send to."))
    cost = campaign_cost(campaign=campaign, summary=summary)
    cost_launch_check(cost=cost, variant=campaign.variant)
    later = campaign.scheduled_at is not None and campaign.scheduled_at > now
    with transaction.atomic():
        launched = campaign_transition(
            campaign_id=campaign.pk, to=S.SCHEDULED if later else S.QUEUED,
            from_states=[S.DRAFT], launched_at=now, launched_by=user,
            **_estimate_kept(campaign, cost),
        )
        if not later:
            campaign_enqueue(SUBMIT_TASK, campaign.pk)
        audit_record(
            action=Action.CAMPAIGN_SCHEDULED if later else Action.CAMPAIGN_LAUNCHED,
            actor=user, obj=launched,
            summary=gettext_noop("For %(at)s, %(recipients)s recipients") if later
            else gettext_noop("%(recipients)s recipients"),
            summary_params={"recipients": summary.recipients, **(
                {"at": timezone.localtime(campaign.scheduled_at).strftime("%Y-%m-%d %H:%M")}
                if later else {})},
        )
    return launched


def _estimate_kept(campaign: Campaign, cost) -> dict:
    """The cost the launch showed, kept on a campaign whose provider never reports what it
    charged (the campaign page shows it as the estimate); Justsend's comes from its bulk."""
    if cost.total_cost is None or provider_registry().capabilities(campaign.provider).charged_points:
        return {}
    return {"cost": cost.total_cost, "cost_currency": cost.currency or ""}


# --- submission -----------------------------------------------------------------------


def campaign_submit(*, campaign_id: int) -> None:
    """Submit the campaign if, and only if, it is not at Justsend yet.

    The work is claimed by the campaign's lease: with the ``queued -> submitting`` move,
    or, for a campaign left in ``submitting`` without a bulk id (a dead worker, a lost
    answer), only when its lease is free or expired. The holder alone looks the bulk up
    by name and sends; a task that finds the lease held returns (the sweep comes back if
    the holder dies). Transient provider errors propagate (the task retries and lands in
    the recovery path); anything Justsend refuses fails the campaign with its message.
    """
    # Imported here: the recorded-calls path reuses this module's failure handling.
    from campaigns.services.provider_sending import (
        campaign_submit_recorded,
        sends_in_recorded_calls,
    )

    campaign = Campaign.objects.get(pk=campaign_id)
    if sends_in_recorded_calls(campaign.provider):
        # No lookup of a lost batch at this provider: each call is recorded before it is made.
        campaign_submit_recorded(campaign_id=campaign_id)
        return
    if campaign.status == S.QUEUED:
        token = lease_claim(Campaign.objects.filter(status=S.QUEUED), pk=campaign_id,
                            status=S.SUBMITTING, submit_attempts=F("submit_attempts") + 1,
                            updated_at=timezone.now())
        recovery = False
    elif campaign.status in (S.SUBMITTING, S.CANCELLING) and not campaign.batch_id:
        token = lease_claim(
            Campaign.objects.filter(status__in=[S.SUBMITTING, S.CANCELLING], batch_id=""),
            pk=campaign_id)
        recovery = True
    else:
        return  # past queued: submitted, cancelled or failed already
    if token is None:
        return  # another task holds the work, or it moved on meanwhile
    campaign.refresh_from_db()
    try:
        with lease_kept(Campaign, pk=campaign_id, token=token) as keeper:
            _submit_leased(campaign, token=token, recovery=recovery, keeper=keeper)
    finally:
        # A no-op when the result was recorded (that released it). After a transient error
        # or a crash of this code, the task's retry or the sweep claims the work again
        # and, finding no bulk id, looks the bulk up by name first.
        lease_release(Campaign, pk=campaign_id, token=token)


def _submit_leased(campaign: Campaign, *, token: str, recovery: bool, keeper) -> None:
    campaign_id = campaign.pk
    if recovery:
        # This path is for providers that find a batch by our reference (Justsend's bulk
        # name); campaign_submit sends the others in recorded calls.
        with _campaign_client(campaign) as client:
            bulk = bulk_find(client, campaign)
        if bulk is not None:
            logger.warning("Campaign %s: bulk %s already at Justsend, not sent again",
                           campaign_id, bulk.uuid)
            _submitted(campaign, token=token, batch_id=bulk.uuid or "",
                       mode=campaign.submission_mode or "",
                       bulk_status=str(bulk.bulk_status or ""))
            return
        if campaign.status == S.CANCELLING:
            _transition_quietly(campaign_id, S.CANCELLED, from_states=[S.CANCELLING],
                                token=token)
            return
    try:
        audience_prepare(campaign=campaign)
        if Campaign.objects.filter(pk=campaign_id, status=S.CANCELLING).exists():
            # Cancelled while the audience was prepared: nothing has left yet.
            _transition_quietly(campaign_id, S.CANCELLED, from_states=[S.CANCELLING],
                                token=token)
            return
        if keeper.lost.is_set():
            return  # taken over while preparing: the new holder sends
        with _campaign_client(campaign) as client:
            mode, result = _send(client, campaign)
    except (RenderingError, AudienceError) as error:
        _submission_failed(campaign_id, error.message, token=token)
        return
    except TRANSIENT_ERRORS:
        raise
    except SmsError as error:
        _submission_failed(campaign_id, _("Justsend refused the campaign: %(error)s")
                           % {"error": error.message}, token=token)
        return
    submission_answered.send(sender=Campaign, campaign_id=campaign_id,
                             batch_id=result.id or "")
    _submitted(campaign, token=token, batch_id=result.id or "", mode=mode)


def _campaign_client(campaign: Campaign) -> JustsendClient:
    """The client of the campaign's provider, which must find a batch by our reference."""
    return provider_backend(campaign.provider, needs="find_batch_by_reference").client()


def bulk_find(client: JustsendClient, campaign: Campaign) -> sms.Bulk | None:
    """The campaign's bulk at Justsend, found by its unique name, or None."""
    since = (campaign.launched_at or campaign.created_at) - LOOKUP_MARGIN
    for bulk in client.iter_bulks(from_date=since, size=100, sort_field="createDate",
                                  sort_direction=sms.SortDirection.DESC):
        if bulk.name == campaign.bulk_name:
            return bulk
    return None


def _lease_held(campaign_id: int, token: str) -> bool:
    """Under the row lock (inside a transaction): whether ``token`` still holds the lease."""
    return campaign_qs_select_for_update().filter(pk=campaign_id, lease_token=token).exists()


def _submitted(campaign: Campaign, *, token: str, batch_id: str, mode: str,
               bulk_status: str = "") -> None:
    """Record the bulk and release the lease with ``submitting -> sending``.

    Written only while the lease is ours: a holder that was taken over leaves the result
    to the new holder, which finds the bulk by its name.
    """
    fields = {"batch_id": batch_id, "submission_mode": mode, "submitted_at": timezone.now(),
              "bulk_status": bulk_status, **LEASE_RELEASED}
    with transaction.atomic():
        if not _lease_held(campaign.pk, token):
            logger.warning("Campaign %s: lease lost before bulk %s was recorded; the holder "
                           "that took over finds it by name", campaign.pk, batch_id)
            return
        if mode == Campaign.SubmissionMode.UPLOAD:
            # Billing's "Uploaded files" page links Justsend's file list back to campaigns.
            uploaded_file_link_record(file_name=upload_file_name(campaign),
                                      campaign_id=campaign.pk, campaign_name=campaign.name,
                                      batch_id=batch_id)
        try:
            campaign_transition(campaign_id=campaign.pk, to=S.SENDING,
                                from_states=[S.SUBMITTING], **fields)
        except InvalidTransition:
            # Cancelled while we were submitting: keep the bulk id and let the cancel task
            # take the bulk back from Justsend.
            if campaign_update_fields(campaign_id=campaign.pk, in_states=[S.CANCELLING],
                                      **fields):
                campaign_enqueue(CANCEL_TASK, campaign.pk)


def _submission_failed(campaign_id: int, reason: str, *, token: str) -> None:
    """A refused submission fails the campaign; if it was being cancelled, it is cancelled."""
    with transaction.atomic():
        if not _lease_held(campaign_id, token):
            return
        try:
            campaign_transition(campaign_id=campaign_id, to=S.FAILED,
                                from_states=[S.SUBMITTING], failure_reason=reason,
                                finished_at=timezone.now(), **LEASE_RELEASED)
        except InvalidTransition:
            _transition_quietly(campaign_id, S.CANCELLED, from_states=[S.CANCELLING],
                                token=token)
            return
        recipients_close(campaign_id=campaign_id)


def _transition_quietly(campaign_id: int, to: str, *, from_states: list[str],
                        token: str | None = None) -> None:
    try:
        with transaction.atomic():
            if token is not None and not _lease_held(campaign_id, token):
                return
            campaign_transition(campaign_id=campaign_id, to=to, from_states=from_states,
                                finished_at=timezone.now(), **LEASE_RELEASED)
            recipients_close(campaign_id=campaign_id)
    except InvalidTransition:
        pass  # somebody else moved it first: their state stands


# --- the request ----------------------------------------------------------------------


def submission_mode_choose(campaign: Campaign) -> str:
    """JSON for small lists, a file for large ones and for PARAMETRIZED, group ids when safe."""
    mode = Campaign.SubmissionMode
    if campaign.bulk_type == Campaign.BulkTypeChoice.PARAMETRIZED:
        return mode.UPLOAD  # the manual carries $1…$n only as columns of the file
    if _group_ids_safe(campaign):
        return mode.GROUP_IDS
    if campaign.recipients_count > settings.CAMPAIGN_UPLOAD_THRESHOLD:
        return mode.UPLOAD
    return mode.JSON


def _group_ids_safe(campaign: Campaign) -> bool:
    """Whole synced groups, nothing added or taken away, and no blacklist change in flight.

    Otherwise Justsend would not know of a member removed or a number blacklisted a
    minute ago, and the explicit list is sent instead.
    """
    if campaign.bulk_type != Campaign.BulkTypeChoice.STANDARD:
        return False
    if (campaign.pasted_numbers.strip() or campaign.audience_file or campaign.only_numbers
            or campaign.excluded_groups.exists()):
        return False
    groups = list(campaign.groups.all())
    if not groups or any(g.remote_id is None or g.sync_state != SyncState.SYNCED
                         for g in groups):
        return False
    pending = SyncOperation.objects.exclude(state=SyncOperation.State.DONE)
    if pending.filter(group__in=groups).exists() or pending.filter(kind__in=[
        SyncOperation.Kind.BLACKLIST_ADD, SyncOperation.Kind.BLACKLIST_REMOVE,
    ]).exists():
        return False
    return not BlacklistEntry.objects.exclude(sync_state=SyncState.SYNCED).exists()


def bulk_request(campaign: Campaign, **extra) -> sms.BulkSendRequest:
    voice = campaign.voice_config or {}
    return sms.BulkSendRequest(
        name=campaign.bulk_name,
        bulk_type=sms.BulkType(campaign.bulk_type),
        bulk_variant=sms.BulkVariant(campaign.variant),
        message=campaign.message,
        sender=campaign.sender or None,
        # Justsend requires sendDate: the submission time (the panel still keeps a scheduled
        # campaign until its time, so nothing is charged early).
        send_date=timezone.localtime(),
        country=sms.Country(campaign.country) if campaign.country else None,
        voice_config=sms.VoiceConfig(**voice) if campaign.variant == Campaign.Variant.VOICE
        else None,
        **extra,
    )


def _send(client: JustsendClient, campaign: Campaign) -> tuple[str, sms.SendResult]:
    mode = submission_mode_choose(campaign)
    campaign_update_fields(campaign_id=campaign.pk, in_states=[S.SUBMITTING, S.CANCELLING],
                           submission_mode=mode)
    if mode == Campaign.SubmissionMode.GROUP_IDS:
        group_ids = list(campaign.groups.values_list("remote_id", flat=True))
        return mode, client.send_bulk(request=bulk_request(campaign, group_ids=group_ids))
    if mode == Campaign.SubmissionMode.JSON:
        recipients = [sms.Recipient(msisdn=msisdn, content=content or None)
                      for msisdn, content, _params in recipients_rows(campaign)]
        return mode, client.send_bulk(request=bulk_request(campaign, recipients=recipients))
    with tempfile.NamedTemporaryFile("w+b", suffix=".csv") as file:
        recipients_csv_write(campaign, file)
        file.seek(0)
        return mode, client.upload_bulk(request=bulk_request(campaign), file=file,
                                        filename=upload_file_name(campaign))


def upload_file_name(campaign: Campaign) -> str:
    """The name Justsend lists the campaign's recipients file under (uploaded files)."""
    return f"campaign-{campaign.reference}.csv"


def recipients_csv_write(campaign: Campaign, binary) -> int:
    """The recipients file of ``/upload/bulk``: ``msisdn[;content | ;$1;$2…]``, no header.

    Streamed from the prepared Recipient rows in pk order through a server-side cursor
    (PostgreSQL) or SQLite's lazy cursor, in chunks: memory stays flat at any size. Without
    parameters the database makes each line, quoted as :mod:`csv` quotes it (a field with
    ``;``, ``"``, ``\\n`` or ``\\r``, in double quotes with ``"`` doubled): the csv writer cost
    three of the worker's seconds at a million rows. Parameters go through the writer.
    """
    if campaign.bulk_type == Campaign.BulkTypeChoice.PARAMETRIZED:
        return _csv_rows_write(campaign, binary)
    rows = 0
    table = connection.ops.quote_name(Recipient._meta.db_table)
    quoted = "'\"' || replace(content, '\"', '\"\"') || '\"'"
    line = (f"msisdn || CASE WHEN content = '' THEN '' WHEN content LIKE %s OR content LIKE %s"
            f" OR content LIKE %s OR content LIKE %s THEN ';' || {quoted} ELSE ';' || content END"
            " || %s")
    where, where_args = _campaign_rows_in_pk_order(campaign)
    with sqlite_cache(), connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {line} FROM {table} WHERE {where} ORDER BY id",
                       ["%;%", '%"%', "%\n%", "%\r%", "\n", *where_args])
        while chunk := cursor.fetchmany(CSV_CHUNK):
            binary.write("".join([row[0] for row in chunk]).encode("utf-8"))
            rows += len(chunk)
    return rows


def _campaign_rows_in_pk_order(campaign: Campaign) -> tuple[str, list]:
    """A WHERE clause that reads the campaign's rows along the primary key, without a sort.

    The indexes starting with ``campaign_id`` are the unique (campaign, msisdn) and
    (campaign, status): given ``campaign_id = %s`` the planner takes one and sorts a million
    rows by id (SQLite's temp B-tree took 74 MB of the worker). The pk range of the campaign,
    with ``+campaign_id`` (no index on that side), streams them in order instead.
    """
    first, last = Recipient.objects.filter(campaign=campaign).aggregate(
        first=Min("pk"), last=Max("pk")).values()
    return "id BETWEEN %s AND %s AND +campaign_id = %s", [first or 0, last or 0, campaign.pk]


def _csv_rows_write(campaign: Campaign, binary) -> int:
    rows = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    table = connection.ops.quote_name(Recipient._meta.db_table)
    where, where_args = _campaign_rows_in_pk_order(campaign)
    with sqlite_cache(), connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT msisdn, content, params FROM {table} WHERE {where} ORDER BY id",
                       where_args)
        while chunk := cursor.fetchmany(CSV_CHUNK):
            # A chunk is written as one block: a text wrapper per row costs more than the row.
            writer.writerows([_csv_row(row) for row in chunk])
            binary.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
            rows += len(chunk)
    return rows


def _csv_row(row: tuple) -> tuple:
    msisdn, content, params = row
    if params is not None:
        if isinstance(params, str):
            params = json.loads(params)
        if params:
            return (msisdn, *params)
    return (msisdn, content) if content else (msisdn,)
