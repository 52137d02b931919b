"""Reading an uploaded CSV file without ever holding it whole.

The format (encoding, delimiter, header row) is guessed from the first 64 KiB. Rows are
then read by byte range: the plan walks the file once and records where every batch
starts, so that a batch, run again after a crash, re-reads only its own part.

Encodings: UTF-8 (with or without BOM) and Windows-1250. A file that is UTF-8 but has
some rows in Windows-1250 (two exports pasted together) is read row by row: such a row is
decoded as Windows-1250 and counted, so the user sees how many were re-read.
"""

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.phones import msisdn_parse_bulk
from justsend_panel.core.exceptions import ApplicationError

SAMPLE_BYTES = 64 * 1024
# A physical line longer than this is no contact row; it is skipped (and reported), never
# read into memory whole.
MAX_LINE_BYTES = 64 * 1024
PREVIEW_ROWS = 10

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
WINDOWS_1250 = "cp1250"
ENCODING_CHOICES = [
    (UTF8, gettext_lazy("UTF-8")),
    (UTF8_BOM, gettext_lazy("UTF-8 with BOM")),
    (WINDOWS_1250, gettext_lazy("Windows-1250")),
]
DELIMITER_CHOICES = [
    (";", gettext_lazy("Semicolon ;")),
    (",", gettext_lazy("Comma ,")),
    ("\t", gettext_lazy("Tab")),
]
DELIMITERS = tuple(value for value, _label in DELIMITER_CHOICES)

# What a line too long to read becomes in the row stream: a marker the readers report.
TOO_LONG_MARKER = "\ufffftoo-long"

# Header words (lower case, without accents) -> the member field they name.
HEADER_FIELDS = {
    "msisdn": "msisdn", "phone": "msisdn", "phone number": "msisdn", "number": "msisdn",
    "mobile": "msisdn", "tel": "msisdn", "telefon": "msisdn", "numer": "msisdn",
    "numer telefonu": "msisdn", "komorka": "msisdn", "nr telefonu": "msisdn",
    "name": "name", "first name": "name", "firstname": "name", "imie": "name",
    "surname": "surname", "last name": "surname", "lastname": "surname",
    "nazwisko": "surname",
    "address": "address", "adres": "address",
}


class CsvFileError(ApplicationError):
    """The file cannot be imported at all; the message says why, for the user."""


