from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

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


# django-celery-beat's periodic-task form runs an inline script (the crontab's readable
# translation); the panel's policy allows no inline script. This form alone gets a nonce in
# its policy and the script the same nonce (templates/admin/djcelery/...): every other page,
# admin included, keeps ``script-src 'self'``.
admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PanelPeriodicTaskAdmin(PeriodicTaskAdmin):
    @csp_update({"script-src": [NONCE]})
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)
