"""Benchmark: prepare and submit a PERSONALIZED campaign to one group minus a 50,000 blacklist.

    .venv/bin/python -m bench.campaign_send                          # 10k, 100k and 1M, SQLite
    .venv/bin/python -m bench.campaign_send --sizes 1000000 --blacklist 50000
    .venv/bin/python -m bench.campaign_send --database postgres://postgres@127.0.0.1:5531/postgres

For each audience size: a fresh database (SQLite under /tmp, or a new PostgreSQL database
``bench_campaign_send_<size>`` on the server of ``--database``, dropped afterwards), one group
of N members with names, a 50,000-entry blacklist (a fifth of it inside the group), and a
queued PERSONALIZED campaign. A child process then runs the submit task's body
(`campaigns.submit`) as a worker would: write the Recipient rows with every message
rendered, remove the blacklist, stream the CSV and upload it to a sandbox (in this
process), up to Justsend's answer. Prints the seconds from launch to the answer (and the
part spent preparing the audience), the worker's CPU seconds (user + system: the figure
that does not depend on what else loads the machine), the sandbox's CPU seconds and the
worker's peak memory (max RSS). The dev database and broker are never touched. Exits
non-zero when a campaign did not reach Justsend or went to another number of recipients.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.localservices import database_create, database_drop
from bench.procstat import peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path("/tmp/bench-campaign-send")
MESSAGE = "Cześć {name} {surname}, wiosenna wyprzedaż: -20% na wszystko do niedzieli."


def _environment(database_url: str) -> dict[str, str]:
    """The panel's settings for the bench's processes (migrate, fill, worker)."""
    return {"DATABASE_URL": database_url, "MEDIA_ROOT": str(WORK / "media"),
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_FS_BROKER_DIR": str(WORK / "broker"),  # no worker reads it
            "DJANGO_SETTINGS_MODULE": "justsend_panel.settings"}


def _configure(database_url: str) -> None:
    os.environ.update(_environment(database_url))
    import django

    django.setup()


def _fill(size: int, blacklist: int) -> int:
    """Members and blacklist written with plain executemany (the fill is not measured)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from campaigns.models import Campaign
    from contacts.models import BlacklistEntry, Group, Member

    group = Group.objects.create(name=f"Bench {size}", member_count=size)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    members = connection.ops.quote_name(Member._meta.db_table)
    entries = connection.ops.quote_name(BlacklistEntry._meta.db_table)
    batch = 50000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, size, batch):
            cursor.executemany(
                f"INSERT INTO {members} (group_id, msisdn, name, surname, address, attributes,"
                " created_at, updated_at) VALUES (%s, %s, %s, %s, '', '{}', %s, %s)",
                [(group.pk, f"48{500000000 + i}", f"Anna{i % 97}", f"Nowak{i % 89}", now, now)
                 for i in range(start, min(size, start + batch))],
            )
        inside = min(blacklist // 5, size // 10)
        numbers = [f"48{500000000 + i * (size // max(inside, 1))}" for i in range(inside)]
        numbers += [f"48{700000000 + i}" for i in range(blacklist - inside)]
        for start in range(0, len(numbers), batch):
            cursor.executemany(
                f"INSERT INTO {entries} (msisdn, country, reason, note, sync_state, sync_error,"
                " created_at, updated_at) VALUES (%s, 'POLAND', 'manual', '', 'synced', '', %s, %s)",
                [(n, now, now) for n in numbers[start:start + batch]],
            )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The steady state of a long-lived database, where the group was imported long
            # ago: vacuumed and analyzed, its pages on disk. Otherwise autovacuum works
            # through the million fresh rows during the measured send, and a checkpoint
            # writes the fill's pages then (each moved a PostgreSQL run by seconds).
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
    campaign = Campaign.objects.create(
        name=f"Bench {size}", bulk_type="PERSONALIZED", variant="ECO", status="queued",
        message=MESSAGE,
    )
    campaign.groups.set([group])
    connection.close()
    return campaign.pk


def send_problems(result: dict, *, size: int, blacklist: int) -> list[str]:
    """What is wrong with one run's outcome (nothing about its speed): a campaign that did
    not reach Justsend, or one sent to another number of recipients than the fill made."""
    if result["status"] != "sending":
        return [f"campaign {result['status']}: {result['failure']}"]
    expected = size - min(blacklist // 5, size // 10)  # _fill puts a fifth inside the group
    if not result["recipients"] or result["recipients"] != expected:
        return [f"sent to {result['recipients'] or 0:,} recipients, expected {expected:,}"]
    return []


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
    cpu_before = os.times()
    started = time.perf_counter()
    sending.campaign_submit(campaign_id=campaign_id)
    elapsed = time.perf_counter() - started
    cpu_after = os.times()
    campaign = Campaign.objects.get(pk=campaign_id)
    print(json.dumps({
        "seconds": elapsed, "prepare": phases.get("prepare"), "status": campaign.status,
        "cpu": (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system),
        "failure": campaign.failure_reason, "recipients": campaign.recipients_count,
        "blacklisted": campaign.blacklisted_removed, "mode": campaign.submission_mode,
        "max_rss_mb": peak_rss_mb(),
    }))


def child_run(function, campaign_id: int) -> None:
    """A benchmark's worker process: ``function(campaign_id)`` on the configured database,
    under cProfile when BENCH_PROFILE names a stats file."""
    _configure(os.environ["DATABASE_URL"])
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("function(campaign_id)", globals(),
                        {"function": function, "campaign_id": campaign_id},
                        os.environ["BENCH_PROFILE"])
    else:
        function(campaign_id)


def size_database(database: str, name: str, folder: Path) -> str:
    """A fresh, migrated database for one run: a new PostgreSQL database ``name`` on the
    server ``database``, or (``database == "sqlite"``) a new SQLite file in ``folder``."""
    if database != "sqlite":
        url = database_create(database, name)
    else:
        path = folder / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT,
                   env={**os.environ, **_environment(url)}, check=True)
    return url


def django_print(statement: str, env: dict) -> str:
    """The last line ``statement`` prints, run in a new process with Django set up on
    ``env``'s DATABASE_URL (the fills: not measured, out of the bench's own process)."""
    run = subprocess.run(
        [sys.executable, "-c", "import os, sys; sys.argv = ['x']; "
         "from bench.campaign_send import _configure; _configure(os.environ['DATABASE_URL']); "
         + statement], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return run.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--blacklist", type=int, default=50000)
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' or a PostgreSQL server URL (a database per size is made)")
    parser.add_argument("--profile", metavar="DIR",
                        help="run the worker under cProfile, stats to DIR/worker-<size>.prof")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        child_run(child, args.child)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    from justsend_panel.sandbox.server import run_sandbox

    postgres = args.database != "sqlite"
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{'PostgreSQL' if postgres else 'SQLite'}, load average {os.getloadavg()[0]:.1f}")
    print("| recipients in group | blacklist | sent to | mode | launch -> answer (s) "
          "| of which preparing (s) | worker CPU (s) | sandbox ingest (s) | sandbox CPU (s) "
          "| peak worker memory (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        url = size_database(args.database, f"bench_campaign_send_{size}", WORK)
        env = {**os.environ, **_environment(url)}
        sandbox_dir = WORK / f"sandbox-{size}"
        for leftover in sandbox_dir.glob("sandbox.sqlite3*"):
            leftover.unlink()
        with run_sandbox(tmp_dir=sandbox_dir, clock="manual") as sandbox:
            sandbox.set_balance(balance=10**9)
            campaign_id = int(django_print(f"from bench.campaign_send import _fill; "
                                           f"print(_fill({size}, {args.blacklist}))", env))
            # The sandbox ingests a million-row file in this process: give it time to answer.
            env.update({"JUSTSEND_TIMEOUT": os.environ.get("JUSTSEND_TIMEOUT", "600"),
                        "JUSTSEND_APP_KEY": "", "JUSTSEND_API_URL": sandbox.api_url,
                        "JUSTSEND_SANDBOX_APP_KEY": sandbox.app_key})
            if args.profile:
                Path(args.profile).mkdir(parents=True, exist_ok=True)
                env["BENCH_PROFILE"] = str(Path(args.profile).resolve() / f"worker-{size}.prof")
            sandbox_cpu = os.times()
            run = subprocess.run([sys.executable, "-m", "bench.campaign_send", "--child",
                                  str(campaign_id)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 text=True)
            sandbox_after = os.times()
            if run.returncode:
                sys.exit(f"the worker process failed with {run.returncode}")
            result = json.loads(run.stdout.strip().splitlines()[-1])
            uploads = sandbox.requests(path="/api/upload/bulk")
            ingest = uploads[-1]["multipart"]["file"].get("seconds") if uploads else None
        if postgres:
            database_drop(url)
        wrong = send_problems(result, size=size, blacklist=args.blacklist)
        if wrong:
            print(f"| {size:,} | FAILED: {'; '.join(wrong)} |", flush=True)
            failed += 1
            continue
        sandbox_seconds = ((sandbox_after.user - sandbox_cpu.user)
                           + (sandbox_after.system - sandbox_cpu.system))
        print(f"| {size:,} | {args.blacklist:,} | {result['recipients']:,} | {result['mode']} "
              f"| {result['seconds']:.1f} | {result['prepare']:.1f} | {result['cpu']:.1f} "
              f"| {'—' if ingest is None else f'{ingest:.1f}'} | {sandbox_seconds:.1f} "
              f"| {result['max_rss_mb']:.0f} |", flush=True)
    if failed:
        sys.exit(f"{failed} size(s) failed")


if __name__ == "__main__":
    main()
