"""Pull from Justsend against the sandbox: import, reconcile, and never duplicate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import BlacklistEntry, BlacklistEvent, Group, Member, SyncOperation, SyncState
from contacts.services.groups import group_delete
from contacts.services.members import member_add
from contacts.services.pull import justsend_pull_request, justsend_pull_run, pulls_resume
from contacts.services.push import sync_push_pending
from tests.contacts.conftest import remote_blacklist, remote_members

pytestmark = pytest.mark.django_db


def _made_in_justsend(remote, name: str, msisdns: list[str]) -> int:
    group_id = remote.post("groups", json={"name": name, "groupType": "LOCAL", "country": "POLAND"}).json()["id"]
    remote.post("group-members/batch-add", params={"groupId": group_id}, json=msisdns).raise_for_status()
    return group_id


def _pull(full: bool = True) -> SyncOperation:
    operation = justsend_pull_request(full=full)
    return justsend_pull_run(operation_id=operation.pk)


def test_pull_imports_groups_members_and_blacklist_made_in_justsend(panel_sandbox, remote):
    group_id = _made_in_justsend(remote, "From Justsend", ["48500000001", "48500000002"])
    remote.put("group-members", json=[{
        "currentMemberData": {"msisdn": "48500000001", "groupId": group_id},
        "newMemberData": {"msisdn": "48500000001", "groupId": group_id, "name": "Ewa"},
    }]).raise_for_status()
    remote.post("blacklist/add", params={"country": "GERMANY"}, json=["4915123456789"]).raise_for_status()

    operation = _pull()

    assert operation.state == SyncOperation.State.DONE
    assert operation.items_done == operation.items_total == 2  # one group + the blacklist
    group = Group.objects.get(remote_id=group_id)
    assert (group.name, group.sync_state, group.member_count) == ("From Justsend", SyncState.SYNCED, 2)
    assert dict(Member.objects.filter(group=group).values_list("msisdn", "name")) == {
        "48500000001": "Ewa", "48500000002": ""}
    entry = BlacklistEntry.objects.get()
    assert (entry.msisdn, entry.country, entry.reason) == ("4915123456789", "GERMANY", "pulled")
    event = BlacklistEvent.objects.get()  # who, when, why: the pull, no user
    assert (event.msisdn, event.action, event.source, event.user) == (
        "4915123456789", "added", "pulled", None)
    assert operation.payload["counts"]["members_new"] == 2
    # Nothing pulled is pushed back.
    assert not SyncOperation.objects.exclude(kind=SyncOperation.Kind.PULL).exists()


def test_pulling_twice_changes_nothing_the_second_time(panel_sandbox, remote):
    _made_in_justsend(remote, "Twice", ["48500000011", "48500000012"])
    remote.post("blacklist/add", params={"country": "POLAND"}, json=["48500000013"]).raise_for_status()

    _pull()
    second = _pull()

    assert Group.objects.count() == 1
    assert Member.objects.count() == 2 and Group.objects.get().member_count == 2
    assert BlacklistEntry.objects.count() == BlacklistEvent.objects.count() == 1
    assert set(second.payload["counts"].values()) == {0}


def test_changes_made_in_justsend_are_taken_over_and_local_only_members_pushed_again(
    pushed_group, panel_sandbox, remote
):
    member_add(group=pushed_group, msisdn="500000021", name="Local")
    sync_push_pending()
    remote.put("groups", json={"id": pushed_group.remote_id, "name": "Renamed there"}).raise_for_status()
    remote.put("group-members", json=[{
        "currentMemberData": {"msisdn": "48500000021", "groupId": pushed_group.remote_id},
        "newMemberData": {"msisdn": "48500000021", "groupId": pushed_group.remote_id, "name": "Changed"},
    }]).raise_for_status()
    # A member the panel has but Justsend lost (nothing is waiting to push it).
    Member.objects.create(group=pushed_group, msisdn="48500000022")

    _pull()

    group = Group.objects.get(pk=pushed_group.pk)
    assert group.name == "Renamed there"
    assert Member.objects.get(msisdn="48500000021").name == "Changed"
    sync_push_pending()
    assert set(remote_members(remote, group.remote_id)) == {"48500000021", "48500000022"}


def test_a_group_with_changes_waiting_keeps_the_local_version(pushed_group, remote):
    remote.put("groups", json={"id": pushed_group.remote_id, "name": "Theirs"}).raise_for_status()
    member_add(group=pushed_group, msisdn="500000031")  # waiting to be pushed

    _pull()

    assert Group.objects.get(pk=pushed_group.pk).name == "Customers"


def test_a_group_deleted_in_justsend_is_marked_not_dropped(pushed_group, remote):
    member_add(group=pushed_group, msisdn="500000041")
    sync_push_pending()
    remote.delete(f"groups/{pushed_group.remote_id}").raise_for_status()

    operation = _pull()

    group = Group.objects.get(pk=pushed_group.pk)
    assert group.sync_state == SyncState.ERROR and group.remote_id is None
    assert Member.objects.filter(group=group).count() == 1
    assert operation.payload["counts"]["groups_missing"] == 1


def test_the_hourly_pull_skips_member_lists_whose_counts_match(pushed_group, panel_sandbox, remote):
    member_add(group=pushed_group, msisdn="500000051")
    sync_push_pending()

    justsend_pull_run(full=False)  # as beat runs it

    assert not panel_sandbox.requests(path=f"/api/group-members/{pushed_group.remote_id}")


def test_local_blacklist_entries_missing_in_justsend_are_pushed_again(panel_sandbox, remote):
    BlacklistEntry.objects.create(msisdn="48500000061", sync_state=SyncState.SYNCED,
                                  synced_at="2020-01-01T00:00:00Z")
    _pull()
    sync_push_pending()
    assert remote_blacklist(remote) == {("48500000061", "POLAND")}


def test_a_pull_during_an_outage_stays_pending_for_a_retry(panel_sandbox):
    panel_sandbox.set_faults(rate_500=1.0)
    operation = justsend_pull_request()
    with pytest.raises(Exception) as caught:
        justsend_pull_run(operation_id=operation.pk)
    assert type(caught.value).__name__ == "SmsServerError"
    operation.refresh_from_db()
    assert operation.state == SyncOperation.State.PENDING and operation.last_error
    # Held for its backoff: neither the sweep nor a second delivery starts it meanwhile.
    assert timezone.now() < operation.lease_expires_at <= timezone.now() + timedelta(seconds=2)
    assert operation.payload["failures"] == 1
    assert pulls_resume() == []
    assert justsend_pull_run(operation_id=operation.pk) is None

    SyncOperation.objects.filter(pk=operation.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)  # the backoff has passed
    )
    assert pulls_resume() == [operation.pk]
    panel_sandbox.set_faults(rate_500=0)
    assert justsend_pull_run(operation_id=operation.pk).state == SyncOperation.State.DONE


def _remote_group_ids(remote) -> set[int]:
    page = remote.get("groups/batch", params={"page": 0, "size": 100}).json()
    return {group["id"] for group in page["content"]}


def test_a_group_deleted_here_is_not_pulled_back_before_its_delete_reaches_justsend(
    pushed_group, remote
):
    """Justsend still lists the group until the delete is pushed (a moment, or an outage
    long); a pull meanwhile must not bring it back with its members."""
    remote_id = pushed_group.remote_id
    member_add(group=pushed_group, msisdn="48500000031")
    sync_push_pending()
    group_delete(group=pushed_group)
    assert remote_id in _remote_group_ids(remote)  # the delete is not pushed yet

    operation = _pull()

    assert operation.state == SyncOperation.State.DONE
    assert not Group.objects.filter(remote_id=remote_id).exists()
    assert not Member.objects.filter(msisdn="48500000031").exists()
    sync_push_pending()
    assert remote_id not in _remote_group_ids(remote)
    _pull()
    assert not Group.objects.exists()
