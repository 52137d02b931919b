"""The send task in real worker processes: launched once, run twice, killed mid-way and
taken over — the sandbox always ends with exactly one bulk for the campaign."""

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services import campaign_launch, campaigns_poll_in_flight
from campaigns.services.scheduling import campaigns_submit_due
from justsend_panel.celery import app as celery_app
from tests.campaigns.services.conftest import campaign_make, group_with_members
from tests.fixtures.worker import _wait_for_line, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = Campaign.Status
STALL_QUEUE = "campaigns-stall-test"
STALL_LEASE_SECONDS = 3


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


def test_a_worker_killed_between_the_call_and_the_commit_is_taken_over_and_sends_once(
        celery_worker_process, panel_sandbox, tmp_path, marketing_user):
    """SIGKILL while Justsend has the bulk and the panel has not recorded it: once the dead
    worker's lease runs out (LEASE_SECONDS=3 here), the sweep hands the submission to the
    other worker, which finds the bulk by its name instead of sending it again."""
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 3)],
                             status=S.QUEUED)
    log_path = tmp_path / "stalling-worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "justsend_panel.test_settings",
           "PANEL_TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
           "JUSTSEND_APP_KEY": "", "JUSTSEND_API_URL": panel_sandbox.api_url,
           "JUSTSEND_SANDBOX_APP_KEY": panel_sandbox.app_key,
           # tests/hooks: hang right after Justsend's answer, the lease still renewed.
           "PANEL_TEST_HOOKS": "stall_after_submit", "LEASE_SECONDS": str(STALL_LEASE_SECONDS)}
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "justsend_panel", "worker", "--pool", "solo",
             "-Q", STALL_QUEUE, "--loglevel", "INFO", "--without-mingle", "--without-gossip",
             "--hostname", "stallworker@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_line(log_path, "ready.", worker, 60)
        celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk},
                             queue=STALL_QUEUE)
        wait_until(lambda: _bulks_named(panel_sandbox, campaign.bulk_name), timeout=60)
        held = Campaign.objects.get(pk=campaign.pk)
        assert (held.status, held.batch_id) == (S.SUBMITTING, ""), log_path.read_text()
        assert held.lease_token and held.lease_expires_at
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    killed_at = timezone.now()
    [remote] = _bulks_named(panel_sandbox, campaign.bulk_name)

    def taken_over():
        campaigns_submit_due()  # what beat runs every 30 s; here every second
        return Campaign.objects.get(pk=campaign.pk).status == S.SENDING

    # A generous deadline: fails only if the takeover never happens.
    wait_until(taken_over, timeout=120, interval=1)
    print(f"taken over {(timezone.now() - killed_at).total_seconds():.1f} s after the kill")
    campaign.refresh_from_db()
    # The dead worker's last renewal bounded its lease to LEASE_SECONDS after its death.
    assert held.lease_expires_at <= killed_at + timedelta(seconds=STALL_LEASE_SECONDS)
    assert campaign.batch_id == remote["uuid"]
    assert len(_bulks_named(panel_sandbox, campaign.bulk_name)) == 1
    assert len(panel_sandbox.requests(path="/api/sender/bulk/send")) == 1
