"""Real workers as `runpanel` starts them: a campaign submit is not kept waiting by a long
contacts push, because they are consumed by different workers."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from kombu import Connection

from campaigns.models import Campaign
from contacts.models import SyncOperation
from contacts.services.outbox import sync_operation_add
from contacts.services.push import sync_push_pending
from justsend_panel.celery import app as celery_app
from justsend_panel.core.management.commands.runpanel import WORKER_QUEUES
from justsend_panel.settings import filesystem_broker_options
from tests.campaigns.services.conftest import campaign_make, group_with_members
from tests.fixtures.worker import _wait_for_line, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = Campaign.Status
UPDATES = 150  # one call each, 100 ms apiece in the sandbox: a push of ~15 s


@pytest.fixture
def panel_workers(panel_sandbox, tmp_path):
    """worker-fast and worker-bulk on a broker of their own (a folder), so that no other
    worker of the test session takes their tasks; yields a connection to that broker."""
    broker = tmp_path / "broker"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "justsend_panel.test_settings",
        "PANEL_TEST_DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_FS_BROKER_DIR": str(broker),
        "JUSTSEND_APP_KEY": "",
        "JUSTSEND_API_URL": panel_sandbox.api_url,
        "JUSTSEND_SANDBOX_APP_KEY": panel_sandbox.app_key,
        # One slice for the whole push: what keeps the submit apart here is the queues.
        "SYNC_SLICE_SECONDS": "600",
    }
    workers = []
    try:
        for name, queues in WORKER_QUEUES.items():
            log_path = tmp_path / f"{name}.log"
            with open(log_path, "w") as log:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "justsend_panel", "worker",
                     "--pool", "solo", "-Q", queues, "-n", f"{name}@%h", "--loglevel", "INFO",
                     "--without-mingle", "--without-gossip"],
                    cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                )
            workers.append(proc)
            _wait_for_line(log_path, "ready.", proc, 60)
        with Connection("filesystem://",
                        transport_options=filesystem_broker_options(broker)) as connection:
            yield connection
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_a_campaign_submit_completes_while_a_long_push_holds_the_bulk_worker(
    panel_workers, panel_sandbox, marketing_user
):
    group = group_with_members("Pushed", 0)
    sync_operation_add(kind=SyncOperation.Kind.GROUP_CREATE, group=group, payload={})
    sync_push_pending()
    updates = [{"msisdn": f"48600{n:06d}", "member": {"msisdn": f"48600{n:06d}", "name": "N"}}
               for n in range(UPDATES)]
    push = sync_operation_add(kind=SyncOperation.Kind.MEMBERS_UPDATE, group=group,
                              payload={"updates": updates})
    panel_sandbox.set_faults(latency_ms=100)
    try:
        celery_app.send_task("contacts.sync_push", connection=panel_workers)

        def push_under_way():
            push.refresh_from_db()
            return push.items_done > 0

        wait_until(push_under_way, timeout=60)
        campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 3)],
                                 status=S.QUEUED)
        celery_app.send_task("campaigns.submit", kwargs={"campaign_id": campaign.pk},
                             connection=panel_workers)

        wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == S.SENDING,
                   timeout=60)
        push.refresh_from_db()
        # The submit went through while the push was still going on the other worker.
        assert push.state != SyncOperation.State.DONE
        assert 0 < push.items_done < UPDATES
    finally:
        panel_sandbox.set_faults(latency_ms=0)
    wait_until(lambda: SyncOperation.objects.get(pk=push.pk).state == SyncOperation.State.DONE,
               timeout=120)
