"""Benchmark: push 100,000 new members of one group to Justsend (the sandbox) with batch-add.

    .venv/bin/python -m bench.contacts_push                      # SQLite (a fresh file)
    .venv/bin/python -m bench.contacts_push --members 20000 --chunks 500,1000,5000
    .venv/bin/python -m bench.contacts_push --database-url postgres://user@host:port/db

The members are written as an import writes them (outbox rows of 20,000 numbers), then
the push service drains the outbox over real HTTP into a sandbox served on a free port
(its own state file under /tmp). Prints members per second and the number of batch-add
calls for each chunk size tried; the panel uses ``contacts.services.push.PUSH_CHUNK``.
Figures go to docs/benchmarks.md.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.contacts_pages import django_configure  # noqa: E402

WORK = Path("/tmp/bench-contacts-push")
OPERATION_SIZE = 20_000  # numbers per outbox row, as an import batch writes them


def _one_run(members: int, chunk: int, sandbox) -> tuple[float, int]:
    from django.db import transaction

    from contacts.models import Group, Member, SyncOperation
    from contacts.services import push
    from contacts.services.groups import group_create
    from contacts.services.outbox import sync_operation_add

    sandbox.reset()
    Group.objects.all().delete()
    SyncOperation.objects.all().delete()
    group = group_create(name=f"Bench push {chunk}")
    push.sync_push_pending()  # the group itself
    group.refresh_from_db()
    numbers = [f"48{600_000_000 + n}" for n in range(members)]
    for start in range(0, members, OPERATION_SIZE):
        batch = numbers[start:start + OPERATION_SIZE]
        with transaction.atomic():
            Member.objects.bulk_create([Member(group=group, msisdn=n) for n in batch], batch_size=5_000)
            sync_operation_add(kind=SyncOperation.Kind.MEMBERS_ADD, group=group, payload={"msisdns": batch})
    push.PUSH_CHUNK = chunk
    started = time.perf_counter()
    push.sync_push_pending(budget=float("inf"))  # one slice: timing the push, not the queue
    elapsed = time.perf_counter() - started
    calls = len(sandbox.requests(path="/api/group-members/batch-add"))
    remote = sandbox.state()["counts"]["group_members"]
    assert remote == members, f"Justsend holds {remote} members, expected {members}"
    return elapsed, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK / 'bench.sqlite3'}")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--chunks", default="500,1000,2000,5000")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    django_configure(args.database_url, WORK)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from justsend_panel.sandbox.server import run_sandbox

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Database: {connection.vendor}; machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(dir=WORK) as state, run_sandbox(
        tmp_dir=state, clock="manual", request_log_size=100_000
    ) as sandbox:
        settings.JUSTSEND_APP_KEY = ""
        settings.JUSTSEND_SANDBOX_APP_KEY = sandbox.app_key
        settings.JUSTSEND_API_URL = sandbox.api_url
        print(f"{'chunk':>6} {'members':>9} {'seconds':>8} {'members/s':>10} {'batch-add calls':>16}")
        for chunk in [int(c) for c in args.chunks.split(",")]:
            elapsed, calls = _one_run(args.members, chunk, sandbox)
            print(f"{chunk:>6} {args.members:>9,} {elapsed:>8.2f} {args.members / elapsed:>10,.0f} {calls:>16}")


if __name__ == "__main__":
    main()
