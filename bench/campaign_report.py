"""Benchmark: the per-campaign report (CSV) of a campaign of N recipients (default 1,000,000).

    .venv/bin/python -m bench.campaign_report                     # SQLite (a fresh file)
    .venv/bin/python -m bench.campaign_report --database-url postgres://user@host:port/db
    .venv/bin/python -m bench.campaign_report --recipients 100000 --language en

The report is asked for in-process through Django's test client (the whole stack:
middleware, view, the streamed response) and read to its end, as a browser would; for a
PERSONALIZED campaign (a text per recipient) and a STANDARD one. Prints the time to the
first chunk, the total time, rows per second, the size of the file and the peak memory of
the process (it stays flat: the rows are read in chunks, never the whole campaign). The
recipients are generated once per database (kept for the next run); the dev database is
never touched. Figures go to docs/benchmarks.md.
"""

import argparse
import os
import platform
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench.contacts_pages import django_configure
from bench.procstat import peak_rss_mb

WORK = Path("/tmp/bench-campaign-report")
CHUNK = 50_000


def campaign_fill(*, bulk_type: str, recipients: int):
    """A finished campaign of ``recipients`` numbers in every final status (made once)."""
    from django.db import transaction
    from django.utils import timezone

    from campaigns.models import Campaign, Recipient

    name = f"Bench report {bulk_type} {recipients}"
    campaign = Campaign.objects.filter(name=name).first()
    if campaign is not None and campaign.recipients.count() == recipients:
        return campaign
    Campaign.objects.filter(name=name).delete()
    now = timezone.now()
    campaign = Campaign.objects.create(
        name=name, bulk_type=bulk_type, variant="ECO", status=Campaign.Status.FINISHED,
        message="Cześć {name}, -20% na wszystko w Łodzi!" if bulk_type == "PERSONALIZED"
        else "Wyprzedaż: -20% na wszystko w Łodzi!",
        submitted_at=now - timedelta(hours=1), recipients_count=recipients,
    )
    statuses = [Recipient.Status.DELIVERED] * 8 + [
        Recipient.Status.UNDELIVERED, Recipient.Status.EXPIRED]
    operators = ["POLAND_ORANGE", "POLAND_PLAY", "POLAND_PLUS", "POLAND_T_MOBILE"]
    names = ["Anna", "Jan", "Zofia", "Łukasz", "Małgorzata", "Piotr"]
    started = time.perf_counter()
    for start in range(0, recipients, CHUNK):
        with transaction.atomic():
            Recipient.objects.bulk_create(
                [
                    Recipient(
                        campaign=campaign, msisdn=f"48{500_000_000 + n}",
                        content=f"Cześć {names[n % 6]}, -20% na wszystko w Łodzi!"
                        if bulk_type == "PERSONALIZED" else "",
                        status=statuses[n % 10], status_code=statuses[n % 10].upper(),
                        operator=operators[n % 4], message_id=f"m{n}",
                        sent_at=now - timedelta(minutes=50, seconds=n % 600),
                        delivered_at=now - timedelta(minutes=40, seconds=n % 600),
                    )
                    for n in range(start, min(start + CHUNK, recipients))
                ],
                batch_size=5_000,
            )
    print(f"  generated {recipients:,} {bulk_type} recipients in "
          f"{time.perf_counter() - started:.1f} s")
    return campaign


def report_read(client, campaign, language: str) -> tuple[float, float, int, int]:
    """(seconds to the first chunk, seconds in all, bytes, lines) of one download."""
    started = time.perf_counter()
    response = client.get(f"/campaigns/{campaign.pk}/report.csv",
                          HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response.streaming, response.status_code
    first = None
    size = lines = 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return first or 0.0, time.perf_counter() - started, size, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK / 'bench.sqlite3'}")
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--language", default="pl")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    django_configure(args.database_url, WORK)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tests.factories.users import marketing_user_create

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Database: {connection.vendor}; machine: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    campaigns = [campaign_fill(bulk_type=kind, recipients=args.recipients)
                 for kind in ("PERSONALIZED", "STANDARD")]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="bench-marketer").first()
    client = Client()
    client.force_login(user or marketing_user_create(username="bench-marketer"))
    print(f"{'campaign':<14} {'recipients':>10} {'first chunk s':>13} {'total s':>8} "
          f"{'rows/s':>9} {'MB':>7} {'peak RSS MB':>11}")
    for campaign in campaigns:
        first, total, size, lines = report_read(client, campaign, args.language)
        rows = lines - 1  # the header
        if rows != args.recipients:
            sys.exit(f"the report of {campaign.name} has {rows:,} rows, not {args.recipients:,}")
        print(f"{campaign.bulk_type:<14} {rows:>10,} {first:>13.3f} {total:>8.2f} "
              f"{rows / total:>9,.0f} {size / 1e6:>7.1f} {peak_rss_mb():>11.0f}")


if __name__ == "__main__":
    main()
