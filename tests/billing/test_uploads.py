import pytest

from billing.services import uploaded_file_link_record
from tests.billing.helpers import file_upload

pytestmark = pytest.mark.django_db

DESCRIPTORS = "/api/upload/bulk/descriptors"


def test_lists_uploaded_files_with_status_date_and_campaign(marketing_client, panel_sandbox, django_assert_max_num_queries):
    spring_bulk = file_upload(file_name="spring.csv")
    file_upload(file_name="manual.csv")
    file_upload(file_name="autumn.csv")
    uploaded_file_link_record(file_name="spring.csv", campaign_id=7, campaign_name="Spring sale", batch_id=spring_bulk)
    # Matched by file name when the campaign did not get a bulk id back.
    uploaded_file_link_record(file_name="autumn.csv", campaign_id=9, campaign_name="Autumn")

    with django_assert_max_num_queries(9):
        response = marketing_client.get("/billing/uploads/", {"sort": "file_name"})
    assert response.status_code == 200
    rows = [row.record for row in response.context["table"].page.object_list]
    assert [row.file_name for row in rows] == ["autumn.csv", "manual.csv", "spring.csv"]
    assert {str(row.status) for row in rows} == {"SUCCESS"}
    page = response.content.decode()
    assert "Spring sale" in page and "Autumn" in page
    query = panel_sandbox.requests(path=DESCRIPTORS)[-1]["query"]
    assert (query["sortField"], query["sortDirection"]) == ("fileName", "ASC")


def test_filters_by_status_and_days(marketing_client, panel_sandbox):
    file_upload(file_name="one.csv")
    response = marketing_client.get("/billing/uploads/", {"status": "error", "days": "15"})
    query = panel_sandbox.requests(path=DESCRIPTORS)[-1]["query"]
    assert (query["importStatus"], query["days"]) == ("ERROR", "15")
    assert len(response.context["table"].page.object_list) == 0
    assert "No uploaded files." in response.content.decode()

    before = len(panel_sandbox.requests(path=DESCRIPTORS))
    bad = marketing_client.get("/billing/uploads/", {"status": "x;drop", "days": "0"})
    assert bad.status_code == 200
    assert len(panel_sandbox.requests(path=DESCRIPTORS)) == before


def test_unreachable_justsend_is_an_error_on_the_page(marketing_client, unreachable_justsend):
    response = marketing_client.get("/billing/uploads/")
    assert response.status_code == 200
    assert 'data-testid="reading-error"' in response.content.decode()
