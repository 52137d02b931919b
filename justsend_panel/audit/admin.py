from django.contrib import admin

from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.admin import HistoryAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(HistoryAdmin):
    list_display = ("at", "actor_display", "action", "object_type", "object_label", "summary_text", "ip")
    list_filter = ("action", "object_type", "actor_label", "actor")
    search_fields = ("summary", "object_label", "object_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    show_full_result_count = False

    @admin.display(description=AuditEntry._meta.get_field("actor").verbose_name)
    def actor_display(self, entry):
        return entry.actor_display

    @admin.display(description=AuditEntry._meta.get_field("summary").verbose_name)
    def summary_text(self, entry):
        return entry.summary_text
