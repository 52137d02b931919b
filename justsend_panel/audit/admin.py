from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.admin import HistoryAdmin


class BoundedCountPaginator(Paginator):
    """Counts at most ``LIMIT`` rows (a COUNT over a LIMIT subquery): the changelist of a
    table of millions pages its newest entries without counting them all; narrower lists
    come from the filters."""

    LIMIT = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.LIMIT].count()


@admin.register(AuditEntry)
class AuditEntryAdmin(HistoryAdmin):
    list_display = ("at", "actor_display", "action", "object_type", "object_label", "summary_text", "ip")
    list_filter = ("action", "object_type", "actor_label", "actor")
    search_fields = ("summary", "object_label", "object_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    show_full_result_count = False
    paginator = BoundedCountPaginator

    @admin.display(description=AuditEntry._meta.get_field("actor").verbose_name)
    def actor_display(self, entry):
        return entry.actor_display

    @admin.display(description=AuditEntry._meta.get_field("summary").verbose_name)
    def summary_text(self, entry):
        return entry.summary_text
