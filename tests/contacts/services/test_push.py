"""Pushing the outbox to the sandbox over real HTTP: order, chunks, faults, retries."""

import pytest

from contacts.models import BlacklistEntry, Group, Member, SyncOperation, SyncState
from contacts.services.blacklist import blacklist_entries_remove, blacklist_numbers_add
from contacts.services.groups import group_create, group_delete, group_update
from contacts.services.members import member_add, member_update, members_delete
from contacts.services.outbox import sync_operation_add
from contacts.services.push import PUSH_CHUNK, group_sync_retry, sync_push_pending
from justsend_panel.sms.exceptions import SmsServerError
from tests.contacts.conftest import remote_blacklist, remote_groups, remote_members

pytestmark = pytest.mark.django_db
State = SyncOperation.State


def _states():
    return list(SyncOperation.objects.order_by("pk").values_list("kind", "state"))


def test_group_create_records_the_remote_id_and_members_follow(panel_sandbox, remote):
    group = group_create(name="VIP", group_type=Group.Type.LOCAL)
    member_add(group=group, msisdn="500 123 123", name="Jan", surname="Kowalski")
    assert Group.objects.get(pk=group.pk).sync_state == SyncState.PENDING

    summary = sync_push_pending()

    group.refresh_from_db()
    assert summary.done == 2 and summary.failed == 0
    assert group.sync_state == SyncState.SYNCED and group.synced_at is not None
    [remote_group] = remote_groups(remote)
    assert remote_group["id"] == group.remote_id and remote_group["name"] == "VIP"
    member = remote_members(remote, group.remote_id)["48500123123"]
    assert (member["name"], member["surname"]) == ("Jan", "Kowalski")


def test_a_local_group_with_only_a_name_is_sent_with_country_poland(panel_sandbox, remote):
    # Justsend refuses POST /groups without a country (manual 4.9); the default form leaves
    # a LOCAL group's country empty.
    group = group_create(name="Only a name")
    assert (group.group_type, group.country) == (Group.Type.LOCAL, "")

    sync_push_pending()

    group.refresh_from_db()
    assert group.sync_state == SyncState.SYNCED, group.sync_error
    [logged] = panel_sandbox.requests(path="/api/groups")
    assert (logged["status"], logged["json"]["groupType"], logged["json"]["country"]) == (201, "LOCAL", "POLAND")
    group_update(group=group, name="Renamed", group_type=Group.Type.LOCAL, country="")
    sync_push_pending()
    assert panel_sandbox.requests(path="/api/groups")[-1]["json"]["country"] == "POLAND"


def test_member_operations_wait_until_the_group_has_its_remote_id(panel_sandbox):
    group = group_create(name="Later")
    member_add(group=group, msisdn="+48 600 100 200")
    # The create failed for good: the members must not be pushed to no group.
    SyncOperation.objects.filter(kind=SyncOperation.Kind.GROUP_CREATE).update(state=State.FAILED)

    sync_push_pending()

    assert SyncOperation.objects.get(kind=SyncOperation.Kind.MEMBERS_ADD).state == State.PENDING
    assert not panel_sandbox.requests(path="/api/group-members")


def test_many_members_go_in_batch_add_chunks_with_their_names(pushed_group, panel_sandbox, remote):
    numbers = [f"48500{n:06d}" for n in range(PUSH_CHUNK + 5)]
    Member.objects.bulk_create(
        [Member(group=pushed_group, msisdn=n, name="Ala" if i == 3 else "") for i, n in enumerate(numbers)]
    )
    sync_operation_add(kind=SyncOperation.Kind.MEMBERS_ADD, group=pushed_group, payload={"msisdns": numbers})

    sync_push_pending()

    calls = panel_sandbox.requests(path="/api/group-members/batch-add")
    assert [len(call["json"]) for call in calls] == [PUSH_CHUNK, 5]
    members = remote_members(remote, pushed_group.remote_id)
    assert len(members) == len(numbers)
    assert members[numbers[3]]["name"] == "Ala"
    operation = SyncOperation.objects.get(kind=SyncOperation.Kind.MEMBERS_ADD)
    assert (operation.state, operation.items_done) == (State.DONE, len(numbers))


def test_update_and_delete_of_members_reach_justsend(pushed_group, remote):
    kept = member_add(group=pushed_group, msisdn="500100100", name="Old")
    gone = member_add(group=pushed_group, msisdn="500100101")
    sync_push_pending()

    member_update(member=kept, msisdn="500100109", name="New")
    members_delete(group=pushed_group, member_ids=[gone.pk])
    sync_push_pending()

    members = remote_members(remote, pushed_group.remote_id)
    assert set(members) == {"48500100109"}
    assert members["48500100109"]["name"] == "New"
    assert Group.objects.get(pk=pushed_group.pk).member_count == 1


def test_removing_a_number_justsend_never_had_still_removes_the_others(pushed_group, remote):
    a = member_add(group=pushed_group, msisdn="500100200")
    b = member_add(group=pushed_group, msisdn="500100201")
    sync_push_pending()
    # Someone removed b in Justsend's own panel; the panel does not know.
    remote.request("DELETE", "group-members", params={"groupId": pushed_group.remote_id},
                   json=["48500100201"]).raise_for_status()

    members_delete(group=pushed_group, member_ids=[a.pk, b.pk])
    sync_push_pending()

    assert remote_members(remote, pushed_group.remote_id) == {}
    assert not SyncOperation.objects.exclude(state=State.DONE).exists()


