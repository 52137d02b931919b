"""Reads of imports: progress (the sum of the batches), previews, invalid rows."""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from contacts.imports.csvfile import FileFormat, format_detect
from contacts.imports.mapping import ColumnMap, column_map_build, row_member
from contacts.models import Import, ImportBatch
from justsend_panel.core.exceptions import ApplicationError

COUNTERS = ("rows", "valid", "invalid", "duplicates", "blacklisted", "imported", "recoded")


@dataclass(frozen=True)
class ImportProgress:
    total: int | None  # None while the file is being planned
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    duplicates: int = 0
    blacklisted: int = 0
    imported: int = 0
    recoded: int = 0
    batches: int = 0
    batches_done: int = 0

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.rows / self.total))


def import_progress_get(*, job: Import) -> ImportProgress:
    """One aggregate over the import's batches (tens of rows even for a million-row file)."""
    sums = ImportBatch.objects.filter(import_job=job).aggregate(
        **{name: Sum(name) for name in COUNTERS},
        batches=Count("pk"),
        batches_done=Count("pk", filter=Q(state=ImportBatch.State.DONE)),
    )
    return ImportProgress(
        total=job.total_rows, **{name: value or 0 for name, value in sums.items()}
    )


@dataclass(frozen=True)
class ReportRow:
    """A row of the file that added nobody: invalid (``reason``) or a duplicate
    (``repeats``: the earlier row with the number, None when it was already in the group)."""

    row: int
    cells: list[str]
    reason: str | None = None
    repeats: int | None = None


def _report_rows(errors: list, duplicates: list) -> Iterator[ReportRow]:
    invalid = (
        # Kept before whole rows were: the raw number alone.
        ReportRow(row, [cells] if isinstance(cells, str) else cells, reason)
        for row, cells, reason in errors
    )
    repeated = (ReportRow(row, cells, None, repeats) for row, cells, repeats in duplicates)
    return heapq.merge(invalid, repeated, key=attrgetter("row"))


def import_errors_iter(*, job: Import) -> Iterator[ReportRow]:
    """Every invalid and duplicate row in file order, one batch in memory at a time."""
    batches = (
        ImportBatch.objects.filter(import_job=job)
        .filter(Q(invalid__gt=0) | Q(duplicates__gt=0))
        .order_by("number")
        .values_list("errors", "duplicate_rows")
    )
    for errors, duplicates in batches.iterator(chunk_size=1):
        yield from _report_rows(errors, duplicates)


def import_file_columns(*, job: Import) -> list[str]:
    """The file's header row, or "column 1", "column 2"… for a file without one (empty
    when the file is gone)."""
    try:
        with job.file.open("rb") as handle:
            file_format = format_detect(
                handle, encoding=job.encoding, delimiter=job.delimiter, has_header=job.has_header
            )
    except (FileNotFoundError, ApplicationError):
        return []
    if file_format.has_header:
        return file_format.header
    return [_("column %(n)d") % {"n": n} for n in range(1, file_format.columns + 1)]


@dataclass(frozen=True)
class PreviewRow:
    cells: list[str]
    msisdn: str | None
    problem: str | None


def import_preview_get(
    *, file_format: FileFormat, mapping: dict[str, str], group=None
) -> tuple[list[PreviewRow], str | None]:
    """The first rows read through the mapping, or the reason the mapping is unusable."""
    try:
        columns: ColumnMap = column_map_build(mapping, group=group)
    except ApplicationError as exc:
        rows = [PreviewRow(cells=row, msisdn=None, problem=None) for row in file_format.data_rows]
        return rows, exc.message
    preview = []
    for cells in file_format.data_rows:
        member = row_member(cells, columns)
        if isinstance(member, str):
            preview.append(PreviewRow(cells=cells, msisdn=None, problem=member))
        else:
            preview.append(PreviewRow(cells=cells, msisdn=member[0], problem=None))
    return preview, None


def imports_list_qs() -> QuerySet[Import]:
    return Import.objects.select_related("group", "created_by").order_by("-created_at")


