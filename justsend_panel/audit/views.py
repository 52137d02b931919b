from django.utils import timezone
from django.views import View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from justsend_panel.audit.exports import audit_entries_csv
from justsend_panel.audit.filters import AuditEntryFilter
from justsend_panel.audit.selectors import audit_entries_qs
from justsend_panel.audit.tables import AuditEntryTable
from justsend_panel.core.permissions import AdminOnlyMixin
from justsend_panel.core.spreadsheets import spreadsheet_csv_response


class ActivityView(AdminOnlyMixin, SingleTableMixin, FilterView):
    """Who did what: administrators only."""

    table_class = AuditEntryTable
    filterset_class = AuditEntryFilter
    template_name = "audit/activity.html"
    # Pages without COUNT(*): the table grows to millions of rows.
    table_pagination = {"paginator_class": LazyPaginator, "per_page": 50}

    def get_queryset(self):
        return audit_entries_qs()


class ActivityExportView(AdminOnlyMixin, View):
    def get(self, request, *args, **kwargs):
        entries = AuditEntryFilter(request.GET, queryset=audit_entries_qs()).qs
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return spreadsheet_csv_response(
            rows=audit_entries_csv(entries, timezone.get_current_timezone()),
            filename=f"activity-{stamp}.csv",
        )
