"""Benchmark: prepare and submit a PERSONALIZED campaign to one group minus a 50,000 blacklist.

    .venv/bin/python bench/campaign_send.py                          # 10k, 100k and 1M
    .venv/bin/python bench/campaign_send.py --sizes 1000000 --blacklist 50000

For each audience size: a fresh SQLite database under /tmp, one group of N members with
names, a 50,000-entry blacklist (a fifth of it inside the group), and a queued PERSONALIZED
campaign. A child process then runs the submit task's body (`campaigns.submit`) as a worker
would: write the Recipient rows with every message rendered, remove the blacklist, stream
the CSV and upload it to a sandbox (in this process), up to Justsend's answer. Prints the
seconds from launch to the answer (and the part spent preparing the audience) and the
child's peak memory (max RSS). The dev database and broker are never touched.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path("/tmp/bench-campaign-send")


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = str(WORK / "media")
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_FS_BROKER_DIR"] = str(WORK / "broker")  # no worker reads it
    os.environ["DJANGO_SETTINGS_MODULE"] = "justsend_panel.settings"
    import django

    django.setup()


def _fill(size: int, blacklist: int) -> int:
    from django.db import connection

    from campaigns.models import Campaign
    from contacts.models import BlacklistEntry, Group, Member

    group = Group.objects.create(name=f"Bench {size}", member_count=size)
    batch = 20000
    for start in range(0, size, batch):
        Member.objects.bulk_create(
            Member(group=group, msisdn=f"48{500000000 + i}", name=f"Anna{i % 97}",
                   surname=f"Nowak{i % 89}")
            for i in range(start, min(size, start + batch))
        )
    inside = min(blacklist // 5, size // 10)
    numbers = [f"48{500000000 + i * (size // max(inside, 1))}" for i in range(inside)]
    numbers += [f"48{700000000 + i}" for i in range(blacklist - inside)]
    for start in range(0, len(numbers), batch):
        BlacklistEntry.objects.bulk_create(BlacklistEntry(msisdn=n) for n in numbers[start:start + batch])
    campaign = Campaign.objects.create(
        name=f"Bench {size}", bulk_type="PERSONALIZED", variant="ECO", status="queued",
        message="Cześć {name} {surname}, wiosenna wyprzedaż: -20% na wszystko do niedzieli.",
    )
    campaign.groups.set([group])
    connection.close()
    return campaign.pk


def child(campaign_id: int) -> None:
    """The worker's side: exactly what the campaigns.submit task runs."""
    from campaigns.models import Campaign
    from campaigns.services import sending

    phases = {}
    real_prepare = sending.audience_prepare

    def timed_prepare(**kwargs):
        started = time.perf_counter()
        result = real_prepare(**kwargs)
        phases["prepare"] = time.perf_counter() - started
        return result

    sending.audience_prepare = timed_prepare
    started = time.perf_counter()
    sending.campaign_submit(campaign_id=campaign_id)
    elapsed = time.perf_counter() - started
    campaign = Campaign.objects.get(pk=campaign_id)
    print(json.dumps({
        "seconds": elapsed, "prepare": phases.get("prepare"), "status": campaign.status,
        "failure": campaign.failure_reason, "recipients": campaign.recipients_count,
        "blacklisted": campaign.blacklisted_removed, "mode": campaign.submission_mode,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--blacklist", type=int, default=50000)
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        _configure(os.environ["DATABASE_URL"])
        child(args.child)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    from justsend_panel.sandbox.server import run_sandbox

    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print("| recipients in group | blacklist | sent to | mode | launch -> answer (s) "
          "| of which preparing (s) | peak worker memory (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in [int(s) for s in args.sizes.split(",")]:
        database = WORK / f"db-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{database}"
        env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(WORK / "media"),
               "CELERY_BROKER_URL": "filesystem://", "CELERY_FS_BROKER_DIR": str(WORK / "broker"),
               "DJANGO_SETTINGS_MODULE": "justsend_panel.settings"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        with run_sandbox(tmp_dir=WORK / f"sandbox-{size}", clock="manual") as sandbox:
            sandbox.set_balance(balance=10**9)
            fill = subprocess.run(
                [sys.executable, "-c", "import sys; sys.argv=['x']; "
                 "from bench.campaign_send import _configure, _fill; import os; "
                 f"_configure(os.environ['DATABASE_URL']); print(_fill({size}, {args.blacklist}))"],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True)
            campaign_id = int(fill.stdout.strip().splitlines()[-1])
            # The sandbox ingests a million-row file in this process: give it time to answer.
            env.update({"JUSTSEND_TIMEOUT": os.environ.get("JUSTSEND_TIMEOUT", "600"),
                        "JUSTSEND_APP_KEY": "", "JUSTSEND_API_URL": sandbox.api_url,
                        "JUSTSEND_SANDBOX_APP_KEY": sandbox.app_key})
            run = subprocess.run([sys.executable, "bench/campaign_send.py", "--child",
                                  str(campaign_id)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 text=True)
            if run.returncode:
                sys.exit(f"the worker process failed with {run.returncode}")
            result = json.loads(run.stdout.strip().splitlines()[-1])
        if result["status"] != "sending":
            print(f"| {size:,} | FAILED: {result['failure']} |")
            continue
        print(f"| {size:,} | {args.blacklist:,} | {result['recipients']:,} | {result['mode']} "
              f"| {result['seconds']:.1f} | {result['prepare']:.1f} | {result['max_rss_mb']:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
