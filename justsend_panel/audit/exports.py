"""The Activity page's rows as CSV: streamed, safe to open in a spreadsheet."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.spreadsheets import SpreadsheetLines

CHUNK = 2_000


def audit_entries_csv(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    lines = SpreadsheetLines()
    yield lines.line([_("When"), _("Who"), _("Action"), _("Object type"), _("Object id"),
                      _("Object"), _("Summary"), _("IP address")])
    for entry in entries.iterator(chunk_size=CHUNK):
        yield lines.line([
            entry.at.isoformat(), entry.actor_display, entry.get_action_display(),
            entry.object_type, entry.object_id, entry.object_label, entry.summary_text,
            entry.ip,
        ])
