"""The CSV convention of core.spreadsheets: separators per language, numbers, chunks, and
the request's language while the file streams."""

from decimal import Decimal

import pytest

from justsend_panel.core.spreadsheets import (
    BOM,
    SpreadsheetLines,
    csv_convention_for,
    spreadsheet_csv_chunks,
)


@pytest.mark.parametrize("language, expected", [
    ("pl", "2026-01-02;-2,5;0,25;12;'-x;;\r\n"),
    ("pl-PL", "2026-01-02;-2,5;0,25;12;'-x;;\r\n"),
    ("en", "2026-01-02,-2.5,0.25,12,'-x,,\r\n"),
    ("de", "2026-01-02,-2.5,0.25,12,'-x,,\r\n"),  # a language the panel has not: English
])
def test_cells_take_the_languages_separators(language, expected):
    lines = SpreadsheetLines(csv_convention_for(language))
    assert lines.line(["2026-01-02", Decimal("-2.5"), 0.25, 12, "-x", None, ""]) == expected


def test_a_decimal_never_comes_out_with_an_exponent():
    assert SpreadsheetLines(csv_convention_for("en")).line([Decimal("8.4E+2")]) == "840\r\n"


def test_rows_are_streamed_in_chunks_after_the_bom():
    rows = ([n, "ą"] for n in range(1001))
    chunks = list(spreadsheet_csv_chunks(rows, language="pl", chunk_lines=500))
    assert chunks[0] == BOM
    assert [chunk.count("\r\n") for chunk in chunks[1:]] == [500, 500, 1]
    assert chunks[-1] == "1000;ą\r\n"


def test_strings_translated_while_streaming_use_the_requests_language():
    from django.utils.translation import gettext

    def rows():
        yield [gettext("Polish")]

    assert "".join(spreadsheet_csv_chunks(rows(), language="pl")) == BOM + "Polski\r\n"
