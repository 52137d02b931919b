"""The Activity page's rows as CSV: streamed, safe to open in a spreadsheet."""

from collections.abc import Iterator
from datetime import tzinfo

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from justsend_panel.audit.models import AuditEntry

CHUNK = 2_000


def audit_entries_csv(entries: QuerySet[AuditEntry], zone: tzinfo) -> Iterator[list[object]]:
    """Rows for :func:`justsend_panel.core.spreadsheets.spreadsheet_csv_response`; times in
    the panel's time zone with their UTC offset."""
    yield [_("When"), _("Who"), _("Action"), _("Object type"), _("Object id"),
           _("Object"), _("Summary"), _("IP address")]
    for entry in entries.iterator(chunk_size=CHUNK):
        yield [
            entry.at.astimezone(zone).isoformat(timespec="seconds"), entry.actor_display,
            entry.get_action_display(), entry.object_type, entry.object_id,
            entry.object_label, entry.summary_text, entry.ip or "",
        ]
