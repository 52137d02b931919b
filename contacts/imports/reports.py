"""The rows of an import that added nobody, as a CSV download: each invalid or duplicate
row whole, as it was read, after its row number, the reason and the row it repeats."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from contacts.imports.selectors import import_errors_iter, import_file_columns
from contacts.models import Import


def import_errors_csv(*, job: Import) -> Iterator[list]:
    """Rows of the report, streamed (core.spreadsheets writes them)."""
    yield [_("row"), _("reason"), _("repeats row"), *import_file_columns(job=job)]
    for found in import_errors_iter(job=job):
        if found.reason is not None:
            reason = found.reason
        elif found.repeats is not None:
            reason = _("Duplicate: the number is in row %(row)d too.") % {"row": found.repeats}
        else:
            reason = _("Duplicate: the number is already in the group.")
        yield [found.row, reason, found.repeats, *found.cells]
