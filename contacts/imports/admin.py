"""Admin registrations of imports; imported by contacts/admin.py.

Counts and offsets are written by the import run only, so they are read-only here;
a stuck import is resumed by the beat entry "Resume stalled contact imports".
"""

from django.contrib import admin

from contacts.models import Import, ImportBatch

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

    def has_add_permission(self, request):
        return False  # imports start from the upload page, which checks the file


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "import_job", "number", "state", "rows", "valid", "invalid", "duplicates", "imported",
        "attempts", "updated_at",
    )
    list_filter = ("state",)
    search_fields = ("import_job__original_name", "import_job__group__name")
    list_select_related = ("import_job",)
    readonly_fields = ("import_job", *BATCH_FIELDS, "errors")

    def has_add_permission(self, request):
        return False
