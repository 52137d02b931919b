"""The Statistics page against the sandbox over HTTP: its figures are Justsend's and the
panel's own, the charts get every day, bad filters get messages, the CSV is safe."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.statistics.exports import HEADER, statistics_csv
from justsend_panel.core.spreadsheets import spreadsheet_csv_chunks
from campaigns.statistics.selectors import DayRow, Figures, Statistics, StatsQuery
from justsend_panel.sms.justsend.types import BulkVariant, Recipient
from tests.contract.conftest import bulk_request

pytestmark = pytest.mark.django_db

URL = "/campaigns/statistics/"


def sandbox_figures(panel_sandbox, path, start, end, **params):
    """What the sandbox answers, asked with plain HTTP (not through the panel's client)."""
    with panel_sandbox.client() as http:
        answer = http.get(path, params={
            "fromDate": start.isoformat(), "toDate": end.isoformat(), "size": 1000, **params,
        })
    answer.raise_for_status()
    return answer.json()


@pytest.fixture
def sandbox_bulks(panel_sandbox, sandbox_client):
    sandbox_client.send_bulk(request=bulk_request(
        recipients=[Recipient(f"4850010{n:04d}") for n in range(5)]
    ))
    sandbox_client.send_bulk(request=bulk_request(
        name="Pro", bulk_variant=BulkVariant.PRO, sender="ACME",
        recipients=[Recipient(f"4850020{n:04d}") for n in range(3)],
    ))
    panel_sandbox.advance(120)  # sent, and the delivery reports in
    return panel_sandbox


def page_totals(response) -> dict[str, str]:
    page = response.content.decode()
    return {
        name: page.split(f'data-total="{name}">', 1)[1].split("<", 1)[0].strip()
        for name in ("sent", "delivered", "undelivered")
    }


def test_figures_are_justsends_rows_and_sum(marketing_client, sandbox_bulks):
    response = marketing_client.get(URL)

    assert response.status_code == 200
    statistics = response.context["statistics"]
    assert statistics.source == "justsend" and statistics.justsend_error is None
    query = statistics.query
    raw_rows = sandbox_figures(sandbox_bulks, "overview/send-stats", query.start_at, query.end_at)["content"]
    raw_sum = sandbox_figures(sandbox_bulks, "overview/send-stats/sum", query.start_at, query.end_at)
    assert raw_sum["sentCount"] == 8  # the two bulks above, nothing else
    assert sorted((r.variant, r.sent, r.delivered, r.undelivered) for r in statistics.rows) == sorted(
        (r["bulkVariant"], r["sentCount"], r["deliveredCount"], r["undeliveredCount"] + r["expiredCount"])
        for r in raw_rows
    )
    totals = statistics.justsend_totals
    assert (totals.sent, totals.delivered, totals.points) == (
        raw_sum["sentCount"], raw_sum["deliveredCount"], Decimal(str(raw_sum["chargedPoints"]))
    )
    assert page_totals(response) == {
        "sent": str(raw_sum["sentCount"]),
        "delivered": str(raw_sum["deliveredCount"]),
        "undelivered": str(raw_sum["undeliveredCount"] + raw_sum["expiredCount"]),
    }
    chart = json.loads(response.content.decode().split('id="statistics-data" type="application/json">')[1]
                       .split("</script>")[0])
    assert len(chart["labels"]) == len(query.days)
    assert sum(chart["series"][0]["data"]) == raw_sum["sentCount"]
    assert {v["label"] for v in chart["variants"]} == {"ECO", "PRO"}


def test_variant_filter_is_passed_to_justsend(marketing_client, sandbox_bulks):
    response = marketing_client.get(URL, {"variant": "PRO"})
    statistics = response.context["statistics"]
    assert {row.variant for row in statistics.rows} == {"PRO"}
    assert statistics.justsend_totals.sent == 3
    asked = sandbox_bulks.requests(path="/api/overview/send-stats/sum")
    assert asked[-1]["query"]["bulkVariant"] == "PRO"


def test_local_source_shows_the_panels_campaigns(marketing_client, week_of_campaigns, django_assert_max_num_queries):
    campaigns, _outside = week_of_campaigns
    # session, user, permissions, the one aggregate, the three grouped per-provider queries
    with django_assert_max_num_queries(11):
        response = marketing_client.get(URL, {"source": "local"})
    statistics = response.context["statistics"]
    assert statistics.source == "local"
    assert page_totals(response)["sent"] == str(sum(c.sent_count for c in campaigns))
    cost = sum(c.cost for c in campaigns if c.cost is not None)
    assert f'data-total="cost">{cost:.2f}\u00a0PLN<' in response.content.decode()
    assert len(response.context["table"].rows) == len(statistics.rows) > 0


def test_unreachable_justsend_shows_local_figures_and_says_so(marketing_client, week_of_campaigns, settings):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"
    settings.JUSTSEND_SANDBOX_APP_KEY = "unreachable"
    campaigns, _outside = week_of_campaigns

    response = marketing_client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="statistics-justsend-error"' in page
    assert response.context["statistics"].source == "local"
    assert page_totals(response)["delivered"] == str(sum(c.delivered_count for c in campaigns))


def test_justsend_server_error_falls_back_as_well(marketing_client, panel_sandbox):
    panel_sandbox.set_faults(rate_500=1)
    response = marketing_client.get(URL)
    assert response.status_code == 200
    assert response.context["statistics"].justsend_error


@pytest.mark.parametrize("params, message", [
    ({"date_from": "2026-05-10", "date_to": "2026-05-01"}, "must not be after"),
    ({"date_from": "2024-01-01", "date_to": "2026-01-01"}, "at most 366 days"),
    ({"date_from": "yesterday"}, "Enter a valid date"),
    ({"variant": "SMOKE"}, "Select a valid choice"),
    ({"source": "elsewhere"}, "Select a valid choice"),
])
def test_bad_filters_get_a_message_not_an_error(marketing_client, params, message):
    response = marketing_client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "statistics" not in response.context


def test_one_date_is_enough(marketing_client, db, settings):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"
    response = marketing_client.get(URL, {"date_from": "2026-01-01", "source": "local"})
    query = response.context["statistics"].query
    assert (query.start.isoformat(), (query.end - query.start).days) == ("2026-01-01", 29)


def test_csv_export_has_the_page_rows(marketing_client, week_of_campaigns):
    campaigns, _outside = week_of_campaigns
    response = marketing_client.get("/campaigns/statistics/export.csv", {"source": "local"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sum(int(row["sent"]) for row in rows) == sum(c.sent_count for c in campaigns)
    assert {row["variant"] for row in rows} == {c.variant for c in campaigns}
    assert all(row["source"] == "local" for row in rows)


def test_csv_export_with_bad_filters_goes_back_with_a_message(marketing_client):
    response = marketing_client.get("/campaigns/statistics/export.csv", {"date_from": "x"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/campaigns/statistics/?")
    assert "Correct the filters before exporting." in response.content.decode()


def test_csv_cells_from_justsend_cannot_be_formulas():
    today = timezone.localdate()
    row = DayRow(day=today, variant="=HYPERLINK(\"http://x\")", sent=3, delivered=1, undelivered=2)
    statistics = Statistics(
        query=StatsQuery(start=today - timedelta(days=1), end=today), source="justsend",
        rows=[row], local_totals=Figures(),
    )
    text = "".join(spreadsheet_csv_chunks(statistics_csv(statistics=statistics), language="en"))
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert lines[0] == HEADER
    assert lines[1][1] == "'=HYPERLINK(\"http://x\")"
    assert lines[1][4:7] == ["3", "1", "2"]


@pytest.mark.parametrize("params", [{}, {"source": "local"}, {"date_to": "2026-03-31", "source": "local"}])
def test_the_date_fields_show_the_range_used(marketing_client, db, settings, params):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"
    response = marketing_client.get(URL, params)
    query = response.context["statistics"].query
    page = response.content.decode()
    assert f'name="date_from" value="{query.start.isoformat()}"' in page
    assert f'name="date_to" value="{query.end.isoformat()}"' in page
    if "date_to" in params:
        assert query.end.isoformat() == params["date_to"]


def test_justsends_cost_of_the_range_is_what_its_bulks_cost(marketing_client, sandbox_bulks, sandbox_client):
    """The Justsend row's cost was always "—": its statistics carry only points, so the money
    comes from its sending payments in the range; each bulk's own cost (8.2) adds up to it."""
    bulk_costs = [sandbox_client.get_bulk(uuid=bulk.uuid).cost
                  for bulk in sandbox_client.list_bulks(size=50).content]
    expected = sum(cost.amount for cost in bulk_costs)
    assert expected > 0

    for language, text in (("en", f"{expected:.2f}\u00a0PLN"), ("pl", f"{expected:.2f}\u00a0PLN".replace(".", ","))):
        response = marketing_client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
        assert response.context["statistics"].justsend_totals.cost == expected
        cell = response.content.decode().split('data-total="justsend-cost">', 1)[1].split("</td>", 1)[0]
        assert text in cell, cell

    one_variant = marketing_client.get(URL, {"variant": "PRO"})
    assert one_variant.context["statistics"].justsend_totals.cost is None  # payments carry no variant
