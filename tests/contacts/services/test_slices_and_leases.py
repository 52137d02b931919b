"""Push and pull run in bounded slices that keep their progress, under leases that the
sweeps take over when a worker dies (and only then)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import tasks
from contacts.models import Member, SyncOperation
from contacts.services import pull as pull_service
from contacts.services.outbox import sync_operation_add
from contacts.services.pull import justsend_pull_request, justsend_pull_run, pulls_resume
from contacts.services.push import PUSH_CHUNK, sync_push_pending
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS

pytestmark = pytest.mark.django_db
State, Kind = SyncOperation.State, SyncOperation.Kind


def _members_add(group, count: int) -> SyncOperation:
    numbers = [f"48501{n:06d}" for n in range(count)]
    return sync_operation_add(kind=Kind.MEMBERS_ADD, group=group, payload={"msisdns": numbers})


# --- push -----------------------------------------------------------------------------------


def test_a_push_slice_stops_after_its_budget_and_keeps_its_progress(pushed_group, panel_sandbox):
    operation = _members_add(pushed_group, 2 * PUSH_CHUNK + 5)

    summary = sync_push_pending(budget=0)  # the budget is spent after the first chunk

    operation.refresh_from_db()
    assert summary.more is True
    assert (operation.state, operation.items_done) == (State.PENDING, PUSH_CHUNK)
    assert (operation.lease_token, operation.lease_expires_at) == ("", None)

    sync_push_pending(budget=0)  # the next slice continues at the second chunk
    operation.refresh_from_db()
    assert operation.items_done == 2 * PUSH_CHUNK

    assert sync_push_pending().more is False
    operation.refresh_from_db()
    assert operation.state == State.DONE
    calls = panel_sandbox.requests(path="/api/group-members/batch-add")
    assert [len(call["json"]) for call in calls] == [PUSH_CHUNK, PUSH_CHUNK, 5]


def test_a_transient_error_is_retried_within_the_slice_from_the_progress_kept(
        pushed_group, panel_sandbox, monkeypatch):
    """Under 30 % 429 + 10 % 500 a 20,000-number push ended each slice at its first error
    and waited for the task's growing backoff: 62 slices, past the fault suite's bound."""
    from justsend_panel.sms import retrying
    from justsend_panel.sms.exceptions import SmsServerError
    from justsend_panel.sms.justsend.client import JustsendClient

    operation = _members_add(pushed_group, 2 * PUSH_CHUNK)
    real = JustsendClient.batch_add_group_members
    calls = []

    def second_chunk_fails_once(self, **kwargs):
        calls.append(len(kwargs["msisdns"]))
        if len(calls) == 2:
            raise SmsServerError(status=500, message="boom")
        return real(self, **kwargs)

    monkeypatch.setattr(JustsendClient, "batch_add_group_members", second_chunk_fails_once)
    monkeypatch.setattr(retrying, "_sleep", lambda seconds: None)

    summary = sync_push_pending(budget=60)

    operation.refresh_from_db()
    assert (summary.more, operation.state, operation.items_done) == (
        False, State.DONE, 2 * PUSH_CHUNK)
    assert calls == [PUSH_CHUNK, PUSH_CHUNK, PUSH_CHUNK]  # the first chunk is not sent again


def test_the_push_task_queues_the_next_slice_when_work_is_left(pushed_group, panel_sandbox,
                                                              settings, monkeypatch):
    settings.SYNC_SLICE_SECONDS = 0
    requested = []
    monkeypatch.setattr(tasks, "sync_push_request", lambda: requested.append(True))
    _members_add(pushed_group, PUSH_CHUNK + 1)

    tasks.sync_push_task.run()

    assert requested == [True]
    tasks.sync_push_task.run()  # the last chunk: nothing left to queue
    assert requested == [True]


def _running(operation: SyncOperation, *, lease_in: timedelta, touched_ago: timedelta) -> None:
    now = timezone.now()
    SyncOperation.objects.filter(pk=operation.pk).update(
        state=State.RUNNING, lease_token="dead-worker", lease_expires_at=now + lease_in,
        updated_at=now - touched_ago,
    )


def test_a_push_whose_lease_expired_is_taken_over(pushed_group, panel_sandbox):
    operation = _members_add(pushed_group, 3)
    # Its worker died a minute ago; the row itself moved only seconds before that.
    _running(operation, lease_in=timedelta(seconds=-1), touched_ago=timedelta(seconds=30))

    sync_push_pending()

    operation.refresh_from_db()
    assert operation.state == State.DONE


def test_a_push_under_a_live_lease_is_left_to_its_holder(pushed_group, panel_sandbox):
    operation = _members_add(pushed_group, 3)
    # A long call: the row has not moved for ten minutes, but the holder renews its lease.
    _running(operation, lease_in=timedelta(seconds=50), touched_ago=timedelta(minutes=10))

    sync_push_pending()

    operation.refresh_from_db()
    assert (operation.state, operation.lease_token) == (State.RUNNING, "dead-worker")
    assert not panel_sandbox.requests(path="/api/group-members/batch-add")


# --- pull -----------------------------------------------------------------------------------


def _made_in_justsend(remote, name: str, count: int) -> tuple[int, list[str]]:
    group_id = remote.post("groups", json={"name": name, "groupType": "LOCAL",
                                        "country": "POLAND"}).json()["id"]
    numbers = [f"48502{n:06d}" for n in range(count)]
    remote.post("group-members/batch-add", params={"groupId": group_id},
                json=numbers).raise_for_status()
    return group_id, numbers


def _member_pages_asked(panel_sandbox, group_id: int) -> list[int]:
    return [
        int(call["query"].get("page", 0))
        for call in panel_sandbox.requests(path=f"/api/group-members/{group_id}")
        if call["status"] == 200
    ]


def test_a_pull_killed_after_page_k_resumes_at_page_k_and_finishes_under_faults(
    panel_sandbox, remote, monkeypatch
):
    monkeypatch.setattr(pull_service, "PAGE_SIZE", 100)
    group_id, numbers = _made_in_justsend(remote, "From Justsend", 450)  # pages 0..4
    operation = justsend_pull_request()

    # One slice reads a page, saves the cursor and stops; the "worker" then dies holding
    # the lease after page 2 was stored.
    for _ in range(2):
        assert justsend_pull_run(operation_id=operation.pk, budget=0).more is True
    operation.refresh_from_db()
    assert operation.payload["cursor"]["page"] == 2
    assert Member.objects.filter(group__remote_id=group_id).count() == 200
    SyncOperation.objects.filter(pk=operation.pk).update(
        state=State.RUNNING, lease_token="dead-worker",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    asked_before = len(_member_pages_asked(panel_sandbox, group_id))

    assert pulls_resume() == [operation.pk]  # the sweep hands it to a worker again
    panel_sandbox.set_faults(rate_500=0.4)
    for _attempt in range(60):  # each retry continues from the saved cursor
        try:
            result = justsend_pull_run(operation_id=operation.pk)
        except TRANSIENT_ERRORS:
            SyncOperation.objects.filter(pk=operation.pk).update(
                lease_expires_at=timezone.now() - timedelta(seconds=1)  # its backoff passes
            )
            continue
        if result.state != State.PENDING:
            break
    panel_sandbox.set_faults(rate_500=0)

    operation.refresh_from_db()
    assert operation.state == State.DONE, operation.last_error
    resumed = _member_pages_asked(panel_sandbox, group_id)[asked_before:]
    assert resumed[0] == 2 and 0 not in resumed and 1 not in resumed
    local = set(Member.objects.filter(group__remote_id=group_id).values_list("msisdn", flat=True))
    assert local == set(numbers)
    assert operation.payload["counts"]["members_new"] == 450
    assert operation.payload["cursor"] is None


def test_the_pull_sweep_leaves_a_pull_under_a_live_lease_alone(panel_sandbox):
    operation = justsend_pull_request()
    SyncOperation.objects.filter(pk=operation.pk).update(
        state=State.RUNNING, lease_token="alive",
        lease_expires_at=timezone.now() + timedelta(seconds=50),
        updated_at=timezone.now() - timedelta(minutes=20),
    )

    assert pulls_resume() == []
    assert justsend_pull_run(operation_id=operation.pk) is None
