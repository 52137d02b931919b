"""CSV downloads that people open in a spreadsheet: streamed a line at a time, with every
cell that a spreadsheet would run as a formula defused (CSV/formula injection)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that would run as a formula gets a leading apostrophe (shown as text, never
    evaluated); numbers stay numbers (a negative amount is not a formula); None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """csv.writer wants a file; this one hands back each line it is given."""

    def write(self, line: str) -> str:
        return line


class SpreadsheetLines:
    """A csv.writer whose :meth:`line` returns the row as text, every cell made safe."""

    def __init__(self, **fmtparams) -> None:
        self._writer = csv.writer(_Echo(), **fmtparams)

    def line(self, cells: Iterable[object]) -> str:
        return self._writer.writerow([spreadsheet_safe(cell) for cell in cells])
