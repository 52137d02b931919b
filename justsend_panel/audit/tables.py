import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from justsend_panel.audit.models import AuditEntry
from justsend_panel.audit.selectors import audit_object_url
from justsend_panel.core import formatting


class AuditEntryTable(tables.Table):
    at = tables.Column(verbose_name=_("When"))
    actor = tables.Column(verbose_name=_("Who"), accessor="actor_display", empty_values=())
    action = tables.Column(verbose_name=_("Action"))
    object_label = tables.Column(verbose_name=_("Object"), empty_values=())
    summary = tables.Column(verbose_name=_("Summary"), accessor="summary_text", empty_values=())
    ip = tables.Column(verbose_name=_("IP address"))

    class Meta:
        model = AuditEntry
        fields = ("at", "actor", "action", "object_label", "summary", "ip")
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "activity"}
        orderable = False  # newest first, always: the order the (…, at) indexes serve
        empty_text = _("No activity matches.")

    def render_at(self, value):
        return formatting.when_exact(value)

    def render_object_label(self, value, record):
        label = value or record.object_id
        if not label:
            return "—"
        url = audit_object_url(record)
        return format_html('<a href="{}">{}</a>', url, label) if url else label
