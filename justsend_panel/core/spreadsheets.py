"""CSV downloads that people open in a spreadsheet: one convention for every one of them.

* UTF-8 with a byte order mark: without it Excel reads the file as the system's code page
  and garbles Polish letters.
* The separators of the reader's language, as their Excel expects them when it opens a
  file by double click: Polish ``;`` between cells and a decimal comma (Polish Excel
  takes ``,`` as the decimal separator, so its list separator is ``;``), English ``,``
  and a decimal point. The language is the one the page was asked in.
* Every text cell that a spreadsheet would run as a formula defused (CSV/formula
  injection).
* Streamed: rows are written as they come, a few hundred lines to a chunk.

An export is a generator of rows (lists of cells) handed to :func:`spreadsheet_csv_response`;
its strings may be translated lazily, while the file is streamed: each chunk is made with
the request's language active.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Lines joined into one piece of the response: a million one-line writes cost more than
# the lines themselves.
CHUNK_LINES = 500


@dataclass(frozen=True)
class CsvConvention:
    delimiter: str
    decimal_separator: str


CONVENTIONS = {
    "pl": CsvConvention(delimiter=";", decimal_separator=","),
    "en": CsvConvention(delimiter=",", decimal_separator="."),
}


def csv_convention_for(language: str | None) -> CsvConvention:
    """The convention of a language code ("pl", "pl-PL", "en-gb"); English when unknown."""
    base = (language or settings.LANGUAGE_CODE).lower().split("-")[0]
    return CONVENTIONS.get(base, CONVENTIONS["en"])


def spreadsheet_safe(value: object) -> object:
    """Text that would run as a formula gets a leading apostrophe (shown as text, never
    evaluated); numbers stay numbers (a negative amount is not a formula); None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _number_text(value: float | Decimal, decimal_separator: str) -> str:
    # "f": never an exponent (Decimal("8.4E+2") is 840 to a reader).
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text.replace(".", decimal_separator) if decimal_separator != "." else text


class _Echo:
    """csv.writer wants a file; this one hands back each line it is given."""

    def write(self, line: str) -> str:
        return line


class SpreadsheetLines:
    """A csv.writer whose :meth:`line` returns the row as text, every cell made safe and
    every decimal number written with the convention's decimal separator."""

    def __init__(self, convention: CsvConvention | None = None) -> None:
        self.convention = convention or csv_convention_for(translation.get_language())
        self._writer = csv.writer(_Echo(), delimiter=self.convention.delimiter)

    def cell(self, value: object) -> object:
        if isinstance(value, (float, Decimal)):
            return _number_text(value, self.convention.decimal_separator)
        return spreadsheet_safe(value)

    def line(self, cells: Iterable[object]) -> str:
        # The common cells (plain text, whole numbers) without a call each: a million-row
        # report spends its time here.
        cell, formula = self.cell, FORMULA_STARTS
        return self._writer.writerow([
            value if (value.__class__ is str and not value.startswith(formula))
            or value.__class__ is int else cell(value)
            for value in cells
        ])


def spreadsheet_csv_chunks(
    rows: Iterable[Iterable[object]], *, language: str | None = None,
    chunk_lines: int = CHUNK_LINES,
) -> Iterator[str]:
    """The BOM, then the rows as lines joined in chunks, each made with ``language`` active
    (the streaming server pulls them after the view has returned)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    lines = SpreadsheetLines(csv_convention_for(language))
    line = lines.line
    iterator = iter(rows)
    yield BOM
    while True:
        with translation.override(language):
            chunk = []
            for row in iterator:
                chunk.append(line(row))
                if len(chunk) >= chunk_lines:
                    break
        if not chunk:
            return
        yield "".join(chunk)
        if len(chunk) < chunk_lines:
            return


def spreadsheet_csv_response(
    *, rows: Iterable[Iterable[object]], filename: str, language: str | None = None
) -> StreamingHttpResponse:
    """Every CSV download of the panel: ``rows`` streamed in the convention above."""
    response = StreamingHttpResponse(
        spreadsheet_csv_chunks(rows, language=language), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
