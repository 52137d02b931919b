import csv
import io

import pytest

from contacts.models import Group, Member
from contacts.selectors import (
    _prefix_upper_bound,
    group_members_csv,
    group_members_qs,
    member_search_q,
)
from justsend_panel.core.spreadsheets import spreadsheet_csv_chunks, spreadsheet_safe


@pytest.mark.parametrize("digits, upper", [
    ("48500", "48501"), ("4859", "486"), ("4899", "49"), ("999", None), ("0", "1"),
])
def test_prefix_upper_bound(digits, upper):
    assert _prefix_upper_bound(digits) == upper


@pytest.mark.parametrize("value, safe", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+48 500", "'+48 500"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("Kowalski", "Kowalski"), (None, ""), ("a=b", "a=b"),
])
def test_formula_cells_are_neutralised(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.fixture
def group(db):
    group = Group.objects.create(name="G")
    Member.objects.bulk_create([
        Member(group=group, msisdn="48500123123", name="Jan", surname="Kowalski"),
        Member(group=group, msisdn="48500123999", name="=cmd|' /C calc'!A0", surname="Nowak",
               attributes={"city": "@Łódź", "code": "-1"}),
        Member(group=group, msisdn="4915123456789", name="Hans", surname="Kowal"),
        Member(group=group, msisdn="48600100100", name="Kasia", surname="Zielińska"),
    ])
    return group


def _search(group, term):
    return sorted(group_members_qs(group=group).filter(member_search_q(term)).values_list("msisdn", flat=True))


@pytest.mark.parametrize("term, found", [
    ("500 123 123", ["48500123123"]),  # a whole number, typed locally
    ("+48500123123", ["48500123123"]),
    ("500123", ["48500123123", "48500123999"]),  # the start of a local number
    ("48500", ["48500123123", "48500123999"]),  # the start of a full MSISDN
    ("+49", ["4915123456789"]),
    ("kowal", ["48500123123", "4915123456789"]),  # surname prefix, any case
    ("jan kowal", ["48500123123"]),
    ("zieli", ["48600100100"]),
    ("nobody", []),
])
def test_member_search(group, term, found):
    assert _search(group, term) == found


def test_export_streams_every_member_with_formulas_neutralised(group):
    text = "".join(spreadsheet_csv_chunks(group_members_csv(group=group), language="pl"))
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == ["msisdn", "name", "surname", "address", "city", "code"]
    assert len(rows) == 5
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["48500123999"][1] == "'=cmd|' /C calc'!A0"
    assert by_number["48500123999"][4:] == ["'@Łódź", "'-1"]
    assert by_number["48500123123"][1:3] == ["Jan", "Kowalski"]
