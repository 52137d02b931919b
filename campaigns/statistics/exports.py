"""The Statistics table as CSV: the rows on the page, every day of them, safe in a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterator

from campaigns.statistics.selectors import Statistics

HEADER = [
    "day", "variant", "campaigns", "recipients", "sent", "delivered", "undelivered",
    "not_sent", "delivery_rate_percent", "points", "cost", "currency", "source", "provider",
]


def statistics_csv(*, statistics: Statistics) -> Iterator[list]:
    yield HEADER
    for row in statistics.rows:
        yield [
            row.day.isoformat() if row.day else "", row.variant, row.batches, row.recipients,
            row.sent, row.delivered, row.undelivered, row.not_sent, row.delivery_rate,
            row.points, row.cost, statistics.currency if row.cost is not None else "",
            statistics.source, statistics.query.provider or "",  # empty: every provider
        ]
