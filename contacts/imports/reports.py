"""The invalid rows of an import as a CSV download, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterator

from django.utils.translation import gettext as _

from contacts.imports.selectors import import_errors_iter
from contacts.models import Import

# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value) -> str:
    """Prefix a would-be formula with an apostrophe: shown as text, never evaluated.

    None is an empty cell.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def import_errors_csv(*, job: Import) -> Iterator[str]:
    """Lines of the report, streamed: header, then row number, value and reason per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so that Excel reads the file as UTF-8
    yield writer.writerow([_("row"), _("value"), _("reason")])
    for row_number, value, reason in import_errors_iter(job=job):
        yield writer.writerow([row_number, cell_neutralise(value), cell_neutralise(reason)])
