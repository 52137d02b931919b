"""Reads for the Statistics page, the campaign's delivery charts and the dashboard.

Local figures come from the campaigns' own counters (one aggregate query over the
campaigns table, never a ``COUNT(*)`` over recipients); Justsend's from
``/overview/send-stats`` and ``/overview/send-stats/sum``. A campaign's messages are
counted on the day it was submitted, in the panel's time zone.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import AccountSnapshot
from billing.readings import Reading, justsend_session
from billing.selectors import sending_cost_sum
from billing.services import AccountFigures, account_reading_get
from campaigns.models import CAMPAIGN_IN_FLIGHT, Campaign, ProviderCall, Recipient, SentMessage
from campaigns.provider_options import provider_cost_unit
from campaigns.selectors import Progress, campaign_progress_get
from campaigns.templatetags.provider_labels import provider_label
from justsend_panel.core import formatting
from justsend_panel.core.provider import provider_registry
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.models import ProviderSetting
from justsend_panel.sms.exceptions import SmsError
from justsend_panel.sms.registry import vocabulary

JUSTSEND_PROVIDER = "justsend"
JS = vocabulary(JUSTSEND_PROVIDER)
SendStats = JS.SendStats

logger = logging.getLogger(__name__)

# Justsend's statistics are read in pages of this size (its default is 14).
STATS_PAGE_SIZE = 100
MAX_RANGE_DAYS = 366
DEFAULT_DAYS = 30
POINT_PLACES = Decimal("0.0001")
# What a progress bar reads from a campaign row.
PROGRESS_COLUMNS = (
    "id", "name", "status", "variant", "submitted_at", "recipients_count",
    "remote_recipients_count", "sent_count", "delivered_count", "undelivered_count",
    "not_sent_count",
)


class Source:
    JUSTSEND = "justsend"
    LOCAL = "local"


@dataclass(frozen=True)
class StatsQuery:
    """A date range (both days included, panel time zone), an optional variant and an
    optional provider (a registry name: only the campaigns and messages it carried)."""

    start: date
    end: date
    variant: str | None = None
    provider: str | None = None

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.max))

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def stats_query_default(*, today: date | None = None) -> StatsQuery:
    today = today or timezone.localdate()
    return StatsQuery(start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)


@dataclass
class Figures:
    """Counts for a day and variant, or totals; ``undelivered`` includes expired."""

    batches: int = 0  # campaigns (local) or bulks (Justsend)
    recipients: int = 0
    sent: int = 0
    delivered: int = 0
    undelivered: int = 0
    not_sent: int = 0
    points: Decimal = Decimal("0")
    cost: Decimal | None = None
    # Campaigns whose cost in ``cost`` is what their provider reported (SMS.by's mailings),
    # and those whose cost is the panel's estimate (a provider that reported none yet).
    cost_reported: int = 0
    cost_estimated: int = 0

    @property
    def delivery_rate(self) -> float | None:
        return round(100 * self.delivered / self.sent, 1) if self.sent else None

    def add(self, other: Figures) -> None:
        for name in ("batches", "recipients", "sent", "delivered", "undelivered", "not_sent", "points",
                     "cost_reported", "cost_estimated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.cost is not None:
            self.cost = (self.cost or Decimal("0")) + other.cost


def figures_sum(rows) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row)
    return total


@dataclass
class DayRow(Figures):
    day: date | None = None
    variant: str = ""


@dataclass
class Statistics:
    query: StatsQuery
    source: str  # where rows come from: Source.JUSTSEND or Source.LOCAL
    rows: list[DayRow]
    local_totals: Figures
    justsend_totals: Figures | None = None
    currency: str = ""
    # Set when Justsend was asked and did not answer: the page shows local data instead.
    justsend_error: str | None = None
    # Justsend's own figures were asked for while another provider is filtered: they are
    # Justsend's account's, so the page shows the panel's figures of that provider instead.
    justsend_withheld: bool = False

    @property
    def totals(self) -> Figures:
        return figures_sum(self.rows)


def _local_query(query: StatsQuery):
    campaigns = Campaign.objects.filter(
        submitted_at__gte=query.start_at, submitted_at__lte=query.end_at
    )
    if query.variant:
        campaigns = campaigns.filter(variant=query.variant)
    if query.provider:
        campaigns = campaigns.filter(provider=query.provider)
    return campaigns


def local_daily_stats(*, query: StatsQuery) -> tuple[list[DayRow], str]:
    """Per day and variant from the campaigns' counters: one grouped query. Also the currency.

    A campaign's cost is what its provider reported where it did (``_reported_cost``), else
    the panel's estimate; the rows count which was which."""
    registry = provider_registry()
    charged = [name for name in registry.names() if registry.capabilities(name).charged_points]
    charging = Q(provider__in=charged)
    account_currency = Value("")
    if query.provider:
        # One provider's campaigns: its own cost, in its own currency.
        charging = Q(provider=query.provider)
        account_currency = Max(Subquery(ProviderSetting.objects.filter(provider=query.provider)
                                        .values("currency")[:1]))
    grouped = (
        _local_query(query)
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()),
                  reported_cost=_reported_cost())
        .values("day", "variant")
        .annotate(
            batches=Count("pk"),
            recipients=Sum("recipients_count"),
            sent=Sum("sent_count"),
            delivered=Sum("delivered_count"),
            undelivered=Sum("undelivered_count"),
            not_sent=Sum("not_sent_count"),
            points=Sum("charged_points"),
            # Justsend bills one account in one currency; another provider's cost (in its
            # own currency) is never added to it.
            # Named apart from the column: the filters below read the campaign's own cost.
            total_cost=Sum(Coalesce("reported_cost", "cost"), filter=charging),
            cost_reported=Count("pk", filter=charging & Q(reported_cost__isnull=False)),
            cost_estimated=Count("pk", filter=charging & Q(reported_cost__isnull=True, cost__isnull=False)
                                 & ~Q(provider__in=charged)),
            currency=Max("cost_currency", filter=charging & Q(reported_cost__isnull=True)),
            account_currency=account_currency,
        )
        .order_by("day", "variant")
    )
    rows, currency, reported = [], "", False
    for values in grouped:
        currency = currency or values["currency"] or ""
        reported = reported or bool(values["cost_reported"])
        rows.append(DayRow(
            day=values["day"], variant=values["variant"], batches=values["batches"],
            recipients=values["recipients"] or 0, sent=values["sent"] or 0,
            delivered=values["delivered"] or 0, undelivered=values["undelivered"] or 0,
            not_sent=values["not_sent"] or 0, points=_exact(values["points"]) or Decimal("0"),
            cost=_exact(values["total_cost"]), cost_reported=values["cost_reported"],
            cost_estimated=values["cost_estimated"],
        ))
        if reported and query.provider:
            # A reported cost is in the provider's account's currency (SMS.by names none).
            currency = provider_cost_unit(provider=query.provider,
                                          currency=values["account_currency"] or "")
    return rows, currency


