"""The one way the panel writes numbers, money, points, percentages, dates and times.

Tables (``render_*``), templates (the ``panel_format`` filters) and chart labels call
these, so "840.00 PLN" / "840,00 PLN" and "10,000 pts" / "10 000 pkt" look the same on
every page. Numbers follow the active language's separators (grouped thousands), dates
and times are shown in the panel's time zone (settings.TIME_ZONE).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.dateformat import format as date_format_string
from django.utils.formats import get_format
from django.utils.translation import gettext

EMPTY = "—"
NBSP = "\u00a0"  # a number and its unit never part at a line break

Number = int | float | Decimal | str


def count(value: Number | None) -> str:
    """A whole number with grouped thousands: 12,345 / 12 345."""
    if value is None or value == "":
        return EMPTY
    return floatformat(value, "0g")


def amount(value: Number | None, places: int = 2) -> str:
    """A number with exactly ``places`` decimals and grouped thousands (never 8.4E+2)."""
    if value is None or value == "":
        return EMPTY
    return floatformat(value, f"{places}g")


def points(value: Number | None) -> str:
    """Justsend points: decimals only when there are any, "1,234.5 pts" / "1 234,5 pkt"."""
    if value is None or value == "":
        return EMPTY
    return f"{floatformat(value, '-2g')}{NBSP}{gettext('pts')}"


def money(value: Number | None, currency: str | None = "") -> str:
    """Money with two decimals and its currency: 840.00 PLN / 840,00 PLN."""
    if value is None or value == "":
        return EMPTY
    number = floatformat(value, "2g")
    return f"{number}{NBSP}{currency}" if currency else number


def money_fine(value: Number | None, currency: str | None = "") -> str:
    """Money a provider reports in fractions of a cent (SMS.by: 0.078 a mailing): two to
    four decimals, as many as it has: 0.078 BYN / 0,078 BYN, 1.50 BYN, 0.0261 BYN."""
    if value is None or value == "":
        return EMPTY
    try:
        exact = Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    places = min(4, max(2, -exact.normalize().as_tuple().exponent))
    number = floatformat(exact, f"{places}g")
    return f"{number}{NBSP}{currency}" if currency else number


def percent(value: Number | None, places: int = 1) -> str:
    """A percentage: 83.6% / 83,6%."""
    if value is None or value == "":
        return EMPTY
    return f"{floatformat(value, f'{places}g')}%"


def when(value: datetime | None) -> str:
    """A moment, in the panel's time zone: 2026-12-02 18:27 / 02.12.2026 18:27."""
    if value is None:
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format_string(value, get_format("SHORT_DATETIME_FORMAT"))


def when_exact(value: datetime | None) -> str:
    """A moment to the second (a log's time): 2026-12-02 18:27:05 / 02.12.2026 18:27:05."""
    if value is None:
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format_string(value, get_format("SHORT_DATE_FORMAT") + " H:i:s")


def day(value: date | datetime | None) -> str:
    """A day: 2026-12-02 / 02.12.2026 (a moment is first moved to the panel's zone)."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format_string(value, get_format("SHORT_DATE_FORMAT"))


def zone_name() -> str:
    """The panel's time zone, for labels that name it (Europe/Warsaw)."""
    return timezone.get_current_timezone_name()
