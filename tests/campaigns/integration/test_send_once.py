"""The send task in real worker processes: launched once, run twice, killed mid-way —
the sandbox always ends with exactly one bulk for the campaign."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from campaigns.models import Campaign
from campaigns.services import campaign_launch, campaigns_poll_in_flight
from justsend_panel.celery import app as celery_app
from tests.campaigns.services.conftest import campaign_make, group_with_members
from tests.fixtures.worker import _wait_for_line, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = Campaign.Status
CRASH_QUEUE = "campaigns-crash-test"


def _bulks_named(sandbox, name):
    with sandbox.client() as api:
        page = api.get("overview/bulks", params={"size": 100}).json()
    return [b for b in page["content"] if b["name"] == name]


def test_launch_runs_in_the_worker_and_a_second_run_sends_nothing(
        celery_worker_process, panel_sandbox, marketing_user):
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 3)],
                             bulk_type="PERSONALIZED", message="Hi {name}")
    campaign_launch(campaign=campaign, user=marketing_user)
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING, timeout=60)
    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk})
    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk})
    # A heartbeat queued behind them proves the worker has run both.
    from justsend_panel.core.models import WorkerHeartbeat
    from justsend_panel.core.services import heartbeat_request

    heartbeat_request(source="after-second-submit")
    wait_until(lambda: WorkerHeartbeat.objects.filter(source="after-second-submit").exists(),
               timeout=60)
    campaign.refresh_from_db()
    assert len(_bulks_named(panel_sandbox, campaign.bulk_name)) == 1
    assert len(panel_sandbox.requests(path="/api/sender/bulk/send")) == 1

    panel_sandbox.advance(3600)
    campaigns_poll_in_flight()
    campaign.refresh_from_db()
    assert campaign.status == S.FINISHED and campaign.sent_count == 3


def test_a_worker_killed_between_the_call_and_the_commit_does_not_send_twice(
        celery_worker_process, panel_sandbox, tmp_path, marketing_user):
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 3)],
                             status=S.QUEUED)
    log_path = tmp_path / "crashing-worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "justsend_panel.test_settings",
           "PANEL_TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
           "JUSTSEND_APP_KEY": "", "JUSTSEND_API_URL": panel_sandbox.api_url,
           "JUSTSEND_SANDBOX_APP_KEY": panel_sandbox.app_key,
           "CAMPAIGN_TEST_CRASH_AFTER_SUBMIT": "1"}
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "justsend_panel", "worker", "--pool", "solo",
             "-Q", CRASH_QUEUE, "--loglevel", "INFO", "--without-mingle", "--without-gossip",
             "--hostname", "crashworker@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_line(log_path, "ready.", worker, 60)
        celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk},
                             queue=CRASH_QUEUE)
        assert worker.wait(timeout=60) == 17, log_path.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    campaign.refresh_from_db()
    # Justsend has the bulk; the panel never recorded it.
    assert (campaign.status, campaign.bulk_uuid) == (S.SUBMITTING, "")
    [remote] = _bulks_named(panel_sandbox, campaign.bulk_name)

    celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk})
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING, timeout=60)
    campaign.refresh_from_db()
    assert campaign.bulk_uuid == remote["uuid"]
    assert len(_bulks_named(panel_sandbox, campaign.bulk_name)) == 1
    assert len(panel_sandbox.requests(path="/api/sender/bulk/send")) == 1
