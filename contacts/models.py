"""Contacts: groups, their members, the blacklist, what must be pushed to Justsend, imports.

The panel's database is where staff edit; Justsend is kept in step through the outbox
(:class:`SyncOperation`), written in the same transaction as the change it carries.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.leases import LeasedModel
from justsend_panel.core.models import TimeStampedModel
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
COUNTRY_CHOICES = JS.COUNTRY_CHOICES
Country = JS.Country
GroupType = JS.GroupType



class SyncState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SYNCED = "synced", _("Synced")
    ERROR = "error", _("Error")


class SyncedModel(models.Model):
    """Where a local object stands with Justsend; the UI shows it and offers a retry."""

    sync_state = models.CharField(
        _("sync state"), max_length=10, choices=SyncState.choices, default=SyncState.PENDING,
        db_index=True,
    )
    sync_error = models.TextField(_("sync error"), blank=True)
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True)

    class Meta:
        abstract = True


class Group(TimeStampedModel, SyncedModel):
    class Type(models.TextChoices):
        LOCAL = GroupType.LOCAL.value, _("Local (Poland)")
        INTERNATIONAL = GroupType.INTERNATIONAL.value, _("International")

    name = models.CharField(_("name"), max_length=200)
    group_type = models.CharField(
        _("type"), max_length=20, choices=Type.choices, default=Type.LOCAL
    )
    country = models.CharField(_("country"), max_length=80, choices=COUNTRY_CHOICES, blank=True)
    # The group's id at the provider that keeps remote groups (Justsend); None until pushed.
    remote_id = models.BigIntegerField(_("group id at the provider"), null=True, blank=True,
                                       unique=True)
    # A counter kept in the same transaction as member changes: no COUNT(*) per page view.
    member_count = models.PositiveIntegerField(_("members"), default=0)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(TimeStampedModel):
    """A contact in a group; the number is stored normalised (digits with country code).

    An import writes a million of these, so each row costs as little to write as it can:

    * one index only besides the primary key, the unique (group, msisdn). It serves every
      read by group, and the number lookup across groups too (one probe per group: see
      ``selectors.number_lookup``). No index of its own on ``group``, ``created_at`` or
      ``msisdn`` (migrations 0006, 0007).
    * no foreign-key constraint in the database (``db_constraint=False``, migration 0007):
      PostgreSQL checked it once a row at commit, a third of an import's insert. What it
      guarded, no member outliving its group, is kept by ``services.groups.group_hold``:
      whatever adds members holds the group's row (FOR KEY SHARE) and ``group_delete``
      locks it FOR UPDATE before deleting, so a delete waits for a batch being written
      and then deletes its members too, and a batch that waited for a delete adds nothing.
      Django's CASCADE still deletes a group's members.
    * On PostgreSQL ``msisdn`` is ``COLLATE "C"`` (migration 0006): numbers are digits,
      which sort the same bytewise.
    """

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="members", db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    msisdn = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=200, blank=True)
    surname = models.CharField(_("surname"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    # Extra columns, usable as personalisation fields in campaigns ({attribute}).
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["group", "msisdn"], name="member_unique_per_group"),
        ]

    def __str__(self) -> str:
        return self.msisdn


class GroupAttributeKey(models.Model):
    """A key of the members' extra attributes that a group has: the composer's field picker
    reads these instead of the members, so a group of a million answers at once.

    Written with the members (``member_add``/``member_update`` and each import batch,
    ``group_attribute_keys_add``), one row per key, so concurrent batches never overwrite
    each other's keys. Added, never removed: a key left by deleted members is still offered,
    and the preview then names the recipients who lack it.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="attribute_keys")
    key = models.CharField(_("attribute"), max_length=50)

    class Meta:
        verbose_name = _("group attribute")
        verbose_name_plural = _("group attributes")
        constraints = [
            models.UniqueConstraint(fields=["group", "key"], name="group_attribute_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class BlacklistEntry(TimeStampedModel, SyncedModel):
    class Reason(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        STOP_REPLY = "stop_reply", _("STOP reply")
        IMPORTED = "imported", _("Imported")
        PULLED = "pulled", _("Pulled from Justsend")

    msisdn = models.CharField(_("number"), max_length=20, unique=True)
    country = models.CharField(
        _("country"), max_length=80, choices=COUNTRY_CHOICES, default=Country.POLAND.value
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, default=Reason.MANUAL
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.msisdn


class BlacklistEvent(models.Model):
    """One addition to or removal from the blacklist: who, when, why. Append-only.

    Written by the blacklist services in the transaction of the change itself, and kept
    after the entry is gone, so a number's history shows every opt-out and its undoing.
    ``source`` is where the entry came from (a removal keeps the source of the entry it
    removed, so "a STOP reply's entry was removed" reads from one row); ``user`` is the
    person who did it, empty when a STOP reply, a pull or an import did.
    """

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        REMOVED = "removed", _("Removed")

    msisdn = models.CharField(_("number"), max_length=20, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=BlacklistEntry.Reason.choices,
        default=BlacklistEntry.Reason.MANUAL,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    reason = models.CharField(_("why"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("blacklist event")
        verbose_name_plural = _("blacklist events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.msisdn}"

    @property
    def actor(self) -> str:
        """The user, or what acted without one (a STOP reply, a pull, an import)."""
        if self.user_id:
            return str(self.user)
        if self.source == BlacklistEntry.Reason.MANUAL:
            return str(_("unknown user"))
        return str(self.get_source_display())


class SyncOperation(TimeStampedModel, LeasedModel):
    """The outbox: one change to push to Justsend, written with the change itself.

    A task claims pending rows, calls the provider layer after the claim is committed,
    and records the result; a row whose push failed stays for a retry. Payloads carry
    what the call needs (ids, numbers), so a deleted group can still be deleted remotely.
    """

    class Kind(models.TextChoices):
        GROUP_CREATE = "group_create", _("Create group")
        GROUP_UPDATE = "group_update", _("Update group")
        GROUP_DELETE = "group_delete", _("Delete group")
        MEMBERS_ADD = "members_add", _("Add members")
        MEMBERS_UPDATE = "members_update", _("Update members")
        MEMBERS_REMOVE = "members_remove", _("Remove members")
        BLACKLIST_ADD = "blacklist_add", _("Add to blacklist")
        BLACKLIST_REMOVE = "blacklist_remove", _("Remove from blacklist")
        # Not a push: one run of "Pull from Justsend", so that its progress is visible.
        PULL = "pull", _("Pull from Justsend")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="sync_operations"
    )
    payload = models.JSONField(_("payload"), default=dict)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # Progress of a long push (numbers sent so far): a retry resumes after the last chunk
    # that arrived, and the group page sums these for its progress bar without reading
    # the payloads.
    items_total = models.PositiveIntegerField(_("items"), default=0)
    items_done = models.PositiveIntegerField(_("items done"), default=0)

    class Meta:
        verbose_name = _("sync operation")
        verbose_name_plural = _("sync operations")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["group", "state"], name="syncop_group_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Import(TimeStampedModel, LeasedModel):
    """A CSV file imported into a group; its progress is the sum of its batches."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")  # waiting for the column mapping
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to="imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=2, blank=True)
    has_header = models.BooleanField(_("first row is a header"), default=True)
    # Column index (as a string) -> "msisdn", "name", "surname", "address", "attr:<key>", "".
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    skip_blacklisted = models.BooleanField(_("skip blacklisted numbers"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UPLOADED, db_index=True
    )
    error = models.TextField(_("error"), blank=True)
    total_rows = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    # Rows per batch: one batch is one transaction and one outbox row of new members.
    # 50,000: fewer statements, commits and claims per million rows, while two batches in
    # memory (one being written, the next being read) keep a worker process near 200 MB;
    # at 100,000 it neared 300 MB for no gain in CPU. See docs/benchmarks.md.
    batch_rows = models.PositiveIntegerField(_("rows per batch"), default=50_000)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class ImportBatch(LeasedModel):
    """A range of rows of an import with its own state and counts.

    Running a batch is an upsert on (group, msisdn), so running it twice is harmless, and
    a batch left ``running`` by a dead worker is picked up again.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    import_job = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField(_("batch number"))
    first_row = models.PositiveBigIntegerField(_("first row"))
    last_row = models.PositiveBigIntegerField(_("last row"))
    # Byte offset of the first row in the file, so a batch can be read again on its own.
    start_offset = models.PositiveBigIntegerField(_("start offset"), default=0)
    end_offset = models.PositiveBigIntegerField(_("end offset"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    rows = models.PositiveIntegerField(_("rows done"), default=0)
    valid = models.PositiveIntegerField(_("valid"), default=0)
    invalid = models.PositiveIntegerField(_("invalid"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    blacklisted = models.PositiveIntegerField(_("blacklisted"), default=0)
    # New members this batch added to the group (valid minus duplicates and skipped).
    imported = models.PositiveIntegerField(_("imported"), default=0)
    # Rows that were not in the file's encoding and were read as Windows-1250 instead.
    recoded = models.PositiveIntegerField(_("rows re-read as Windows-1250"), default=0)
    # Invalid rows, whole as read, with the reason: [[row number, [cells…], reason], …]
    # (before the whole row was kept: [row number, raw number, reason]).
    errors = models.JSONField(_("invalid rows"), default=list, blank=True)
    # Rows whose number was not added again, whole as read: [[row number, [cells…], the
    # earlier row of this batch with the number, or null when it was already in the
    # group (from an earlier batch or import)], …]
    duplicate_rows = models.JSONField(_("duplicate rows"), default=list, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["import_job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["import_job", "number"], name="import_batch_unique"),
        ]