@dataclass
class FileFormat:
    encoding: str
    delimiter: str
    has_header: bool
    rows: list[list[str]] = field(default_factory=list)  # the first rows, header included

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.has_header and self.rows else []

    @property
    def data_rows(self) -> list[list[str]]:
        return self.rows[1:] if self.has_header else self.rows

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def header_key(text: str) -> str:
    """`Numer telefonu ` -> `numer telefonu`: lower case, no accents, single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-]+", " ", text).strip().lower()


def _check_binary(sample: bytes) -> None:
    if sample.startswith(b"PK\x03\x04") or sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(
            _("This is a spreadsheet (Excel) file, not CSV. Save it as “CSV (semicolon or "
              "comma separated)” and upload that.")
        )
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvFileError(
            _("The file is in UTF-16. Save it as UTF-8 or Windows-1250 CSV and upload that.")
        )
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if b"\x00" in sample or controls > len(sample) // 100:
        raise CsvFileError(
            _("This looks like a binary file, not a CSV text file. Upload a CSV file.")
        )


def _encoding_detect(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    try:
        # Not final: the sample may end inside a multi-byte character.
        codecs.getincrementaldecoder(UTF8)().decode(sample, final=False)
    except UnicodeDecodeError:
        return WINDOWS_1250
    return UTF8


def _delimiter_detect(lines: list[str]) -> str:
    """The candidate found the same number of times on most lines, the most often."""
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        counts = Counter(line.count(delimiter) for line in lines)
        mode, frequency = counts.most_common(1)[0]
        if mode == 0:
            continue
        score = (frequency / len(lines), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def looks_like_number(cell: str) -> bool:
    return any(ch.isdigit() for ch in cell) and msisdn_parse_bulk(cell).valid


def _header_detect(rows: list[list[str]]) -> bool:
    first, rest = rows[0], rows[1:]
    if any(header_key(cell) in HEADER_FIELDS for cell in first):
        return True
    if any(looks_like_number(cell) for cell in first):
        return False
    # No number in the first row while the others have some: that row names the columns.
    return any(looks_like_number(cell) for row in rest for cell in row) or not rest


def format_detect(
    stream: BinaryIO, *, encoding: str | None = None, delimiter: str | None = None,
    has_header: bool | None = None,
) -> FileFormat:
    """Guess what was not given from the first 64 KiB; raise CsvFileError for a bad file."""
    sample = stream.read(SAMPLE_BYTES)
    if not sample.strip():
        raise CsvFileError(_("The file is empty."))
    _check_binary(sample)
    complete = len(sample) < SAMPLE_BYTES
    if not complete:
        if b"\n" not in sample:
            raise CsvFileError(
                _("The first row is longer than %(size)d KiB: this is not a contacts CSV file.")
                % {"size": MAX_LINE_BYTES // 1024}
            )
        sample = sample[: sample.rindex(b"\n") + 1]  # whole lines only
    encoding = encoding or _encoding_detect(sample)
    text = sample.decode(UTF8 if encoding == UTF8_BOM else encoding, errors="replace")
    text = text.removeprefix("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()][: PREVIEW_ROWS * 5]
    delimiter = delimiter or _delimiter_detect(lines)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                rows.append(row)
            if len(rows) > PREVIEW_ROWS:
                break
    except csv.Error as exc:
        raise CsvFileError(
            _("The start of the file is not readable as CSV (%(error)s).") % {"error": exc}
        ) from exc
    if not rows:
        raise CsvFileError(_("The file has no rows."))
    if has_header is None:
        has_header = _header_detect(rows)
    return FileFormat(encoding=encoding, delimiter=delimiter, has_header=has_header, rows=rows)


class _Lines:
    """The decoded physical lines of a byte range; ``offset`` is where the next one starts.

    csv.reader pulls lines one at a time and never reads ahead, so after it returns a row
    ``offset`` is exactly where the next row begins: a batch boundary.
    """

    def __init__(self, handle: BinaryIO, *, encoding: str, start: int, end: int | None):
        self.handle = handle
        self.encoding = UTF8 if encoding == UTF8_BOM else encoding
        self.start = start
        self.end = end
        self.offset = start
        self.recoded = 0

    def __iter__(self) -> Iterator[str]:
        handle, end = self.handle, self.end
        handle.seek(self.start)
        if self.start == 0:
            bom = handle.read(len(codecs.BOM_UTF8))
            if bom == codecs.BOM_UTF8:
                self.offset = len(bom)
            else:
                handle.seek(0)
        while end is None or self.offset < end:
            line = handle.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest, a MiB at a time
                    line = handle.readline(1 << 20)
                self.offset = handle.tell()
                yield TOO_LONG_MARKER + "\n"
                continue
            self.offset += len(line)
            try:
                yield line.decode(self.encoding)
            except UnicodeDecodeError:
                self.recoded += 1
                yield line.decode(WINDOWS_1250, errors="replace")


@dataclass(frozen=True, slots=True)
class BatchRange:
    number: int
    first_row: int
    last_row: int
    start_offset: int
    end_offset: int
    rows: int


def records_iter(lines: _Lines, *, delimiter: str, first_row: int):
    """(row number, cells or None, problem or None) for every record of ``lines``.

    Row numbers count records from the top of the file, header included, as a
    spreadsheet shows them; blank rows keep their number but come with no cells.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    number = first_row
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, None, _("Row is not readable as CSV (%(error)s).") % {"error": exc}
        else:
            if cells and cells[0].startswith(TOO_LONG_MARKER):
                yield number, None, _("Row is longer than %(size)d KiB; skipped.") % {
                    "size": MAX_LINE_BYTES // 1024
                }
            else:
                yield number, cells, None
        number += 1


def _blank(cells: list[str] | None) -> bool:
    return cells is not None and not any(cell.strip() for cell in cells)


class _Cutter:
    """Cuts a stream of records into batches of ``batch_rows`` non-blank rows."""

    def __init__(self, *, batch_rows: int, start: int):
        self.batch_rows = batch_rows
        self.number, self.rows, self.first_row, self.last_row = 0, 0, None, 0
        self.start = start

    def record(self, row_number: int, blank: bool, end: int) -> BatchRange | None:
        """One record ending at byte ``end``; the batch it completes, if any."""
        if self.first_row is None:
            self.first_row = row_number
        self.last_row = row_number
        if blank:
            return None
        self.rows += 1
        if self.rows < self.batch_rows:
            return None
        return self._cut(end)

    def _cut(self, end: int) -> BatchRange:
        self.number += 1
        batch = BatchRange(
            self.number, self.first_row, self.last_row, self.start, end, self.rows
        )
        self.start, self.rows, self.first_row = end, 0, None
        return batch

    def finish(self, end: int) -> BatchRange | None:
        return self._cut(end) if self.rows else None


PLAN_CHUNK_BYTES = 1 << 20