def _exact(value) -> Decimal | None:
    # SQLite sums decimals as floats (0.9900000000000001): back to the columns' places.
    return Decimal(str(value)).quantize(POINT_PLACES) if value is not None else None


def _number(stats: SendStats, *keys: str) -> int:
    for key in keys:
        value = stats.get(key)
        if value is not None:
            try:
                return int(value)
            except (TypeError, ValueError):
                logger.warning("send-stats: %s=%r is not a number", key, value)
    return 0


def _points(stats: SendStats) -> Decimal:
    value = stats.get("chargedPoints")
    try:
        return Decimal(str(value)) if value is not None else Decimal("0")
    except InvalidOperation:
        logger.warning("send-stats: chargedPoints=%r is not a number", value)
        return Decimal("0")


def _figures(stats: SendStats) -> Figures:
    """Justsend's statistics object -> our counts. The manual names no fields; these are
    the sandbox's, which follow the names Justsend uses on a bulk's details."""
    return Figures(
        batches=_number(stats, "bulkCount"),
        recipients=_number(stats, "recipientsCount"),
        sent=_number(stats, "sentCount"),
        delivered=_number(stats, "deliveredCount"),
        undelivered=_number(stats, "undeliveredCount") + _number(stats, "expiredCount"),
        not_sent=_number(stats, "notSentCount"),
        points=_points(stats),
    )


