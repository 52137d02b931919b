"""The attribute keys kept per group for the composer's field picker: written with the
members (by hand and by imports), read without reading a member, filled in once for the
members that were there before (migration 0012)."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Group, GroupAttributeKey, Member
from contacts.selectors import group_attribute_keys_get
from contacts.services.groups import group_attribute_keys_add, group_create
from contacts.services.members import member_add, member_update
from tests.contacts.imports.conftest import csv_bytes, import_file

pytestmark = pytest.mark.django_db


def keys(group: Group) -> list[str]:
    return sorted(GroupAttributeKey.objects.filter(group=group).values_list("key", flat=True))


def test_adding_and_editing_members_records_their_attribute_keys():
    group = group_create(name="G")
    member = member_add(group=group, msisdn="500123123", attributes={"city": "Łódź"})
    member_add(group=group, msisdn="500123124", attributes={"city": "Kraków", "code": "A1"})
    assert keys(group) == ["city", "code"]
    member_update(member=member, msisdn="500123123", attributes={"city": "Łódź", "plan": "gold"})
    assert keys(group) == ["city", "code", "plan"]
    member_add(group=group, msisdn="500123125")
    assert keys(group) == ["city", "code", "plan"]


def test_an_import_records_the_attribute_columns_it_mapped(db):
    group = group_create(name="Imported")
    import_file(
        csv_bytes("telefon;imie;miasto;kod", "500 123 123;Anna;Kraków;K1", "600 100 200;Jan;;"),
        group=group,
    )
    assert keys(group) == ["kod", "miasto"]


def test_keys_are_added_once_however_often_they_are_written():
    group = group_create(name="G")
    for _ in range(3):
        group_attribute_keys_add(group_id=group.pk, keys=["b", "a", "a", ""])
    assert keys(group) == ["a", "b"]


def test_the_selector_unites_the_groups_keys_without_reading_members():
    first, second, other = (group_create(name=n) for n in ("A", "B", "C"))
    group_attribute_keys_add(group_id=first.pk, keys=["city", "code"])
    group_attribute_keys_add(group_id=second.pk, keys=["code", "plan"])
    group_attribute_keys_add(group_id=other.pk, keys=["secret"])
    with CaptureQueriesContext(connection) as queries:
        assert group_attribute_keys_get(group_ids=[first.pk, second.pk]) == ["city", "code", "plan"]
    assert len(queries) == 1 and Member._meta.db_table not in queries[0]["sql"]
    assert group_attribute_keys_get(group_ids=[]) == []


class StatementRunner:
    """What keys_backfill uses of a schema editor (SQLite allows no real one inside the
    test's transaction)."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_migration_fills_in_the_keys_members_already_had():
    group, empty = Group.objects.create(name="Old"), Group.objects.create(name="Empty")
    Member.objects.bulk_create([
        Member(group=group, msisdn="48500000001", attributes={"city": "A", "code": "1"}),
        Member(group=group, msisdn="48500000002", attributes={"city": "B", "tier": "x"}),
        Member(group=group, msisdn="48500000003", attributes={}),
        Member(group=empty, msisdn="48500000004"),
    ])
    assert not GroupAttributeKey.objects.exists()  # bulk_create bypasses the services
    migration = importlib.import_module("contacts.migrations.0013_group_attribute_key")
    migration.keys_backfill(None, StatementRunner())
    assert keys(group) == ["city", "code", "tier"] and keys(empty) == []
