"""The invalid rows of an import as a CSV download, safe to open in a spreadsheet."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from contacts.imports.selectors import import_errors_iter
from contacts.models import Import

def import_errors_csv(*, job: Import) -> Iterator[list]:
    """Rows of the report, streamed: header, then row number, value and reason per row."""
    yield [_("row"), _("value"), _("reason")]
    yield from import_errors_iter(job=job)