def _day(value) -> date | None:
    if not value:
        return None
    try:
        text = str(value)
        if len(text) > 10:  # a date-time: its day in the panel's zone
            return timezone.localtime(datetime.fromisoformat(text.replace("Z", "+00:00"))).date()
        return date.fromisoformat(text)
    except ValueError:
        logger.warning("send-stats: sendDate=%r is not a date", value)
        return None


def justsend_daily_stats(*, query: StatsQuery) -> tuple[list[DayRow], Figures, str]:
    """Per day and variant, the sum (with its cost) and its currency, from Justsend;
    provider errors reach the caller."""
    variant = query.variant or None
    with justsend_session("statistics") as client:
        pages = client.iter_send_stats(
            from_date=query.start_at, to_date=query.end_at, bulk_variant=variant,
            size=STATS_PAGE_SIZE, sort_field="sendDate", sort_direction="ASC",
        )
        merged: dict[tuple[date, str], DayRow] = {}
        for stats in pages:
            day = _day(stats.get("sendDate"))
            if day is None:
                continue
            key = (day, str(stats.get("bulkVariant") or ""))
            merged.setdefault(key, DayRow(day=day, variant=key[1])).add(_figures(stats))
        total = _figures(client.get_send_stats_sum(
            from_date=query.start_at, to_date=query.end_at, bulk_variant=variant
        ))
        total.cost, total_currency = _justsend_cost(client, query)
    return sorted(merged.values(), key=lambda row: (row.day, row.variant)), total, total_currency


def _justsend_cost(client, query: StatsQuery) -> tuple[Decimal | None, str]:
    """The range's cost in money, from Justsend's sending payments and refunds (its
    statistics carry only points). Payments are not split by variant: none for one variant."""
    if query.variant:
        return None, ""
    try:
        return sending_cost_sum(client.iter_transactions(
            start_date=query.start_at, end_date=query.end_at, size=STATS_PAGE_SIZE,
        ))
    except SmsError as error:
        logger.warning("transactions %s..%s for the cost: %r", query.start, query.end, error)
        return None, ""


def statistics_get(*, query: StatsQuery, source: str = Source.JUSTSEND) -> Statistics:
    """The page's figures: rows from the source asked for; local totals always.

    When Justsend cannot be asked the rows are the local ones and ``justsend_error`` says why.
    """
    local_rows, currency = local_daily_stats(query=query)
    result = Statistics(
        query=query, source=Source.LOCAL, rows=local_rows, local_totals=figures_sum(local_rows),
        currency=currency,
    )
    if source != Source.JUSTSEND:
        return result
    if query.provider and query.provider != JUSTSEND_PROVIDER:
        result.justsend_withheld = True
        return result
    try:
        rows, justsend_totals, justsend_currency = justsend_daily_stats(query=query)
    except (SmsError, ApplicationError) as error:
        logger.warning("send-stats %s..%s: %r", query.start, query.end, error)
        result.justsend_error = getattr(error, "message", str(error))
        return result
    result.source, result.rows, result.justsend_totals = Source.JUSTSEND, rows, justsend_totals
    result.currency = result.currency or justsend_currency
    return result


def chart_data(*, statistics: Statistics) -> dict:
    """What static/js/statistics.js draws: every day of the range, also the empty ones."""
    days = statistics.query.days
    index = {day: n for n, day in enumerate(days)}
    series = {name: [0] * len(days) for name in ("sent", "delivered", "undelivered")}
    per_variant: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for row in statistics.rows:
        n = index.get(row.day)
        if n is None:
            continue
        for name in series:
            series[name][n] += getattr(row, name)
        per_variant[row.variant or "?"][n] += row.sent
    return {
        "labels": [formatting.day(day) for day in days],
        "days": [day.isoformat() for day in days],
        "series": [
            {"key": "sent", "label": _("Sent"), "data": series["sent"]},
            {"key": "delivered", "label": _("Delivered"), "data": series["delivered"]},
            {"key": "undelivered", "label": _("Undelivered"), "data": series["undelivered"]},
        ],
        "variants": [
            {"label": variant, "data": data} for variant, data in sorted(per_variant.items())
        ],
    }


