"""Reads of imports: progress (the sum of the batches), previews, invalid rows."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from contacts.imports.csvfile import FileFormat
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


def import_errors_iter(*, job: Import) -> Iterator[list]:
    """[row, value, reason] of every invalid row, one batch in memory at a time."""
    batches = (
        ImportBatch.objects.filter(import_job=job, invalid__gt=0)
        .order_by("number")
        .values_list("errors", flat=True)
    )
    for errors in batches.iterator(chunk_size=1):
        yield from errors


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


