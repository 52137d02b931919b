"""Benchmark: server time of the group detail page (1,000,000 members) and the blacklist
page (100,000 entries), first pages, a deep page and searches; the number lookup over
1,001 groups.

    .venv/bin/python -m bench.contacts_pages                     # SQLite (a fresh file)
    .venv/bin/python -m bench.contacts_pages --database-url postgres://user@host:port/db
    .venv/bin/python -m bench.contacts_pages --members 200000 --blacklist 20000 --repeat 10

Each page is requested in-process through Django's test client (the whole stack:
middleware, view, queries, template) ``--repeat`` times after one warm-up; the median and
the slowest time and the number of SQL queries are printed. The data is generated once
per database (kept under /tmp for the next run); the dev database is never touched. On
PostgreSQL the database given is used as it is (its contacts tables are filled if empty).
Figures go to docs/benchmarks.md.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/bench-contacts-pages")
OTHER_GROUPS = 1_000
LOOKUP_NUMBER = "48500500500"  # a member of the big group and of every other one


def django_configure(database_url: str, work: Path = WORK) -> None:
    """Django on the given database; pushes it enqueues go to a folder no worker reads."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_FS_BROKER_DIR"] = str(work / "broker")
    os.environ["DJANGO_SETTINGS_MODULE"] = "justsend_panel.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def _fill(members: int, blacklist: int):
    from django.db import transaction

    from contacts.models import BlacklistEntry, Group, Member, SyncState

    group = Group.objects.filter(name="Bench: a million").first()
    if group is None or group.member_count != members:
        Group.objects.filter(name="Bench: a million").delete()
        group = Group.objects.create(name="Bench: a million", remote_id=None,
                                     sync_state=SyncState.SYNCED)
        started = time.perf_counter()
        names = ["Anna", "Jan", "Zofia", "Łukasz", "Piotr", "Kasia"]
        surnames = ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska"]
        for start in range(0, members, 50_000):
            with transaction.atomic():
                Member.objects.bulk_create(
                    [
                        Member(group=group, msisdn=f"48{500_000_000 + n}",
                               name=names[n % 6], surname=surnames[n % 5])
                        for n in range(start, min(start + 50_000, members))
                    ],
                    batch_size=5_000,
                )
        Group.objects.filter(pk=group.pk).update(member_count=members)
        print(f"  generated {members:,} members in {time.perf_counter() - started:.1f} s")
    if BlacklistEntry.objects.count() != blacklist:
        BlacklistEntry.objects.all().delete()
        started = time.perf_counter()
        # Every 10th member is blacklisted, so the member page shows the flag.
        BlacklistEntry.objects.bulk_create(
            [BlacklistEntry(msisdn=f"48{500_000_000 + n * 10}", sync_state=SyncState.SYNCED)
             for n in range(blacklist)],
            batch_size=5_000,
        )
        print(f"  generated {blacklist:,} blacklist entries in {time.perf_counter() - started:.1f} s")
    # Other groups, each holding the lookup's number too: the number lookup probes the
    # unique (group, msisdn) once per group (members have no msisdn index of their own).
    others = Group.objects.filter(name__startswith="Bench: other ")
    if others.count() != OTHER_GROUPS:
        others.delete()
        Group.objects.bulk_create(
            [Group(name=f"Bench: other {n:04d}", sync_state=SyncState.SYNCED, member_count=1)
             for n in range(OTHER_GROUPS)]
        )
        Member.objects.bulk_create(
            [Member(group=other, msisdn=LOOKUP_NUMBER) for other in others], batch_size=5_000
        )
    return group


def _measure(client, url: str, repeat: int, *, check=None,
             lines: int = 1_000) -> tuple[float, float, float, int]:
    """Median and slowest server time, median time in SQL, queries per page view.

    A streamed response (an export) is timed to its first ``lines`` lines; ``check`` is
    called with each view's queries (to fail on one that must not be there)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200, url  # warm-up (and a check)
    times, sql = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                for _line, _ in zip(response.streaming_content, range(lines)):
                    pass
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        if check is not None:
            check(url, queries.captured_queries)
        sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    return statistics.median(times), max(times), statistics.median(sql), len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK / 'bench.sqlite3'}")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--blacklist", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    django_configure(args.database_url)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tests.factories.users import marketing_user_create

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Database: {connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.cursor().connection.info.server_version}")
    group = _fill(args.members, args.blacklist)
    client = Client()
    client.force_login(marketing_user_create(username="bench-marketer"))
    detail = f"/contacts/groups/{group.pk}/"
    # Members are paged by number (keyset): "next" is ?after=<the page's last number>.
    middle = f"48{500_000_000 + args.members // 2 - 1}"
    pages = [
        (f"group detail, page 1 ({args.members:,} members)", detail),
        ("group detail, page 2", detail + f"?after=48{500_000_000 + 24}"),
        (f"group detail, page {args.members // 25 // 2:,} (the middle, next)",
         detail + f"?after={middle}"),
        ("group detail, the middle, previous", detail + f"?before={middle}"),
        ("group detail, last page", detail + "?last=1"),
        ("group detail, the middle, numbers descending", detail + f"?sort=-msisdn&after={middle}"),
        ("group detail, search a number prefix", detail + "?q=500+123"),
        ("group detail, search a whole number", detail + "?q=%2B48+500+500+500"),
        ("group detail, search a surname", detail + "?q=Wiśniewska"),
        (f"blacklist, page 1 ({args.blacklist:,} entries)", "/contacts/blacklist/"),
        ("blacklist, page 50", "/contacts/blacklist/?page=50"),
        ("blacklist, search a number prefix", "/contacts/blacklist/?q=500+000+1"),
        ("group list", "/contacts/"),
        (f"number lookup (in {OTHER_GROUPS + 1:,} groups)", f"/contacts/lookup/?q={LOOKUP_NUMBER}"),
        ("number lookup (in no group)", "/contacts/lookup/?q=48600600600"),
    ]
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"{'page':<48} {'median ms':>10} {'max ms':>8} {'SQL ms':>7} {'queries':>8}")
    for label, url in pages:
        median, slowest, sql, queries = _measure(client, url, args.repeat)
        print(f"{label:<48} {median:>10.1f} {slowest:>8.1f} {sql:>7.1f} {queries:>8}")


if __name__ == "__main__":
    main()
