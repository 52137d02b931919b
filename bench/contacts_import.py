"""Benchmark: import a generated CSV of N rows (default 1,000,000) into one group.

    .venv/bin/python -m bench.contacts_import                      # SQLite (a fresh file)
    .venv/bin/python -m bench.contacts_import --database-url postgres://user@host:port/db
    .venv/bin/python -m bench.contacts_import --rows 200000 --batch-rows 20000

Prints rows per second, CPU time and the peak memory (max RSS) of the workers: child
processes that run the import task's body (`contacts.import_run`) exactly as Celery worker
processes would, planning included: the first plans, the others (``--workers``, default 2
as `runpanel` starts the worker) join once the batches exist, as the helpers the planning
run queues do. Like Celery's worker processes, which are started with the panel, the
children start and load Django first; the clock starts when they are all ready and told
to go (the process start-up, ~1.5 s of CPU each, is printed apart). The CSV is generated under /tmp (never committed): mixed number
formats (48…, +48 …, 500-…), 1% invalid and 1% repeated numbers, names and a city column
imported as an extra attribute. The database is the one given, or a new SQLite file under
/tmp; the dev database and broker are never touched. On PostgreSQL the database given is
flushed of contacts first (members truncated), and the server's CPU time is printed too
when the cluster runs on this machine (read from /proc). Exits non-zero when a worker
failed or the rows are not all accounted for. Figures go to docs/benchmarks.md.
"""

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.procstat import cpu_seconds, parent_pid, peak_rss_mb, process_tree, steal_seconds

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/bench-contacts-import")


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = str(WORK / "media")
    # Outbox pushes are enqueued to a private folder that no worker reads.
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_FS_BROKER_DIR"] = str(WORK / "broker")
    os.environ["DJANGO_SETTINGS_MODULE"] = "justsend_panel.settings"
    import django

    django.setup()


def csv_generate(path: Path, rows: int) -> None:
    """A realistic file: ; separated, a header, Polish names, mixed number formats."""
    rng = random.Random(4)
    prefixes = ["50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88", "45"]
    names = ["Anna", "Jan", "Zofia", "Łukasz", "Małgorzata", "Piotr", "Kasia", "Paweł"]
    surnames = ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski"]
    cities = ["Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk"]
    numbers: list[str] = []
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("telefon;imie;nazwisko;miasto\n")
        for index in range(rows):
            roll = rng.random()
            if roll < 0.01:
                number = f"12{rng.randrange(10**5):05d}x"  # invalid
            elif roll < 0.02 and numbers:
                number = rng.choice(numbers)  # repeated
            else:
                national = rng.choice(prefixes) + f"{rng.randrange(10**7):07d}"
                shape = index % 3
                number = (
                    "48" + national if shape == 0
                    else f"+48 {national[:3]} {national[3:6]} {national[6:]}" if shape == 1
                    else f"{national[:3]}-{national[3:6]}-{national[6:]}"
                )
                if len(numbers) < 10_000:
                    numbers.append(number)
            out.write(
                f"{number};{rng.choice(names)};{rng.choice(surnames)};{rng.choice(cities)}\n"
            )


def _server_cpu(connection) -> float | None:
    """CPU seconds used so far by a local PostgreSQL cluster (its postmaster, the backends
    it has reaped and those alive), read from /proc; None where that cannot be read."""
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        postmaster = parent_pid(backend)
        return cpu_seconds([postmaster], reaped=True) + cpu_seconds(process_tree(postmaster)[1:])
    except (OSError, ValueError, IndexError):
        return None


def import_problems(*, rows: int, state: str, totals: dict, in_table: int,
                    failed: list) -> list[str]:
    """What is wrong with one run (nothing about its speed): a worker that failed, an
    import not finished, rows not all accounted for, or nothing imported at all."""
    found = [f"worker process failed: {args}" for args in failed]
    if state != "finished":
        found.append(f"import {state}")
    counted = sum(totals.get(key) or 0 for key in ("imported", "invalid", "duplicates"))
    if counted != rows:
        found.append(f"{counted:,} rows counted (imported + invalid + duplicates) of {rows:,}")
    if not totals.get("imported") or in_table != totals["imported"]:
        found.append(f"{totals.get('imported') or 0:,} imported, {in_table:,} in the table")
    return found