def test_group_update_and_delete(pushed_group, remote):
    group_update(group=pushed_group, name="Renamed", group_type=Group.Type.INTERNATIONAL, country="GERMANY")
    sync_push_pending()
    [remote_group] = remote_groups(remote)
    assert (remote_group["name"], remote_group["groupType"], remote_group["country"]) == (
        "Renamed", "INTERNATIONAL", "GERMANY")

    group_delete(group=Group.objects.get(pk=pushed_group.pk))
    sync_push_pending()
    assert remote_groups(remote) == []


def test_blacklist_is_pushed_per_country_and_removed(panel_sandbox, remote):
    result = blacklist_numbers_add(text="500 123 123\n+49 1512 3456789\n+420 601 123 456")
    sync_push_pending()

    assert remote_blacklist(remote) == {
        ("48500123123", "POLAND"), ("4915123456789", "GERMANY"), ("420601123456", "CZECHIA"),
    }
    assert set(BlacklistEntry.objects.values_list("sync_state", flat=True)) == {SyncState.SYNCED}
    assert len(result.added) == 3

    blacklist_entries_remove(entry_ids=list(BlacklistEntry.objects.filter(country="GERMANY").values_list("pk", flat=True)))
    sync_push_pending()
    assert ("4915123456789", "GERMANY") not in remote_blacklist(remote)


def test_outage_keeps_local_edits_and_pushes_them_once_when_justsend_is_back(panel_sandbox, remote):
    panel_sandbox.set_faults(rate_500=1.0)
    group = group_create(name="Outage")
    member_add(group=group, msisdn="500200300")
    blacklist_numbers_add(text="500200301")

    with pytest.raises(SmsServerError):
        sync_push_pending()

    group.refresh_from_db()
    assert group.sync_state == SyncState.PENDING
    create = SyncOperation.objects.get(kind=SyncOperation.Kind.GROUP_CREATE)
    assert (create.state, create.attempts) == (State.PENDING, 1)
    assert create.last_error and group.sync_error == create.last_error  # the reason is shown
    assert Member.objects.filter(group=group).count() == 1  # nothing local was lost

    # Still down at the next retry: still nothing lost, nothing doubled.
    with pytest.raises(SmsServerError):
        sync_push_pending()

    panel_sandbox.set_faults(rate_500=0)
    sync_push_pending()

    group.refresh_from_db()
    assert group.sync_state == SyncState.SYNCED and group.sync_error == ""
    assert [g["name"] for g in remote_groups(remote)] == ["Outage"]
    assert list(remote_members(remote, group.remote_id)) == ["48500200300"]
    assert remote_blacklist(remote) == {("48500200301", "POLAND")}
    assert {state for _, state in _states()} == {State.DONE}
    created = [r for r in panel_sandbox.requests(path="/api/groups") if r["method"] == "POST"]
    # (The second attempt first looks for a group the first may have made: that GET failed.)
    assert [r["status"] for r in created] == [500, 201]  # a create is not retried in place


def test_a_create_whose_answer_was_lost_is_adopted_not_duplicated(panel_sandbox, remote):
    group = group_create(name="Lost answer")
    # Justsend created the group but the worker died before recording the id.
    remote.post("groups", json={"name": "Lost answer", "groupType": "LOCAL", "country": "POLAND"}).raise_for_status()
    SyncOperation.objects.filter(kind=SyncOperation.Kind.GROUP_CREATE).update(attempts=1)

    sync_push_pending()

    group.refresh_from_db()
    [remote_group] = remote_groups(remote)
    assert group.remote_id == remote_group["id"]


def test_a_rejected_push_fails_with_justsends_message_and_retry_sends_it_again(pushed_group, remote):
    # The sandbox refuses a whole batch when one number is malformed (400).
    sync_operation_add(kind=SyncOperation.Kind.MEMBERS_ADD, group=pushed_group,
                       payload={"msisdns": ["48500300300", "12"]})
    member_add(group=pushed_group, msisdn="500300301")

    summary = sync_push_pending()

    assert summary.failed == 1 and summary.done == 1  # the later push was not blocked
    group = Group.objects.get(pk=pushed_group.pk)
    assert group.sync_state == SyncState.ERROR
    assert "Invalid" in group.sync_error
    failed = SyncOperation.objects.get(state=State.FAILED)
    assert "Invalid" in failed.last_error

    failed.payload = {"msisdns": ["48500300300"]}  # (fixed by hand, as an admin could)
    failed.save()
    group_sync_retry(group=group)
    sync_push_pending()

    group.refresh_from_db()
    assert group.sync_state == SyncState.SYNCED
    assert set(remote_members(remote, group.remote_id)) == {"48500300300", "48500300301"}


def test_a_group_deleted_in_justsend_is_marked_and_retry_recreates_it_with_members(pushed_group, remote):
    member_add(group=pushed_group, msisdn="500400400")
    sync_push_pending()
    remote.delete(f"groups/{pushed_group.remote_id}").raise_for_status()

    group_update(group=pushed_group, name="Still here", group_type="LOCAL", country="")
    sync_push_pending()

    group = Group.objects.get(pk=pushed_group.pk)
    assert group.sync_state == SyncState.ERROR and group.remote_id is None
    assert "no longer exists" in group.sync_error

    group_sync_retry(group=group)
    sync_push_pending()

    group.refresh_from_db()
    assert group.sync_state == SyncState.SYNCED
    [remote_group] = remote_groups(remote)
    assert remote_group["name"] == "Still here"
    assert set(remote_members(remote, group.remote_id)) == {"48500400400"}