# --- per provider: delivery rate, counts and costs -----------------------------------------


class ProviderCost(NamedTuple):
    """A sum of costs in one currency, and whether the provider reported it (Justsend's
    charged points, SMS.by's mailings) or the panel estimated it (segments x the Providers
    page's price). ``currency`` is what the page writes after the amount: a provider that
    names no currency (SMS.by) gets the Providers page's one, else a label that says so."""

    amount: Decimal
    currency: str
    reported: bool


@dataclass
class ProviderFigures:
    """One provider's figures over the range. ``failed`` are the final non-deliveries
    (undelivered, expired, rejected: the page's "Undelivered"); ``in_doubt`` the messages
    whose hand-over was never confirmed (campaign recipients and single messages).
    Single messages count in ``delivered``/``failed`` by the status the provider reported
    (``delivery_status``), in ``in_doubt`` while it reported none and their hand-over was
    never confirmed."""

    provider: str
    batches: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    not_sent: int = 0
    in_doubt: int = 0
    single: int = 0
    # Per currency and source: never added across currencies, nor a report to an estimate.
    costs: list[ProviderCost] = field(default_factory=list)

    @property
    def final(self) -> int:
        return self.delivered + self.failed

    @property
    def delivery_rate(self) -> float | None:
        """Delivered out of the messages with a final status; None while none has one."""
        return round(100 * self.delivered / self.final, 1) if self.final else None

    def cost_add(self, amount, currency: str, *, reported: bool) -> None:
        amount = _exact(amount)
        for n, cost in enumerate(self.costs):
            if (cost.currency, cost.reported) == (currency, reported):
                self.costs[n] = cost._replace(amount=cost.amount + amount)
                return
        self.costs.append(ProviderCost(amount, currency, reported))


def _provider_order(name: str) -> tuple[int, str]:
    names = provider_registry().names()
    return (names.index(name), "") if name in names else (len(names), name)


def _reported_cost():
    """A campaign's cost as its provider reported it: the sum of its calls' costs (SMS.by's
    mailings); NULL while none reported one."""
    return Subquery(
        ProviderCall.objects.filter(campaign=OuterRef("pk"), cost__isnull=False)
        .order_by().values("campaign").annotate(total=Sum("cost")).values("total")
    )


SINGLE_FAILED = (Recipient.Status.UNDELIVERED, Recipient.Status.EXPIRED, Recipient.Status.REJECTED)


