"""Migrations 0014 and 0015: ``Group.justsend_id`` becomes ``remote_id`` with its values and
stays unique under a constraint named after it; a group delete waiting in the outbox keeps
the group's id under the payload's new key, so it is still pushed."""

import pytest
from django.db import IntegrityError, transaction

from tests.fixtures.migrations import column_indexes


def test_a_groups_justsend_id_is_found_in_remote_id_and_a_waiting_delete_keeps_it(
        migration_step):
    step = migration_step("contacts", "0014_group_remote_id",
                          "0015_syncoperation_payload_remote_id")
    before = step.before()
    Group = before.get_model("contacts", "Group")
    SyncOperation = before.get_model("contacts", "SyncOperation")
    pushed = Group.objects.create(name="VIP", justsend_id=77)
    local = Group.objects.create(name="Local only")
    delete = SyncOperation.objects.create(kind="group_delete",
                                          payload={"justsend_id": 78, "name": "Gone"})
    members = SyncOperation.objects.create(kind="members_add", group=pushed,
                                           payload={"msisdns": ["48500123123"]})

    after = step.after()
    Group = after.get_model("contacts", "Group")
    SyncOperation = after.get_model("contacts", "SyncOperation")

    assert dict(Group.objects.values_list("pk", "remote_id")) == {pushed.pk: 77, local.pk: None}
    assert SyncOperation.objects.get(pk=delete.pk).payload == {"remote_id": 78, "name": "Gone"}
    assert SyncOperation.objects.get(pk=members.pk).payload == {"msisdns": ["48500123123"]}
    indexes = column_indexes("contacts_group", "remote_id")
    assert any(info["unique"] for info in indexes.values()), indexes
    assert not any("justsend_id" in name for name in indexes), indexes
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.create(name="Twin", remote_id=77)


def test_migrating_back_gives_the_payload_its_old_key(migration_step):
    step = migration_step("contacts", "0014_group_remote_id",
                          "0015_syncoperation_payload_remote_id")
    SyncOperation = step.after().get_model("contacts", "SyncOperation")
    delete = SyncOperation.objects.create(kind="group_delete",
                                          payload={"remote_id": 78, "name": "Gone"})

    SyncOperation = step.before().get_model("contacts", "SyncOperation")

    assert SyncOperation.objects.get(pk=delete.pk).payload == {"justsend_id": 78, "name": "Gone"}
