import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from billing.exports import transactions_csv_rows
from justsend_panel.core.spreadsheets import spreadsheet_safe
from justsend_panel.sms.exceptions import SmsHostError
from tests.billing.helpers import bulk_send

pytestmark = pytest.mark.django_db

TRANSACTIONS = "/api/payment/transaction"


@pytest.fixture
def transactions(panel_sandbox):
    """Three top-ups (CHARGE, PROFORMA) and one bulk payment (BULK_PAYMENT, POINTS)."""
    for balance in (1000, 2000, 3000):
        panel_sandbox.set_balance(balance=balance)
    bulk_send()
    return panel_sandbox


def _rows(response) -> list:
    return list(response.context["table"].page.object_list)


def _last_query(sandbox) -> dict:
    return sandbox.requests(path=TRANSACTIONS)[-1]["query"]


def test_lists_the_last_30_days_by_default(marketing_client, transactions, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = marketing_client.get("/billing/transactions/")
    assert response.status_code == 200
    table = response.context["table"]
    assert len(table.page.object_list) == 4
    query = _last_query(transactions)
    start = timezone.datetime.fromisoformat(query["startDate"])
    assert timezone.now() - start > timedelta(days=29)
    assert "endDate" in query and query["size"] == "25" and query["page"] == "0"
    page = response.content.decode()
    assert "BULK_PAYMENT" in page and "CHARGE" in page


def test_every_filter_goes_to_justsend(marketing_client, transactions):
    response = marketing_client.get(
        "/billing/transactions/",
        {"provider": "JUSTSEND", "method": "POINTS", "status": "SUCCESS",
         "start": "2020-01-01", "end": "2099-12-31", "search": "JS-"},
    )
    query = _last_query(transactions)
    assert (query["paymentProvider"], query["paymentMethod"], query["transactionStatus"]) == (
        "JUSTSEND", "POINTS", "SUCCESS")
    assert query["search"] == "JS-"
    assert query["startDate"].startswith("2020-01-01T00:00:00")
    assert query["endDate"].startswith("2099-12-31T23:59:59")
    assert [str(row.record.transaction_type) for row in _rows(response)] == ["BULK_PAYMENT"]


def test_short_search_and_reversed_dates_are_refused_without_asking_justsend(marketing_client, transactions):
    before = len(transactions.requests(path=TRANSACTIONS))
    response = marketing_client.get("/billing/transactions/", {"search": "ab"})
    assert response.status_code == 200
    assert "at least 3 characters" in response.content.decode()
    response = marketing_client.get("/billing/transactions/", {"start": "2025-02-01", "end": "2025-01-01"})
    assert "must not be before" in response.content.decode()
    response = marketing_client.get("/billing/transactions/", {"start": "not-a-date", "provider": "NOPE"})
    assert response.status_code == 200
    assert len(transactions.requests(path=TRANSACTIONS)) == before


def test_sorting_and_paging_use_justsend_paging(marketing_client, transactions):
    response = marketing_client.get("/billing/transactions/", {"sort": "-amount", "size": "25"})
    query = _last_query(transactions)
    assert (query["sortField"], query["sortDirection"]) == ("amountInPoints", "DESC")
    amounts = [row.record.amount_in_points for row in _rows(response)]
    assert amounts == sorted(amounts, reverse=True)

    response = marketing_client.get("/billing/transactions/", {"sort": "date", "page": "2", "size": "25"})
    query = _last_query(transactions)
    assert query["page"] == "1" and query["sortField"] == "transactionDate"
    # 4 rows: page 2 is past the end; the table shows the last page it has rather than a 500.
    assert response.status_code in (200, 404)

    marketing_client.get("/billing/transactions/", {"sort": "value"})  # not sortable there
    assert "sortField" not in _last_query(transactions)


def test_many_pages_are_paged_by_justsend(marketing_client, panel_sandbox):
    for balance in range(1, 31):
        panel_sandbox.set_balance(balance=balance)
    response = marketing_client.get("/billing/transactions/", {"size": "25", "page": "2", "sort": "id"})
    assert response.context["table"].paginator.num_pages == 2
    assert len(_rows(response)) == 5
    assert _last_query(panel_sandbox)["page"] == "1"
    assert 'data-testid="total"' in response.content.decode()


def test_justsend_error_keeps_the_page_up(marketing_client, panel_sandbox):
    panel_sandbox.set_faults(rate_500=1)
    response = marketing_client.get("/billing/transactions/")
    assert response.status_code == 200
    assert 'data-testid="reading-error"' in response.content.decode()


def test_last_known_page_is_shown_when_justsend_goes_down(marketing_client, transactions):
    marketing_client.get("/billing/transactions/")
    transactions.set_faults(rate_500=1)
    response = marketing_client.get("/billing/transactions/?refresh=1")
    assert response.status_code == 200
    assert response.context["reading"].error
    assert len(response.context["table"].page.object_list) == 4
    assert "Showing the last known values" in response.content.decode()


def test_csv_export_streams_the_filtered_rows(marketing_client, transactions):
    response = marketing_client.get(
        "/billing/transactions/export.csv", {"method": "PROFORMA", "sort": "id"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["date", "type", "points"]
    assert [row[1] for row in rows[1:]] == ["CHARGE"] * 3
    # From the starting 10000 to 1000, then +1000 twice; a negative number is not "defused".
    assert [row[2] for row in rows[1:]] == ["-9000.0", "1000.0", "1000.0"]
    assert _last_query(transactions)["paymentMethod"] == "PROFORMA"
    assert _last_query(transactions)["size"] == "500"


def test_csv_export_error_comes_back_as_a_message(marketing_client, panel_sandbox):
    panel_sandbox.set_faults(rate_500=1)
    response = marketing_client.get("/billing/transactions/export.csv", {"status": "ERROR"}, follow=True)
    assert response.status_code == 200
    assert "Export failed" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/billing/transactions/?")
    bad = marketing_client.get("/billing/transactions/export.csv", {"search": "x"}, follow=True)
    assert "Fix the filters" in bad.content.decode()


def test_spreadsheet_formulas_are_defused_numbers_are_not():
    assert spreadsheet_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert spreadsheet_safe("+48123") == "'+48123"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("-2+3") == "'-2+3"
    assert spreadsheet_safe("JS-12") == "JS-12"
    from decimal import Decimal

    assert spreadsheet_safe(Decimal("-14.00")) == Decimal("-14.00")


def test_an_export_cut_short_says_so_in_the_file():
    def failing():
        raise SmsHostError("Justsend went away")
        yield  # pragma: no cover

    rows = list(transactions_csv_rows(failing()))
    assert rows[0][:2] == ["date", "type"]
    assert "Export incomplete: Justsend went away" in rows[-1][0]


def test_newest_first_by_default(marketing_client, panel_sandbox):
    for balance in (1000, 2000, 3000):
        panel_sandbox.set_balance(balance=balance)
        panel_sandbox.advance(60)

    response = marketing_client.get("/billing/transactions/")

    query = _last_query(panel_sandbox)
    assert (query["sortField"], query["sortDirection"]) == ("transactionDate", "DESC")
    balances = [row.record.account_balance_in_points for row in _rows(response)]
    assert balances[0] == 3000 and balances == sorted(balances, reverse=True)

    marketing_client.get("/billing/transactions/export.csv")
    query = _last_query(panel_sandbox)
    assert (query["sortField"], query["sortDirection"]) == ("transactionDate", "DESC")