def provider_delivery_stats(*, query: StatsQuery) -> list[ProviderFigures]:
    """Per provider, in the panel's order: three grouped queries (campaign counters and
    costs by provider and currency, recipients in doubt, single messages), whatever the row
    counts. A campaign's cost is what its provider reported where it did, else the estimate."""
    found: dict[str, ProviderFigures] = {}
    registry = provider_registry()

    def of(name: str) -> ProviderFigures:
        return found.setdefault(name, ProviderFigures(provider=name))

    def charges(name: str) -> bool:
        # Justsend's campaign cost is its charged points priced: the provider's own figure.
        return name in registry.names() and registry.capabilities(name).charged_points

    campaigns = _local_query(query)
    for values in (
        campaigns.annotate(reported_cost=_reported_cost())
        .values("provider", "cost_currency")
        .annotate(batches=Count("pk"), sent=Sum("sent_count"), delivered=Sum("delivered_count"),
                  failed=Sum("undelivered_count"), not_sent=Sum("not_sent_count"),
                  estimated=Sum("cost", filter=Q(reported_cost__isnull=True)),
                  reported=Sum("reported_cost"),
                  # The currency of the provider's account, where the Providers page names it.
                  account_currency=Max(Subquery(
                      ProviderSetting.objects.filter(provider=OuterRef("provider"))
                      .values("currency")[:1])))
        .order_by()
    ):
        provider = values["provider"]
        figures = of(provider)
        for name in ("batches", "sent", "delivered", "failed", "not_sent"):
            setattr(figures, name, getattr(figures, name) + (values[name] or 0))
        if values["estimated"] is not None:
            figures.cost_add(values["estimated"], values["cost_currency"], reported=charges(provider))
        if values["reported"] is not None:
            unit = provider_cost_unit(provider=provider, currency=values["account_currency"] or "")
            figures.cost_add(values["reported"], unit, reported=True)
    # recipient_campaign_status_idx finds each campaign's few in doubt: no scan of all rows.
    for values in (
        Recipient.objects.filter(campaign__in=campaigns, status=Recipient.Status.IN_DOUBT)
        .values("campaign__provider").annotate(count=Count("pk")).order_by()
    ):
        of(values["campaign__provider"]).in_doubt += values["count"]
    singles = SentMessage.objects.filter(created_at__gte=query.start_at, created_at__lte=query.end_at)
    if query.variant:
        singles = singles.filter(variant=query.variant)
    if query.provider:
        singles = singles.filter(provider=query.provider)
    for values in (
        singles.values("provider")
        .annotate(
            count=Count("pk"),
            delivered=Count("pk", filter=Q(delivery_status=Recipient.Status.DELIVERED)),
            failed=Count("pk", filter=Q(delivery_status__in=SINGLE_FAILED)),
            # What the provider reported settles it (a JustCall callback, an SMS.by poll);
            # without a report, the hand-over's own state.
            in_doubt=Count("pk", filter=Q(delivery_status="", state=SentMessage.State.IN_DOUBT)),
        )
        .order_by()
    ):
        figures = of(values["provider"])
        figures.single += values["count"]
        figures.delivered += values["delivered"]
        figures.failed += values["failed"]
        figures.in_doubt += values["in_doubt"]
    for figures in found.values():
        figures.costs.sort(key=lambda cost: (cost.currency, not cost.reported))
    return sorted(found.values(), key=lambda figures: _provider_order(figures.provider))


def provider_chart_data(*, providers: list[ProviderFigures]) -> dict:
    """What static/js/statistics.js draws for the delivery rate per provider."""
    return {
        "labels": [provider_label(figures.provider) for figures in providers],
        "rate": [figures.delivery_rate for figures in providers],
        "rate_label": _("Delivery rate (%)"),
    }


# --- one campaign: funnel and delivery times -----------------------------------------------

# Upper bounds of the delivery time buckets (sent -> delivered); the last one is open.
DELAY_BUCKETS = (
    (timedelta(seconds=10), gettext_lazy("< 10 s")),
    (timedelta(seconds=30), gettext_lazy("10–30 s")),
    (timedelta(minutes=1), gettext_lazy("30 s–1 min")),
    (timedelta(minutes=5), gettext_lazy("1–5 min")),
    (timedelta(minutes=15), gettext_lazy("5–15 min")),
    (timedelta(hours=1), gettext_lazy("15 min–1 h")),
    (timedelta(hours=6), gettext_lazy("1–6 h")),
)


@dataclass
class CampaignDeliveryStats:
    recipients: int
    sent: int
    delivered: int
    undelivered: int
    # (label, count) per delivery time bucket, shortest first; the last is "longer".
    delays: list[tuple[str, int]] = field(default_factory=list)
    timed: int = 0  # delivered recipients with both times known

    @property
    def funnel(self) -> list[tuple[str, str, int, float]]:
        """(key, label, count, percent of recipients)."""
        steps = (
            ("recipients", _("Recipients"), self.recipients),
            ("sent", _("Sent"), self.sent),
            ("delivered", _("Delivered"), self.delivered),
        )
        return [
            (key, label, count, round(100 * count / self.recipients, 1) if self.recipients else 0.0)
            for key, label, count in steps
        ]

    def chart(self) -> dict:
        funnel = self.funnel
        return {
            "funnel": {
                "labels": [label for _key, label, _count, _pct in funnel],
                "data": [count for _key, _label, count, _pct in funnel],
            },
            "delays": {
                "labels": [label for label, _count in self.delays],
                "data": [count for _label, count in self.delays],
            },
        }