def worker(import_id: int, profile: str = "", helper: bool = False) -> None:
    """The child: the task body, then its own figures (``profile``: cProfile output file).

    It says "ready" once Django is loaded and waits for "go" on its standard input, as a
    Celery worker process waits for its next task. A helper is what the planning run
    queues for another worker process: it starts once the batches exist (polling here
    stands in for the broker).
    """
    from contacts.imports.services import import_run
    from contacts.models import ImportBatch

    startup_cpu = time.process_time()
    print("ready", flush=True)
    sys.stdin.readline()
    while helper and not ImportBatch.objects.filter(import_job_id=import_id).exists():
        time.sleep(0.02)
    started = time.perf_counter()
    if profile:
        import cProfile

        cProfile.runctx("import_run(import_id=import_id, budget=float('inf'))",
                        globals(), locals(), profile)
    else:
        # One slice for the whole import: the bench measures a runner, not the queue.
        import_run(import_id=import_id, budget=float("inf"))
    elapsed = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    cpu = time.process_time() - startup_cpu
    print(f"worker{' (helper)' if helper else ''}: {elapsed:.2f} s, CPU {cpu:.1f} s"
          f" (start-up before: {startup_cpu:.1f} s), peak RSS {peak_mb:.0f} MB", flush=True)
    Path(WORK / f"cpu-{os.getpid()}").write_text(f"{cpu} {peak_mb}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-rows", type=int, default=0,
                        help="rows per batch (default: the import service's own)")
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes running the import (runpanel: --concurrency 2)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", default="", help="write the worker's cProfile stats here")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--helper", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    sqlite_file = WORK / "bench.sqlite3"
    database_url = args.database_url or f"sqlite:///{sqlite_file}"

    if args.worker:
        _configure(database_url)
        worker(args.worker, args.profile, args.helper)
        return

    if not args.database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    _configure(database_url)
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from contacts.imports.csvfile import format_detect
    from contacts.imports.mapping import mapping_guess
    from contacts.imports.services import import_create, import_start
    from contacts.models import Group, Import, ImportBatch, Member

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        # Not DELETE: the dead rows and grown indexes it leaves would slow every next run.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Member._meta.db_table}")
    Member.objects.all().delete()
    Import.objects.all().delete()
    Group.objects.all().delete()

    csv_path = WORK / f"contacts-{args.rows}.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        csv_generate(csv_path, args.rows)
        print(f"generated {csv_path} in {time.perf_counter() - started:.1f} s")
    with open(csv_path, "rb") as handle:
        file_format = format_detect(handle)
        handle.seek(0)
        job = import_create(
            uploaded=File(handle, name=csv_path.name), file_format=file_format,
            mapping=mapping_guess(file_format), new_group_name="Benchmark",
            batch_rows=args.batch_rows or None,
        )
    job.size = csv_path.stat().st_size
    import_start(job=job, mapping=job.mapping, skip_blacklisted=False)

    children = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.contacts_import", "--worker", str(job.pk),
             "--database-url", database_url,
             "--profile", f"{args.profile}.{index}" if args.profile and index else args.profile,
             *(["--helper"] if index else [])],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        for index in range(args.workers)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready", "a worker did not start"
    for stale in WORK.glob("cpu-*"):
        stale.unlink()
    server_before = _server_cpu(connection)
    steal_before = steal_seconds()
    started = time.perf_counter()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    failed = [child.args for child in children if child.wait() != 0]
    elapsed = time.perf_counter() - started
    server_after = _server_cpu(connection)
    steal_after = steal_seconds()
    for child in children:
        print(child.stdout.read().strip())
    # The import's own CPU, each worker's start-up taken out, and its own peak RSS (VmHWM),
    # as each worker reports them.
    reports = [path.read_text().split() for path in WORK.glob("cpu-*")]
    cpu = sum(float(report[0]) for report in reports)
    peak_mb = max(float(report[1]) for report in reports)
    job.refresh_from_db()
    from django.db.models import Sum

    totals = ImportBatch.objects.filter(import_job=job).aggregate(
        rows=Sum("rows"), imported=Sum("imported"), invalid=Sum("invalid"),
        duplicates=Sum("duplicates"),
    )
    group = Group.objects.get(pk=job.group_id)
    in_table = Member.objects.filter(group=group).count()
    print(
        f"{connection.vendor} {connection.Database.__name__}: {args.rows:,} rows in"
        f" {elapsed:.1f} s = {args.rows / elapsed:,.0f} rows/s ({args.workers} worker"
        f" process(es), started beforehand, batches of {job.batch_rows:,});"
        f" peak worker RSS {peak_mb:.0f} MB; state {job.state}; imported"
        f" {totals['imported']:,}, invalid {totals['invalid']:,}, duplicates"
        f" {totals['duplicates']:,}; group counter {group.member_count:,}, rows in table"
        f" {in_table:,}"
    )
    print(
        f"workers' CPU time {cpu:.1f} s = {args.rows / cpu:,.0f} rows per CPU-second (what an"
        f" idle core gives, minus the database server's share); load average now"
        f" {os.getloadavg()[0]:.1f}"
        + (f"; CPU steal during the run {steal_after - steal_before:.1f} s"
           if steal_before is not None and steal_after is not None else "")
    )
    if server_before is not None and server_after is not None:
        server = server_after - server_before
        print(f"PostgreSQL server CPU time {server:.1f} s; workers + server"
              f" {cpu + server:.1f} s = {args.rows / (cpu + server):,.0f} rows per CPU-second")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
          f"{f' (worker failed: {failed})' if failed else ''}")
    wrong = import_problems(rows=args.rows, state=job.state, totals=totals,
                            in_table=in_table, failed=failed)
    if wrong:
        sys.exit(f"contacts_import FAILED: {'; '.join(wrong)}")


if __name__ == "__main__":
    main()
