"""A broker that is down: the change is saved, the page redirects and says the background
work will follow (issue 12, defect 5). Real kombu transports, pointed where nothing works."""

import pytest
from celery import Celery
from django.conf import settings
from django.urls import reverse

from campaigns.models import Campaign
from contacts.models import BlacklistEntry, Group, Member
from contacts.services.groups import group_create
from justsend_panel.core import queueing
from tests.campaigns.conftest import members_group

# django_db(transaction=True): on_commit runs at the real commit, inside the request.
pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "will follow as soon as the task queue is reachable again"


def _celery_app(monkeypatch, broker_url: str, **transport_options) -> Celery:
    """The panel's Celery configuration with another broker."""
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    # Not the current app: tasks sent after this test must not find the dead broker.
    app = Celery("broker-outage", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = broker_url
    app.conf.broker_transport_options = transport_options
    return app


@pytest.fixture
def dead_redis(monkeypatch):
    """Redis on a port where nothing listens, with the panel's connect timeout and retries."""
    app = _celery_app(
        monkeypatch, "redis://127.0.0.1:1/0",
        socket_connect_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    )
    monkeypatch.setattr("justsend_panel.celery.app", app)
    yield app
    queueing.enqueue_failed_reset()


@pytest.fixture
def unwritable_filesystem_broker(monkeypatch, tmp_path):
    """The filesystem broker whose queue folder cannot be written (a file stands in its
    place: the tests run as root, for whom file modes do not refuse a write)."""
    blocked = tmp_path / "queue"
    blocked.write_text("not a folder")
    app = _celery_app(
        monkeypatch, "filesystem://",
        data_folder_in=str(blocked), data_folder_out=str(blocked),
        processed_folder=str(tmp_path), control_folder=str(tmp_path),
    )
    monkeypatch.setattr("justsend_panel.celery.app", app)
    yield app
    queueing.enqueue_failed_reset()


def _notes(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _redirect_with_note(client, url, data) -> str:
    response = client.post(url, data)
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert any(NOTE in note for note in _notes(page)), _notes(page)
    return response["Location"]


@pytest.mark.parametrize("broker", ["dead_redis", "unwritable_filesystem_broker"])
def test_contacts_changes_are_saved_and_the_page_says_the_work_will_follow(
    broker, request, marketing_client
):
    request.getfixturevalue(broker)
    _redirect_with_note(marketing_client, reverse("contacts:group_create"),
                        {"name": "Spring", "group_type": "LOCAL"})
    group = Group.objects.get(name="Spring")

    _redirect_with_note(marketing_client, reverse("contacts:member_create", args=[group.pk]),
                        {"msisdn": "500 100 100"})
    assert Member.objects.get(group=group).msisdn == "48500100100"

    _redirect_with_note(marketing_client, reverse("contacts:blacklist_add"),
                        {"numbers": "500 200 200", "note": "complaint"})
    assert BlacklistEntry.objects.get(note="complaint").msisdn == "48500200200"


def test_a_campaign_launch_is_saved_as_queued_with_the_note(
    dead_redis, marketing_client, marketing_user, panel_sandbox
):
    customers = members_group("Customers", 3)
    campaign = Campaign.objects.create(created_by=marketing_user, name="Spring sale",
                                       message="Hello", variant="ECO", bulk_type="STANDARD")
    campaign.groups.set([customers])
    launch = reverse("campaigns:campaign_launch", args=[campaign.pk])
    _redirect_with_note(marketing_client, launch, {})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED


def test_the_note_is_not_carried_into_the_next_request(dead_redis, marketing_client):
    group = group_create(name="Carried")
    queueing._enqueue_failed.set(True)  # what a previous request on this thread left behind
    page = marketing_client.get(reverse("contacts:group_detail", args=[group.pk]))
    assert page.status_code == 200
    assert not any(NOTE in note for note in _notes(page))


def test_the_panel_caps_how_long_a_dead_broker_holds_a_page():
    # Figures, not timings: kombu's defaults (3 publish retries, 4 s connect timeout, no
    # socket timeout on Redis) held a page for seconds to minutes on an unreachable host.
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 1
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 1
