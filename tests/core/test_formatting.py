"""The one way the panel writes numbers, money, points, percentages, dates and times,
in English and in Polish (functions and their template filters)."""

from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from justsend_panel.core import formatting

NB = "\u00a0"
MOMENT = datetime(2026, 12, 2, 9, 27, tzinfo=dt_timezone.utc)  # 10:27 in Warsaw

CASES = [
    # (function, arguments, English, Polish)
    (formatting.money, (Decimal("8.4E+2"), "PLN"), f"840.00{NB}PLN", f"840,00{NB}PLN"),
    (formatting.money, (Decimal("10000.0"), "PLN"), f"10,000.00{NB}PLN", f"10{NB}000,00{NB}PLN"),
    # A provider's cost: two to four decimals, as many as it has (SMS.by's 0.02600, 0.078).
    (formatting.money_fine, (Decimal("0.02600"), "BYN"), f"0.026{NB}BYN", f"0,026{NB}BYN"),
    (formatting.money_fine, (Decimal("0.078"), ""), "0.078", "0,078"),
    (formatting.money_fine, (Decimal("1.5"), "BYN"), f"1.50{NB}BYN", f"1,50{NB}BYN"),
    (formatting.money_fine, (Decimal("718.40660"), "BYN"), f"718.4066{NB}BYN", f"718,4066{NB}BYN"),
    (formatting.money_fine, (Decimal("0.000049"), "BYN"), f"0.00{NB}BYN", f"0,00{NB}BYN"),
    (formatting.money_fine, (Decimal("12345"), "BYN"), f"12,345.00{NB}BYN", f"12{NB}345,00{NB}BYN"),
    (formatting.points, (Decimal("10000.00"),), f"10,000{NB}pts", f"10{NB}000{NB}pkt"),
    (formatting.points, (Decimal("2.50"),), f"2.50{NB}pts", f"2,50{NB}pkt"),
    (formatting.percent, (83.6,), "83.6%", "83,6%"),
    (formatting.percent, (Decimal("100"),), "100.0%", "100,0%"),
    (formatting.count, (1234567,), "1,234,567", f"1{NB}234{NB}567"),
    (formatting.amount, (Decimal("0.7"),), "0.70", "0,70"),
    (formatting.when, (MOMENT,), "2026-12-02 10:27", "02.12.2026 10:27"),
    (formatting.when_exact, (MOMENT.replace(second=5),), "2026-12-02 10:27:05",
     "02.12.2026 10:27:05"),
    (formatting.day, (date(2026, 11, 3),), "2026-11-03", "03.11.2026"),
    (formatting.day, (MOMENT.replace(hour=23, minute=30),), "2026-12-03", "03.12.2026"),
]


@pytest.fixture(autouse=True)
def warsaw(settings):
    settings.TIME_ZONE = "Europe/Warsaw"


@pytest.mark.parametrize(("function", "arguments", "english", "polish"), CASES,
                         ids=[f"{c[0].__name__}-{n}" for n, c in enumerate(CASES)])
def test_each_formatter_in_both_languages(function, arguments, english, polish):
    with translation.override("en"):
        assert function(*arguments) == english
    with translation.override("pl"):
        assert function(*arguments) == polish


@pytest.mark.parametrize("function", [formatting.money, formatting.money_fine, formatting.points, formatting.percent,
                                      formatting.count, formatting.when, formatting.when_exact,
                                      formatting.day])
def test_nothing_is_a_dash(function):
    assert function(None) == "—"


def test_no_time_has_a_meridiem_to_double_a_period():
    with translation.override("en"):
        sentence = Template("{% load panel_format %}Sent at {{ at|when }}.").render(
            Context({"at": MOMENT.replace(hour=9, minute=0)}))
    assert sentence == "Sent at 2026-12-02 10:00."


@pytest.mark.parametrize(("language", "expected"), [
    ("en", f"840.00{NB}PLN|1,234.50{NB}pts|83.6%|12,345|2026-12-02 10:27|2026-11-03"),
    ("pl", f"840,00{NB}PLN|1{NB}234,50{NB}pkt|83,6%|12{NB}345|02.12.2026 10:27|03.11.2026"),
])
def test_the_template_filters(language, expected):
    template = Template("{% load panel_format %}{{ cost|money:'PLN' }}|{{ spent|points }}|{{ rate|percent }}|"
                        "{{ n|count }}|{{ at|when }}|{{ d|day }}")
    with translation.override(language):
        rendered = template.render(Context({
            "cost": Decimal("8.4E+2"), "spent": Decimal("1234.5"), "rate": 83.6, "n": 12345, "at": MOMENT,
            "d": date(2026, 11, 3),
        }))
    assert rendered == expected
