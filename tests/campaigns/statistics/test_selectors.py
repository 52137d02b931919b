from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from campaigns.statistics.selectors import (
    DELAY_BUCKETS,
    Source,
    StatsQuery,
    campaign_delivery_stats,
    chart_data,
    local_daily_stats,
    statistics_get,
)
from tests.campaigns.statistics.conftest import delivered_recipient, finished_campaign

pytestmark = pytest.mark.django_db


def expected_by_day_and_variant(campaigns):
    expected = defaultdict(lambda: defaultdict(Decimal))
    for campaign in campaigns:
        key = (timezone.localtime(campaign.submitted_at).date(), campaign.variant)
        for name, value in (
            ("batches", 1), ("recipients", campaign.recipients_count), ("sent", campaign.sent_count),
            ("delivered", campaign.delivered_count), ("undelivered", campaign.undelivered_count),
            ("points", campaign.charged_points),
        ):
            expected[key][name] += value
    return expected


def test_local_figures_are_the_campaign_counters_per_day_and_variant_in_one_query(
    week_of_campaigns, django_assert_num_queries
):
    campaigns, _outside = week_of_campaigns
    today = timezone.localdate()
    query = StatsQuery(start=today - timedelta(days=6), end=today)

    with django_assert_num_queries(1):
        rows, currency = local_daily_stats(query=query)

    expected = expected_by_day_and_variant(campaigns)
    assert {(row.day, row.variant) for row in rows} == set(expected)
    for row in rows:
        figures = expected[(row.day, row.variant)]
        assert (row.batches, row.recipients, row.sent, row.delivered, row.undelivered, row.points) == (
            figures["batches"], figures["recipients"], figures["sent"], figures["delivered"],
            figures["undelivered"], figures["points"],
        )
    assert currency == "PLN"
    # A campaign with no cost known adds nothing to the cost (and does not blank it).
    assert sum(row.cost or 0 for row in rows) == sum(c.cost or 0 for c in campaigns)


def test_another_providers_estimate_is_not_added_to_justsends_cost(db):
    """An SMS Manager campaign keeps the estimate its launch showed, in the Providers
    page's currency: the day's cost stays Justsend's, in Justsend's currency."""
    today = timezone.localdate()
    finished_campaign("Justsend", day=today, cost="0.70")
    finished_campaign("SMS Manager", day=today, cost="9.90", provider="smsmanager",
                      cost_currency="CZK")
    rows, currency = local_daily_stats(query=StatsQuery(start=today, end=today))
    assert ([row.cost for row in rows], [row.batches for row in rows], currency) == (
        [Decimal("0.70")], [2], "PLN")


def test_a_campaign_submitted_late_in_the_evening_counts_on_its_local_day(db):
    # Midnight in the panel's zone (Europe/Warsaw) is the previous day in UTC: the
    # panel's days are local days.
    today = timezone.localdate()
    finished_campaign("Just after midnight", day=today, hour=0)
    rows, _currency = local_daily_stats(query=StatsQuery(start=today, end=today))
    assert [row.day for row in rows] == [today]


def test_variant_filter_and_totals(week_of_campaigns):
    campaigns, _outside = week_of_campaigns
    today = timezone.localdate()
    query = StatsQuery(start=today - timedelta(days=6), end=today, variant=Campaign.Variant.ECO)

    statistics = statistics_get(query=query, source=Source.LOCAL)

    eco = [c for c in campaigns if c.variant == Campaign.Variant.ECO]
    assert {row.variant for row in statistics.rows} == {"ECO"}
    assert statistics.local_totals.sent == sum(c.sent_count for c in eco)
    assert statistics.local_totals.delivered == sum(c.delivered_count for c in eco)
    assert statistics.totals.sent == statistics.local_totals.sent
    assert statistics.local_totals.delivery_rate == round(
        100 * sum(c.delivered_count for c in eco) / sum(c.sent_count for c in eco), 1
    )


def test_chart_data_has_every_day_of_the_range_and_a_series_per_variant(week_of_campaigns):
    campaigns, _outside = week_of_campaigns
    today = timezone.localdate()
    query = StatsQuery(start=today - timedelta(days=6), end=today)
    chart = chart_data(statistics=statistics_get(query=query, source=Source.LOCAL))

    assert len(chart["labels"]) == 7 and chart["days"][-1] == today.isoformat()
    sent = next(series for series in chart["series"] if series["key"] == "sent")
    assert sum(sent["data"]) == sum(c.sent_count for c in campaigns)
    assert sent["data"][chart["days"].index(today.isoformat())] == sum(
        c.sent_count for c in campaigns if timezone.localtime(c.submitted_at).date() == today
    )
    assert {v["label"] for v in chart["variants"]} == {c.variant for c in campaigns}


def test_campaign_delivery_times_fall_into_their_buckets(db):
    campaign = finished_campaign("Timed", day=timezone.localdate(), recipients=12, sent=11, delivered=9,
                                 undelivered=1)
    sent_at = timezone.now() - timedelta(days=1)
    # One delivery inside each bucket, and one beyond the last bound.
    delays = [upper - timedelta(seconds=1) for upper, _label in DELAY_BUCKETS]
    delays.append(DELAY_BUCKETS[-1][0] + timedelta(hours=1))
    for n, delay in enumerate(delays):
        delivered_recipient(campaign, f"4860000{n:04d}", sent_at=sent_at, delay=delay)
    # Not timed: undelivered, and delivered without a sent time.
    delivered_recipient(campaign, "48600009998", sent_at=sent_at, delay=timedelta(seconds=5),
                        status=Recipient.Status.UNDELIVERED)
    delivered_recipient(campaign, "48600009999", sent_at=None, delay=None)

    stats = campaign_delivery_stats(campaign=campaign)

    assert [count for _label, count in stats.delays] == [1] * len(delays)
    assert stats.timed == len(delays)
    assert [(key, count) for key, _label, count, _pct in stats.funnel] == [
        ("recipients", 12), ("sent", 11), ("delivered", 9),
    ]
    assert stats.funnel[2][3] == round(100 * 9 / 12, 1)
    chart = stats.chart()
    assert chart["funnel"]["data"] == [12, 11, 9]
    assert len(chart["delays"]["labels"]) == len(delays)


def test_an_exact_bound_goes_to_the_next_bucket(db):
    campaign = finished_campaign("Bound", day=timezone.localdate())
    sent_at = timezone.now()
    delivered_recipient(campaign, "48600000001", sent_at=sent_at, delay=DELAY_BUCKETS[0][0])
    stats = campaign_delivery_stats(campaign=campaign)
    assert [count for _label, count in stats.delays][:2] == [0, 1]
