"""Benchmark: server time of the Activity page over 1,000,000 audit entries: the first
page, a few pages on, and filtered pages (by action, by user, by object, by dates, a
search), and the CSV export's first rows.

    .venv/bin/python -m bench.audit_pages                      # SQLite (a fresh file)
    .venv/bin/python -m bench.audit_pages --database-url postgres://user@host:port/db
    .venv/bin/python -m bench.audit_pages --entries 10000 --repeat 2   # the smoke size

The entries are generated once per database with bulk inserts (spread over a year, five
users, every action; kept for the next run). Each page is requested in-process through
Django's test client (the whole stack) ``--repeat`` times after one warm-up; the median
and slowest time, the SQL time and the number of queries are printed. Pages are never
counted: a query with COUNT over the table would show in the queries column's check.
"""

import argparse
import os
import platform
import time
from datetime import timedelta

from pathlib import Path

from bench.contacts_pages import _measure, django_configure

WORK = Path("/tmp/bench-audit-pages")
USERS = 5
CHUNK = 20_000


def _fill(entries: int):
    from django.db import transaction
    from django.utils import timezone

    from justsend_panel.audit.actions import NUMBER, Action
    from justsend_panel.audit.models import AuditEntry
    from tests.factories.users import marketing_user_create

    users = [marketing_user_create(username=f"bench-user-{n}") for n in range(USERS)]
    if AuditEntry.objects.count() == entries:  # (not on a page view: once per run)
        return users
    if AuditEntry.objects.exists():
        raise SystemExit("The database holds other audit entries; give a fresh one.")
    actions = list(Action.values)
    now = timezone.now()
    step = timedelta(days=365) / entries
    started = time.perf_counter()
    for start in range(0, entries, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, entries)):
            number = n % 20 == 0
            rows.append(AuditEntry(
                at=now - step * (entries - n), actor=users[n % USERS],
                action=actions[n % len(actions)],
                object_type=NUMBER if number else "campaigns.campaign",
                object_id=f"48{500_000_000 + n}" if number else str(n % 5_000 + 1),
                object_label=f"48{500_000_000 + n}" if number else f"Campaign {n % 5_000 + 1}",
                summary="%(recipients)s recipients", summary_params={"recipients": n % 997},
                ip="203.0.113.7",
            ))
        with transaction.atomic():
            AuditEntry.objects.bulk_create(rows, batch_size=5_000)
    print(f"  generated {entries:,} entries in {time.perf_counter() - started:.1f} s")
    return users


def _no_count(url: str, queries) -> None:
    counted = [q["sql"] for q in queries
               if "audit_auditentry" in q["sql"] and "COUNT(" in q["sql"].upper()]
    assert not counted, f"{url} counts the table: {counted[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK / 'bench.sqlite3'}")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    django_configure(args.database_url, work=WORK)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tests.factories.users import administrator_create

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Database: {connection.vendor}")
    users = _fill(args.entries)
    client = Client()
    client.force_login(administrator_create(username="bench-admin"))
    today = time.strftime("%Y-%m-%d")
    month_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
    pages = [
        (f"activity, page 1 ({args.entries:,} entries)", "/activity/"),
        ("activity, page 20", "/activity/?page=20"),
        ("activity, one action (campaign.launched)", "/activity/?action=campaign.launched"),
        ("activity, one user", f"/activity/?actor={users[0].pk}"),
        ("activity, one campaign", "/activity/?object_type=campaigns.campaign&object_id=42"),
        ("activity, the last 30 days", f"/activity/?date_from={month_ago}&date_to={today}"),
        ("activity, one user and action, 30 days",
         f"/activity/?actor={users[1].pk}&action=group.created&date_from={month_ago}"),
        ("activity, search a campaign name", "/activity/?q=Campaign+4242"),
        ("activity, rare action (none match)", "/activity/?action=auth.locked_out"),
        ("activity CSV export, first 1,000 lines", "/activity/export.csv"),
    ]
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"{'page':<48} {'median ms':>10} {'max ms':>8} {'SQL ms':>7} {'queries':>8}")
    for label, url in pages:
        median, slowest, sql, queries = _measure(client, url, args.repeat, check=_no_count)
        print(f"{label:<48} {median:>10.1f} {slowest:>8.1f} {sql:>7.1f} {queries:>8}")


if __name__ == "__main__":
    main()
