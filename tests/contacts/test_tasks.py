"""The push and pull tasks in a real Celery worker process, against the sandbox."""

import pytest

from contacts.models import Group, Member, SyncOperation, SyncState
from contacts.services.groups import group_create
from contacts.services.members import member_add
from contacts.services.pull import justsend_pull_request
from contacts.tasks import justsend_pull_task, sync_push_task
from justsend_panel.celery import app as celery_app
from justsend_panel.sms.exceptions import TRANSIENT_ERRORS, SmsApiError
from tests.contacts.conftest import remote_groups, remote_members
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_tasks_retry_only_transient_errors_with_backoff():
    for task in (sync_push_task, justsend_pull_task):
        assert task.autoretry_for == TRANSIENT_ERRORS and SmsApiError not in task.autoretry_for
        assert task.acks_late and task.retry_backoff and task.retry_jitter


def test_changes_saved_during_an_outage_arrive_once_when_justsend_is_back(
    celery_worker_process, panel_sandbox
):
    panel_sandbox.set_faults(rate_500=1.0)
    group = group_create(name="Saved in an outage")
    member_add(group=group, msisdn="500 700 700", name="Ada")

    # The worker tried (on commit), failed, and left the change pending with the reason.
    create = wait_until(lambda: SyncOperation.objects.filter(
        kind=SyncOperation.Kind.GROUP_CREATE, state=SyncOperation.State.PENDING, attempts__gte=1,
    ).exclude(last_error="").first(), timeout=60)
    assert create.group_id == group.pk
    assert Member.objects.get().msisdn == "48500700700"  # the local edit is kept
    assert panel_sandbox.state()["counts"]["groups"] == 0  # (the control API has no faults)

    panel_sandbox.set_faults(rate_500=0)
    celery_app.send_task("contacts.sync_push")  # what beat sends every minute

    wait_until(lambda: Group.objects.get(pk=group.pk).sync_state == SyncState.SYNCED, timeout=90)
    group.refresh_from_db()
    with panel_sandbox.client() as remote:
        assert [g["name"] for g in remote_groups(remote)] == ["Saved in an outage"]
        members = remote_members(remote, group.remote_id)
    assert list(members) == ["48500700700"] and members["48500700700"]["name"] == "Ada"


def test_pull_button_work_is_done_by_the_worker(celery_worker_process, panel_sandbox):
    with panel_sandbox.client() as remote:
        group_id = remote.post("groups", json={"name": "Made in Justsend", "groupType": "LOCAL", "country": "POLAND"}).json()["id"]
        remote.post("group-members/batch-add", params={"groupId": group_id}, json=["48500800800"])

    operation = justsend_pull_request()

    wait_until(lambda: SyncOperation.objects.get(pk=operation.pk).state == SyncOperation.State.DONE,
               timeout=60)
    group = Group.objects.get(remote_id=group_id)
    assert list(group.members.values_list("msisdn", flat=True)) == ["48500800800"]
