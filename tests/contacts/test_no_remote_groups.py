"""Issue 16: groups sync (push, pull, the retry buttons, the lookup's remote half) asks for
the provider that keeps contact groups. With none configured, every button says so, and
nothing is queued, failed or recorded: the local changes wait, pending, for one."""

import pytest
from django.urls import reverse

from contacts.models import BlacklistEntry, Group, SyncOperation, SyncState
from contacts.services.groups import group_create
from contacts.services.pull import justsend_pull_run
from contacts.services.push import sync_push_pending
from tests.fixtures.providers import capabilities_withdraw

pytestmark = pytest.mark.django_db

NONE_KEEPS_GROUPS = "No configured provider keeps contact groups."


@pytest.fixture(autouse=True)
def no_remote_groups(monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "remote_groups", "remote_blacklist")


def _messages(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [str(m) for m in response.context["messages"]]


def test_the_pull_button_says_so_and_records_no_pull(marketing_client):
    response = marketing_client.post(reverse("contacts:pull"), follow=True)
    assert _messages(response) == [NONE_KEEPS_GROUPS]
    assert not SyncOperation.objects.filter(kind="pull").exists()


def test_beats_pull_records_nothing():
    assert justsend_pull_run() is None
    assert not SyncOperation.objects.filter(kind="pull").exists()


def test_the_group_retry_button_says_so_and_leaves_the_failure_as_it_was(marketing_client):
    group = group_create(name="Newsletter")
    SyncOperation.objects.filter(group=group).update(state="failed", last_error="400 from Justsend")
    Group.objects.filter(pk=group.pk).update(sync_state=SyncState.ERROR)
    response = marketing_client.post(reverse("contacts:group_retry", args=[group.pk]), follow=True)
    assert _messages(response) == [NONE_KEEPS_GROUPS]
    assert list(SyncOperation.objects.values_list("state", "last_error")) == [
        ("failed", "400 from Justsend")]
    assert Group.objects.get(pk=group.pk).sync_state == SyncState.ERROR


def test_the_blacklist_retry_button_says_so_and_queues_nothing(marketing_client):
    BlacklistEntry.objects.create(msisdn="48500100101", sync_state=SyncState.ERROR)
    response = marketing_client.post(reverse("contacts:blacklist_retry"), follow=True)
    assert _messages(response) == [NONE_KEEPS_GROUPS]
    assert BlacklistEntry.objects.get().sync_state == SyncState.ERROR
    assert not SyncOperation.objects.exists()


def test_the_push_claims_nothing_and_the_changes_wait(panel_sandbox):
    group = group_create(name="Newsletter")
    summary = sync_push_pending()
    assert (summary.done, summary.failed, summary.more) == (0, 0, False)
    operation = SyncOperation.objects.get(group=group)
    assert (operation.state, operation.attempts, operation.last_error) == ("pending", 0, "")
    assert panel_sandbox.requests(path="/api/groups") == []


def test_the_lookup_shows_the_local_half_and_says_why_the_remote_one_is_missing(
    marketing_client, panel_sandbox
):
    BlacklistEntry.objects.create(msisdn="48500100100")
    response = marketing_client.get(reverse("contacts:lookup"), {"q": "500100100"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="lookup-remote-error">{NONE_KEEPS_GROUPS}<' in page  # nobody asked
    assert 'data-testid="lookup-blacklisted"' in page
    assert panel_sandbox.requests(path="/api/groups") == []
