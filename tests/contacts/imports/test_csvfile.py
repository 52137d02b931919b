"""Format detection from a sample, and rows streamed by byte range."""

import io
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacts.imports import csvfile
from contacts.imports.csvfile import (
    MAX_LINE_BYTES,
    CsvFileError,
    _Lines,
    batch_records,
    batches_plan,
    format_detect,
    records_iter,
)
from tests.contacts.imports.conftest import csv_bytes


def detect(content: bytes):
    return format_detect(io.BytesIO(content))


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_detected(delimiter):
    content = csv_bytes(
        delimiter.join(["telefon", "imie", "nazwisko"]),
        delimiter.join(["500 123 123", "Anna", "Nowak, Jr."]),
        delimiter.join(["600 100 200", "Jan", "Kowalski"]),
    )
    file_format = detect(content)
    assert file_format.delimiter == delimiter
    assert file_format.has_header is True
    assert file_format.header == ["telefon", "imie", "nazwisko"]
    assert file_format.data_rows[0][0] == "500 123 123"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        ("numer;nazwisko\n500123123;Wiśniewska\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "numer;nazwisko\n500123123;Wiśniewska\n".encode(), "utf-8-sig"),
        ("numer;nazwisko\n500123123;Wiśniewska\n".encode("cp1250"), "cp1250"),
    ],
)
def test_encoding_is_detected_and_text_decoded(encoded, encoding):
    file_format = detect(encoded)
    assert file_format.encoding == encoding
    assert file_format.header == ["numer", "nazwisko"]  # no BOM left in the first cell
    assert file_format.data_rows == [["500123123", "Wiśniewska"]]


def test_a_file_without_header_is_recognised():
    file_format = detect(csv_bytes("500 123 123;Anna", "600 100 200;Jan"))
    assert file_format.has_header is False
    assert len(file_format.data_rows) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"PK\x03\x04" + b"\x00" * 100, "Excel"),
        ("numer;imie\n".encode("utf-16"), "UTF-16"),
        (b"5" * (MAX_LINE_BYTES + 10), "longer than"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(content, message):
    with pytest.raises(CsvFileError) as raised:
        detect(content)
    assert message in raised.value.message


def _records(content: bytes, **plan):
    handle = io.BytesIO(content)
    ranges = list(batches_plan(handle, **plan))
    rows = []
    for r in ranges:
        _lines, records = batch_records(
            handle, encoding=plan.get("encoding", "utf-8"), delimiter=plan.get("delimiter", ";"),
            start=r.start_offset, end=r.end_offset, first_row=r.first_row,
        )
        rows.append(list(records))
    return ranges, rows


def test_plan_cuts_batches_that_read_back_exactly_their_rows():
    lines = ["telefon;imie"] + [f"5001231{i:02d};Name {i}" for i in range(25)]
    # A quoted field with a line break and a blank line must not shift anything.
    lines[5] = '500123104;"two\nlines"'
    lines.insert(9, "")
    content = csv_bytes(*lines)
    ranges, batches = _records(content, delimiter=";", has_header=True, batch_rows=10)
    assert [r.rows for r in ranges] == [10, 10, 5]
    assert ranges[0].first_row == 2  # the header is row 1, as in a spreadsheet
    cells = [cells for batch in batches for _n, cells, _p in batch if cells]
    assert [c[0] for c in cells] == [f"5001231{i:02d}" for i in range(25)]
    assert ["500123104", "two\nlines"] in cells
    numbers = [n for batch in batches for n, _c, _p in batch]
    assert numbers == list(range(2, 2 + len(numbers)))  # no gap, no overlap
    assert ranges[-1].end_offset == len(content)


def test_a_10_mb_line_is_skipped_and_reported_without_reading_it_whole():
    content = (
        b"telefon;imie\n500123123;Anna\n" + b"x" * (10 * 1024 * 1024) + b"\n600100200;Jan\n"
    )
    ranges, batches = _records(content, delimiter=";", has_header=True, batch_rows=100)
    records = batches[0]
    assert [(n, c) for n, c, _p in records if c] == [(2, ["500123123", "Anna"]),
                                                   (4, ["600100200", "Jan"])]
    (number, cells, problem), = [r for r in records if r[2]]
    assert number == 3 and cells is None and "longer than 64 KiB" in problem


def test_rows_in_another_encoding_are_read_as_windows_1250_and_counted():
    content = "telefon;imie\n500123123;Łucja\n".encode() + "600100200;Żaneta\n".encode("cp1250")
    handle = io.BytesIO(content)
    (batch,) = batches_plan(handle, encoding="utf-8", delimiter=";", batch_rows=10)
    lines, records = batch_records(
        handle, encoding="utf-8", delimiter=";", start=batch.start_offset,
        end=batch.end_offset, first_row=batch.first_row,
    )
    assert [c for _n, c, _p in records] == [["500123123", "Łucja"], ["600100200", "Żaneta"]]
    assert lines.recoded == 1


def _plan_reference(content: bytes, *, delimiter: str, has_header: bool, batch_rows: int):
    """The plan record by record (the csv module says where each ends), to compare with."""
    lines = _Lines(io.BytesIO(content), encoding="utf-8", start=0, end=None)
    records = records_iter(lines, delimiter=delimiter, first_row=1)
    start = 0
    if has_header:
        for _n, cells, _p in records:
            if not (cells is not None and not any(c.strip() for c in cells)):
                break
        start = lines.offset
    ranges, rows, first_row, last_row = [], 0, None, 0
    for row_number, cells, _p in records:
        first_row = row_number if first_row is None else first_row
        last_row = row_number
        if cells is not None and not any(c.strip() for c in cells):
            continue
        rows += 1
        if rows == batch_rows:
            ranges.append((first_row, last_row, start, lines.offset, rows))
            start, rows, first_row = lines.offset, 0, None
    if rows:
        ranges.append((first_row, last_row, start, lines.offset, rows))
    return ranges


LINE_PARTS = ["500123123", "Anna", "", " ", "\u00a0", ";", ";;", '"a;\nb"', "x\ry", "Łucja"]


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.lists(st.sampled_from(LINE_PARTS), max_size=3).map("".join), max_size=40),
    newline=st.sampled_from(["\n", "\r\n"]), final_newline=st.booleans(),
    has_header=st.booleans(), batch_rows=st.integers(1, 7),
    chunk=st.sampled_from([16, 64, 1 << 20]),
)
def test_the_byte_counting_plan_cuts_as_the_csv_reader_does(
    lines, newline, final_newline, has_header, batch_rows, chunk
):
    """Chunks of plain lines are counted as bytes; quotes, CRs, blank or odd lines and
    chunk edges must not move a batch boundary by one byte or one row number."""
    content = (newline.join(lines) + (newline if final_newline else "")).encode()
    with mock.patch.object(csvfile, "PLAN_CHUNK_BYTES", chunk):
        plan = list(batches_plan(io.BytesIO(content), delimiter=";", has_header=has_header,
                                 batch_rows=batch_rows))
    expected = _plan_reference(content, delimiter=";", has_header=has_header,
                               batch_rows=batch_rows)
    assert [(r.first_row, r.last_row, r.start_offset, r.end_offset, r.rows) for r in plan] == (
        expected
    )
