from django.contrib import admin

from justsend_panel.core.models import WorkerHeartbeat


class HistoryAdmin(admin.ModelAdmin):
    """Rows that are history or written by the panel's own work: read here, never added,
    changed or deleted (a deleted row would leave a count, a chart or a push wrong)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "hostname", "pid", "source", "requested_at")
    list_filter = ("source", "hostname")
    search_fields = ("hostname", "source")
    date_hierarchy = "recorded_at"
    readonly_fields = ("source", "hostname", "pid", "requested_at", "recorded_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
