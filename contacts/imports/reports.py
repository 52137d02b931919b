"""The invalid rows of an import as a CSV download, safe to open in a spreadsheet."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from contacts.imports.selectors import import_errors_iter
from contacts.models import Import
from justsend_panel.core.spreadsheets import SpreadsheetLines

def import_errors_csv(*, job: Import) -> Iterator[str]:
    """Lines of the report, streamed: header, then row number, value and reason per row."""
    lines = SpreadsheetLines()
    yield "\ufeff"  # a BOM, so that Excel reads the file as UTF-8
    yield lines.line([_("row"), _("value"), _("reason")])
    for row_number, value, reason in import_errors_iter(job=job):
        yield lines.line([row_number, value, reason])