def campaign_delivery_stats(*, campaign: Campaign) -> CampaignDeliveryStats:
    """The funnel from the campaign's counters; delivery times in one aggregate query over
    its delivered recipients (only the page that shows them asks, after the page loads)."""
    delay = ExpressionWrapper(F("delivered_at") - F("sent_at"), output_field=DurationField())
    delivered = Recipient.objects.filter(
        campaign=campaign, status=Recipient.Status.DELIVERED,
        sent_at__isnull=False, delivered_at__isnull=False,
    ).annotate(delay=delay)
    counts, lower = {}, None
    for n, (upper, _label) in enumerate(DELAY_BUCKETS):
        condition = Q(delay__lt=upper) if lower is None else Q(delay__gte=lower, delay__lt=upper)
        counts[f"b{n}"] = Count("pk", filter=condition)
        lower = upper
    counts["longer"] = Count("pk", filter=Q(delay__gte=lower))
    counts["timed"] = Count("pk")
    found = delivered.aggregate(**counts)
    delays = [(str(label), found[f"b{n}"]) for n, (_upper, label) in enumerate(DELAY_BUCKETS)]
    delays.append((_("longer"), found["longer"]))
    return CampaignDeliveryStats(
        recipients=campaign_progress_get(campaign=campaign).total,
        sent=campaign.sent_count,
        delivered=campaign.delivered_count,
        undelivered=campaign.undelivered_count,
        delays=delays,
        timed=found["timed"],
    )


# --- the dashboard ---------------------------------------------------------------------------

DASHBOARD_LIST_SIZE = 8
DELIVERY_RATE_DAYS = 7


@dataclass
class Dashboard:
    balance: Reading[AccountFigures] | None
    sending: list[tuple[Campaign, Progress]]
    scheduled: list[Campaign]
    scheduled_more: bool
    week: Statistics

    @property
    def week_rate(self) -> float | None:
        return self.week.local_totals.delivery_rate

    def week_chart(self) -> dict:
        days = self.week.query.days
        by_day = {day: Figures() for day in days}
        for row in self.week.rows:
            if row.day in by_day:
                by_day[row.day].add(row)
        return {
            "labels": [formatting.day(day) for day in days],
        "days": [day.isoformat() for day in days],
            "rate": [by_day[day].delivery_rate for day in days],
            "sent": [by_day[day].sent for day in days],
            "rate_label": _("Delivery rate (%)"),
            "sent_label": _("Sent"),
        }


def campaigns_sending_now() -> list[tuple[Campaign, Progress]]:
    campaigns = Campaign.objects.filter(status__in=CAMPAIGN_IN_FLIGHT).only(*PROGRESS_COLUMNS).order_by(
        "submitted_at", "pk"
    )[:DASHBOARD_LIST_SIZE]
    return [(campaign, campaign_progress_get(campaign=campaign)) for campaign in campaigns]


def balance_get() -> Reading[AccountFigures] | None:
    """The newest snapshot (beat takes one every 15 minutes); only when there is none yet is
    Justsend asked, through billing's cached reading, which records one."""
    snapshot = AccountSnapshot.objects.order_by("-taken_at").first()
    if snapshot is not None:
        return Reading(value=AccountFigures.from_snapshot(snapshot), fetched_at=snapshot.taken_at)
    try:
        reading = account_reading_get()
    except ApplicationError as error:
        logger.info("dashboard balance: %s", error)
        return None
    return reading if reading.value is not None else None


def dashboard_get() -> Dashboard:
    """A handful of small queries, whatever the size of the recipients table."""
    scheduled = list(
        Campaign.objects.filter(status=Campaign.Status.SCHEDULED)
        .only("id", "name", "variant", "scheduled_at", "recipients_count")
        .order_by("scheduled_at", "pk")[: DASHBOARD_LIST_SIZE + 1]
    )
    today = timezone.localdate()
    week = StatsQuery(start=today - timedelta(days=DELIVERY_RATE_DAYS - 1), end=today)
    return Dashboard(
        balance=balance_get(),
        sending=campaigns_sending_now(),
        scheduled=scheduled[:DASHBOARD_LIST_SIZE],
        scheduled_more=len(scheduled) > DASHBOARD_LIST_SIZE,
        week=statistics_get(query=week, source=Source.LOCAL),
    )