def _plan_lines_fast(handle: BinaryIO, *, delimiter: str, encoding: str, offset: int,
                     row_number: int, cutter: _Cutter):
    """The plan over whole chunks of plain lines: bytes counted, nothing decoded.

    Yields the batches completed; returns (offset, row number) where it stopped: the end
    of the file (offset None) or a chunk that needs `records_iter` (a quote, a lone CR, a
    NUL, a line too long or unterminated at the end). Every stop is a record boundary,
    since no record before it spans lines.
    """
    sep = delimiter.encode()
    # Lines without a visible character other than the delimiter: maybe blank.
    maybe_blank = re.compile(rb"^(?:[^\n!-~]|" + re.escape(sep) + rb")*$", re.MULTILINE)
    handle.seek(offset)
    while True:
        chunk = handle.read(PLAN_CHUNK_BYTES)
        if not chunk:
            return None, row_number
        cut = chunk.rfind(b"\n") + 1
        chunk = chunk[:cut]
        if not chunk or b'"' in chunk or b"\x00" in chunk or (
            b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n")
        ):
            return offset, row_number
        lines = chunk.split(b"\n")
        lines.pop()  # after the last newline
        if max(map(len, lines)) > MAX_LINE_BYTES:
            return offset, row_number
        blanks = set()
        for match in maybe_blank.finditer(chunk):
            if match.start() == len(chunk):
                continue  # the empty "line" after the last newline
            line = match.group()
            try:
                text = line.decode(encoding)
            except UnicodeDecodeError:
                text = line.decode(WINDOWS_1250, errors="replace")
            if not text.replace(delimiter, "").strip():
                blanks.add(chunk.count(b"\n", 0, match.start()))
        if not blanks and cutter.rows + len(lines) < cutter.batch_rows:
            # No batch ends here: count the lines and move on.
            if cutter.first_row is None:
                cutter.first_row = row_number
            cutter.rows += len(lines)
            cutter.last_row = row_number + len(lines) - 1
            row_number += len(lines)
            offset += len(chunk)
        else:
            for index, line in enumerate(lines):
                offset += len(line) + 1
                batch = cutter.record(row_number, index in blanks, offset)
                row_number += 1
                if batch is not None:
                    yield batch
        handle.seek(offset)


def batches_plan(
    handle: BinaryIO, *, file_format: FileFormat | None = None, encoding: str = UTF8,
    delimiter: str = ",", has_header: bool = True, batch_rows: int,
) -> Iterator[BatchRange]:
    """Walk the whole file once (streamed) and cut it into batches of ``batch_rows`` rows.

    Runs of plain lines (no quotes) are counted in 1 MiB chunks of bytes; from the first
    chunk that needs the csv module to tell where records end, records are read one by
    one. Both give the same batches.
    """
    if file_format is not None:
        encoding, delimiter, has_header = (
            file_format.encoding, file_format.delimiter, file_format.has_header
        )
    encoding = UTF8 if encoding == UTF8_BOM else encoding
    lines = _Lines(handle, encoding=encoding, start=0, end=None)
    records = records_iter(lines, delimiter=delimiter, first_row=1)
    row_number = 1
    if has_header:
        for row_number, cells, _problem in records:
            if not _blank(cells):
                break
        row_number += 1
        start = lines.offset
    else:
        handle.seek(0)
        start = len(codecs.BOM_UTF8) if handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
    cutter = _Cutter(batch_rows=batch_rows, start=start)
    offset, row_number = yield from _plan_lines_fast(
        handle, delimiter=delimiter, encoding=encoding, offset=start, row_number=row_number,
        cutter=cutter,
    )
    if offset is not None:
        lines = _Lines(handle, encoding=encoding, start=offset, end=None)
        for number, cells, _problem in records_iter(
            lines, delimiter=delimiter, first_row=row_number
        ):
            batch = cutter.record(number, _blank(cells), lines.offset)
            if batch is not None:
                yield batch
        offset = lines.offset
    else:
        offset = handle.seek(0, io.SEEK_END)
    last = cutter.finish(offset)
    if last is not None:
        yield last


# A batch range up to this size is read and decoded in one piece.
WHOLE_READ_BYTES = 64 * 1024 * 1024


def batch_text(
    handle: BinaryIO, *, encoding: str, start: int, end: int
) -> io.TextIOBase | None:
    """The batch's range read in one piece, as text lines split exactly as `_Lines` splits
    them (at LF), or None where `batch_records` must read it line by line: a line too long
    to read, a range too large to hold. Decoding is lazy: a line in another encoding
    raises UnicodeDecodeError while reading (`batch_records` then counts it)."""
    if end - start > WHOLE_READ_BYTES:
        return None
    handle.seek(start)
    data = handle.read(end - start)
    if start == 0 and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if len(data) > MAX_LINE_BYTES and max(map(len, data.split(b"\n"))) > MAX_LINE_BYTES:
        return None
    return io.TextIOWrapper(
        io.BytesIO(data), encoding=UTF8 if encoding == UTF8_BOM else encoding, newline="\n"
    )


def batch_records(
    handle: BinaryIO, *, encoding: str, delimiter: str, start: int, end: int, first_row: int
) -> tuple[_Lines, Iterator]:
    """The records of one batch's byte range, and the line source (for its counters)."""
    lines = _Lines(handle, encoding=encoding, start=start, end=end)
    return lines, records_iter(lines, delimiter=delimiter, first_row=first_row)
