"""The batch insert: COPY's text format built in one go, and what the database stores."""

import json

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from contacts.imports.upsert import copy_text, members_upsert
from contacts.models import Group, Member

COPY_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def copy_parse(text: str) -> list[tuple[str, ...]]:
    """PostgreSQL's reading of COPY text (the escapes copy_text may produce), for checking."""
    assert text.endswith("\n")
    rows = []
    for line in text[:-1].split("\n"):
        fields, value, escaped = [], [], False
        for char in line:
            if escaped:
                value.append(COPY_ESCAPES[char])
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == "\t":
                fields.append("".join(value))
                value = []
            else:
                value.append(char)
        fields.append("".join(value))
        rows.append(tuple(fields))
    return rows


cells = st.text(alphabet=st.sampled_from("ab9Łż \\\t\n\r\"'{}:;N"), max_size=6)


@given(st.lists(st.tuples(cells, cells, cells, cells, cells), min_size=1, max_size=20))
def test_copy_text_reads_back_as_the_rows_or_declines(rows):
    text = copy_text(rows)
    if text is None:
        # Declined only for what the fast join cannot express.
        assert any(c in value for row in rows for value in row for c in "\t\n\r")
    else:
        assert copy_parse(text) == rows


def test_copy_text_doubles_backslashes_and_declines_a_tab_in_a_value():
    assert copy_text([("48500100200", "A\\B", "", "", '{"k":"x\\"y"}')]) == (
        '48500100200\tA\\\\B\t\t\t{"k":"x\\\\"y"}\n'
    )
    assert copy_text([("48500100200", "A\tB", "", "", "{}")]) is None
    assert copy_text([]) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Anna\\Maria", "Tab\there", "Two\nlines", "Carriage\rreturn"])
def test_members_upsert_stores_values_that_need_escaping_exactly(name):
    """Both ways of filling the staging table on PostgreSQL (joined, or row by row when a
    value holds a tab or a line break), and SQLite's JSON, store the values as given."""
    group = Group.objects.create(name="Customers")
    attributes = json.dumps({"note": name, "city": "Łódź"}, ensure_ascii=False)
    rows = [
        ("48500100200", name, "Nowak\\", "ul. \"Długa\" 1", attributes),
        ("48500100201", "Jan", "", "", "{}"),
    ]
    result = members_upsert(group_id=group.pk, rows=rows, skip_blacklisted=False,
                            now=timezone.now())
    assert sorted(result.inserted) == ["48500100200", "48500100201"]
    stored = Member.objects.get(group=group, msisdn="48500100200")
    assert (stored.name, stored.surname, stored.address) == (name, "Nowak\\", 'ul. "Długa" 1')
    assert stored.attributes == {"note": name, "city": "Łódź"}
    again = members_upsert(group_id=group.pk, rows=rows, skip_blacklisted=False,
                           now=timezone.now())
    assert again.inserted == []
