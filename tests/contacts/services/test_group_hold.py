"""Members have no foreign-key constraint in the database; locking keeps none orphaned.

Whatever adds members holds the group's row (``group_hold``), and ``group_delete`` locks
it before deleting. The races are played on PostgreSQL with two real connections (a
thread each); SQLite runs one writing transaction at a time, so there is no race to play.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.db.transaction import TransactionManagementError

from contacts.imports import services as import_services
from contacts.imports.services import import_run
from contacts.models import Group, Import, Member
from contacts.services.groups import group_delete, group_hold
from contacts.services.members import member_add
from justsend_panel.core.exceptions import ApplicationError
from tests.contacts.imports.conftest import csv_bytes, import_prepare


def _members_of(group_id: int) -> int:
    """Rows whatever their group: an orphan would not be found through the ORM's join."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Member._meta.db_table} WHERE group_id = %s", [group_id]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_group_hold_needs_a_transaction():
    group = Group.objects.create(name="Customers")
    with pytest.raises(TransactionManagementError):
        group_hold(group_id=group.pk)


def test_group_hold_says_whether_the_group_is_there(db):
    group = Group.objects.create(name="Customers")
    with transaction.atomic():
        assert group_hold(group_id=group.pk) is True
        assert group_hold(group_id=group.pk + 1000) is False


def test_a_member_cannot_be_added_to_a_deleted_group(db):
    group = Group.objects.create(name="Customers")
    stale = Group.objects.get(pk=group.pk)
    group_delete(group=group)
    with pytest.raises(ApplicationError, match="deleted"):
        member_add(group=stale, msisdn="48500100200")
    assert _members_of(stale.pk) == 0


def test_deleting_a_deleted_group_again_does_nothing(db):
    group = Group.objects.create(name="Customers")
    stale = Group.objects.get(pk=group.pk)
    group_delete(group=group)
    group_delete(group=stale)
    assert not Group.objects.filter(pk=stale.pk).exists()


def test_group_delete_deletes_members_without_a_database_cascade(db):
    group = Group.objects.create(name="Customers")
    member_add(group=group, msisdn="48500100200")
    member_add(group=group, msisdn="48500100201")
    group_delete(group=group)
    assert _members_of(group.pk) == 0


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the race needs two concurrent writers; SQLite runs one writing transaction at a"
    " time (make test on PostgreSQL, as .ci/run does first, plays it)",
)


@pytest.fixture
def nothing_queued(monkeypatch):
    """These tests commit: an import queued for real could be run by a worker of another
    test meanwhile. Here the test runs it, in a thread."""
    monkeypatch.setattr(import_services, "_enqueue_run", lambda **kwargs: None)
    monkeypatch.setattr(import_services, "_enqueue_helpers", lambda **kwargs: None)


def _in_thread(target, *args):
    """Run ``target`` on a connection of its own; its exception is re-raised by join()."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()

    def join(timeout=30):
        thread.join(timeout)
        assert not thread.is_alive(), "the other connection never finished"
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    return join


def _waiting_for_a_lock(timeout=10.0) -> bool:
    """True once another backend of this database waits for a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def _delete_while_adding(group, go_on, join_adding):
    """Delete the group from another connection while a transaction adding members holds
    it, then let that transaction commit: the delete must have waited for it and left no
    member behind."""
    join_delete = _in_thread(lambda: group_delete(group=Group.objects.get(pk=group.pk)))
    assert _waiting_for_a_lock(), "the delete did not wait for the members being added"
    go_on.set()
    join_adding()
    join_delete()
    assert not Group.objects.filter(pk=group.pk).exists()
    assert _members_of(group.pk) == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_group_deleted_while_a_batch_is_written_loses_the_batch_members_too(
    settings, tmp_path, monkeypatch, nothing_queued
):
    """The batch has inserted its members and not committed; the delete waits for it and
    then deletes them. Without the hold, the delete's member DELETE would not see the
    uncommitted rows and they would stay, pointing at no group."""
    settings.MEDIA_ROOT = tmp_path / "media"
    group = Group.objects.create(name="Customers")
    job = import_prepare(csv_bytes("phone;name", "48500100200;Anna", "48500100201;Jan"),
                         group=group)
    inserted, go_on = threading.Event(), threading.Event()
    real_upsert = import_services.members_upsert

    def upsert_then_wait(**kwargs):
        result = real_upsert(**kwargs)
        inserted.set()
        assert go_on.wait(30)
        return result

    monkeypatch.setattr(import_services, "members_upsert", upsert_then_wait)
    join_import = _in_thread(lambda: import_run(import_id=job.pk))
    assert inserted.wait(30)
    _delete_while_adding(group, go_on, join_import)
    assert not Import.objects.filter(pk=job.pk).exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_batch_that_waited_for_a_group_delete_adds_nothing(
    settings, tmp_path, monkeypatch, nothing_queued
):
    """The delete holds the group; the batch waits at its hold, finds the group gone and
    writes no member (the batch itself went with the group)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    group = Group.objects.create(name="Customers")
    job = import_prepare(csv_bytes("phone;name", "48500100200;Anna", "48500100201;Jan"),
                         group=group)
    locked, go_on = threading.Event(), threading.Event()

    def delete_slowly():
        with transaction.atomic():
            Group.objects.select_for_update().get(pk=group.pk)
            locked.set()
            assert go_on.wait(30)
            group_delete(group=Group.objects.get(pk=group.pk))

    join_delete = _in_thread(delete_slowly)
    assert locked.wait(30)
    held = []
    real_hold = import_services.group_hold
    monkeypatch.setattr(
        import_services, "group_hold",
        lambda **kwargs: held.append(real_hold(**kwargs)) or held[-1],
    )
    join_import = _in_thread(lambda: import_run(import_id=job.pk))
    assert _waiting_for_a_lock(), "the batch did not wait for the delete"
    go_on.set()
    join_delete()
    join_import()
    assert held == [False]
    assert _members_of(group.pk) == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_group_deleted_while_a_member_is_added_by_hand_loses_that_member_too():
    """The same for one member added on the group page: the delete waits for it."""
    group = Group.objects.create(name="Customers")
    added, go_on = threading.Event(), threading.Event()

    def add_slowly():
        with transaction.atomic():
            member_add(group=Group.objects.get(pk=group.pk), msisdn="48500100200")
            added.set()
            assert go_on.wait(30)

    join_add = _in_thread(add_slowly)
    assert added.wait(30)
    _delete_while_adding(group, go_on, join_add)
