"""Reading a rendered table's rows in tests, with the standard library's HTML parser."""

from html.parser import HTMLParser


class _Rows(HTMLParser):
    def __init__(self, testid: str):
        super().__init__(convert_charrefs=True)
        self.testid, self.depth, self.inside = testid, 0, False
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.titles: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside:
            return
        if tag == "tr":
            self.rows.append([])
            self.titles.append([])
        elif tag in ("td", "th"):
            self.cell = []
        if attrs.get("title") and self.titles:
            self.titles[-1].append(attrs["title"])

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag in ("td", "th") and self.cell is not None:
            text = " ".join("".join(self.cell).split(" ")).strip()
            text = " ".join(part for part in text.replace("\n", " ").split(" ") if part)
            (self.headers if tag == "th" and len(self.rows) == 1 else self.rows[-1]).append(text)
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str | bytes, testid: str) -> tuple[list[str], list[dict[str, str]]]:
    """(headers, rows as {header: text}) of the table with this data-testid."""
    parser = _Rows(testid)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    rows = [dict(zip(parser.headers, row)) for row in parser.rows if row]
    return parser.headers, rows


def table_row(html, testid: str, first_cell: str) -> dict[str, str]:
    headers, rows = table_rows(html, testid)
    for row in rows:
        if row and next(iter(row.values())) == first_cell:
            return row
    raise AssertionError(f"no row starting {first_cell!r} in {testid} ({headers}, {rows})")
