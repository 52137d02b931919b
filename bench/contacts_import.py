"""Benchmark: import a generated CSV of N rows (default 1,000,000) into one group.

    .venv/bin/python bench/contacts_import.py                      # SQLite (a fresh file)
    .venv/bin/python bench/contacts_import.py --database-url postgres://user@host:port/db
    .venv/bin/python bench/contacts_import.py --rows 200000 --batch-rows 20000

Prints rows per second and the peak memory (max RSS) of the worker: a child process that
runs the import task's body (`contacts.import_run`) exactly as a Celery worker would,
planning included. The CSV is generated under /tmp (never committed): mixed number
formats (48…, +48 …, 500-…), 1% invalid and 1% repeated numbers, names and a city column
imported as an extra attribute. The database is the one given, or a new SQLite file under
/tmp; the dev database and broker are never touched. On PostgreSQL the database given is
flushed of contacts first. Figures go to docs/benchmarks.md.
"""

import argparse
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

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


def worker(import_id: int) -> None:
    """The child: the task body, then its own figures."""
    from contacts.imports.services import import_run

    started = time.perf_counter()
    import_run(import_id=import_id)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"worker: {elapsed:.2f} s, peak RSS {peak_mb:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-rows", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    sqlite_file = WORK / "bench.sqlite3"
    database_url = args.database_url or f"sqlite:///{sqlite_file}"

    if args.worker:
        _configure(database_url)
        worker(args.worker)
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
            batch_rows=args.batch_rows,
        )
    job.size = csv_path.stat().st_size
    import_start(job=job, mapping=job.mapping, skip_blacklisted=False)

    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--worker", str(job.pk), "--database-url", database_url],
        check=True,
    )
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    job.refresh_from_db()
    from django.db.models import Sum

    totals = ImportBatch.objects.filter(import_job=job).aggregate(
        rows=Sum("rows"), imported=Sum("imported"), invalid=Sum("invalid"),
        duplicates=Sum("duplicates"),
    )
    group = Group.objects.get(pk=job.group_id)
    print(
        f"{connection.vendor} {connection.Database.__name__}: {args.rows:,} rows in"
        f" {elapsed:.1f} s = {args.rows / elapsed:,.0f} rows/s (worker process incl. start);"
        f" peak worker RSS {peak_mb:.0f} MB; state {job.state}; imported"
        f" {totals['imported']:,}, invalid {totals['invalid']:,}, duplicates"
        f" {totals['duplicates']:,}; group counter {group.member_count:,}, rows in table"
        f" {Member.objects.filter(group=group).count():,}"
    )
    print(
        f"worker CPU time {cpu:.1f} s = {args.rows / cpu:,.0f} rows per CPU-second (what an idle"
        f" core gives, minus the database server's share); load average now"
        f" {os.getloadavg()[0]:.1f}"
    )
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
          f"{'' if child.returncode == 0 else ' (worker failed)'}")


if __name__ == "__main__":
    main()
