"""Admin registrations of imports; imported by contacts/admin.py.

Counts and offsets are written by the import run only, so they are read-only here;
a stuck import is resumed by the beat entry "Resume stalled contact imports". An import is
deleted (``import_delete``) or retried (``import_retry``) through the services, never while
it runs; batches are its history.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from contacts.imports.services import import_delete, import_retry
from contacts.models import Import, ImportBatch
from justsend_panel.core.admin import HistoryAdmin
from justsend_panel.core.exceptions import ApplicationError

RUNNING = (Import.State.QUEUED, Import.State.RUNNING)

BATCH_FIELDS = (
    "number", "state", "first_row", "last_row", "start_offset", "end_offset", "rows", "valid",
    "invalid", "duplicates", "blacklisted", "imported", "recoded", "attempts", "error",
    "updated_at",
)


class ImportBatchInline(admin.TabularInline):
    model = ImportBatch
    fields = BATCH_FIELDS
    readonly_fields = BATCH_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = (
        "original_name", "group", "state", "total_rows", "created_by", "created_at",
        "finished_at",
    )
    list_filter = ("state", "skip_blacklisted", "created_at")
    search_fields = ("original_name", "group__name", "created_by__username")
    list_select_related = ("group", "created_by")
    date_hierarchy = "created_at"
    readonly_fields = (
        "group", "file", "original_name", "size", "encoding", "delimiter", "has_header",
        "mapping", "skip_blacklisted", "state", "error", "total_rows", "batch_rows",
        "created_by", "created_at", "started_at", "finished_at",
    )
    inlines = [ImportBatchInline]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # imports start from the upload page, which checks the file

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        running = obj is not None and obj.state in RUNNING
        return not running and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # Batches go with their import (they cannot be deleted on their own).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(ImportBatch._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        for job in queryset:
            try:
                import_delete(job=job)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)

    @admin.action(description=_("Run the selected failed imports again"))
    def retry(self, request, queryset):
        for job in queryset:
            try:
                import_retry(job=job)
            except ApplicationError as error:
                self.message_user(request, f"{job}: {error.message}", messages.ERROR)


@admin.register(ImportBatch)
class ImportBatchAdmin(HistoryAdmin):
    list_display = (
        "import_job", "number", "state", "rows", "valid", "invalid", "duplicates", "imported",
        "attempts", "updated_at",
    )
    list_filter = ("state",)
    search_fields = ("import_job__original_name", "import_job__group__name")
    list_select_related = ("import_job",)
    readonly_fields = ("import_job", *BATCH_FIELDS, "errors", "duplicate_rows")
