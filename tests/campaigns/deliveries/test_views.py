"""The replies list, Justsend's keyword responses and the replies on a campaign page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.deliveries.models import Reply
from tests.campaigns.deliveries.conftest import sent_campaign

pytestmark = pytest.mark.django_db


def _replies(campaign, count: int, *, stop_every: int = 3):
    Reply.objects.bulk_create(
        Reply(campaign=campaign, msisdn=f"48{500000000 + i}", message="STOP" if i % stop_every == 0
              else f"Answer {i}", is_stop=i % stop_every == 0,
              received_at=timezone.now() - timezone.timedelta(minutes=i))
        for i in range(count)
    )


def test_the_replies_list_filters_and_keeps_its_queries_flat(marketing_client,
                                                              django_assert_max_num_queries):
    campaign = sent_campaign(1, variant="ECO_RESP")
    _replies(campaign, 60)
    url = reverse("deliveries:reply_list")
    with django_assert_max_num_queries(10):  # not one per row
        response = marketing_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('data-stop="1"') == 17  # the first page: 50 rows, every third STOP
    assert "Answer 1" in content and "Spring sale" in content

    response = marketing_client.get(url, {"is_stop": "true"})
    assert response.content.decode().count("Answer") == 0
    response = marketing_client.get(url, {"msisdn": "+48 500 000 004"})
    rows = response.context["table"].rows
    assert [row.record.msisdn for row in rows] == ["48500000004"]
    response = marketing_client.get(url, {"msisdn": "+48 500 000 01"})  # a number's beginning
    assert len(response.context["table"].rows) == 10


def test_a_bad_filter_value_is_shown_not_a_500(marketing_client):
    response = marketing_client.get(reverse("deliveries:reply_list"), {"date_from": "yesterday"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_keyword_responses_come_from_justsend_with_their_filters(marketing_client, panel_sandbox):
    panel_sandbox.incoming(msisdn="48500000001", message="PROMO please", prefix="PROMO",
                           email="shop@example.com", responseMessage="Thanks for joining")
    panel_sandbox.incoming(msisdn="48500000002", message="INFO", prefix="INFO")
    url = reverse("deliveries:keyword_responses")
    response = marketing_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "48500000001" in content and "48500000002" in content
    assert "Thanks for joining" in content

    response = marketing_client.get(url, {"keyword": "promo"})
    content = response.content.decode()
    assert "48500000001" in content and "48500000002" not in content
    [logged] = panel_sandbox.requests(path="/api/overview/keyword-response")[-1:]
    assert logged["query"]["keyword"] == "promo" and logged["query"]["platformType"] == "PL"


def test_keyword_responses_page_asks_no_sort_field_the_record_does_not_have(marketing_client, panel_sandbox):
    # sortField=createDate is not a field of a keyword response (manual 8.4): Justsend (and the
    # strict sandbox) refuse it with 400, so the page showed only an error.
    panel_sandbox.incoming(msisdn="48500000001", message="PROMO please", prefix="PROMO")
    response = marketing_client.get(reverse("deliveries:keyword_responses"))
    content = response.content.decode()
    assert 'data-testid="keyword-error"' not in content and "48500000001" in content
    [logged] = panel_sandbox.requests(path="/api/overview/keyword-response")
    assert logged["status"] == 200 and "sortField" not in logged["query"]


def test_keyword_responses_show_a_message_when_justsend_fails(marketing_client, panel_sandbox):
    panel_sandbox.set_faults(rate_500=1)
    response = marketing_client.get(reverse("deliveries:keyword_responses"))
    assert response.status_code == 200
    assert 'data-testid="keyword-error"' in response.content.decode()


def test_a_reply_campaign_page_shows_its_replies(marketing_client):
    campaign = sent_campaign(1, variant="PRO_RESP")
    _replies(campaign, 4)
    response = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('data-testid="reply"') == 4
    assert "Answer 2" in content and 'data-stop="1"' in content


def test_a_campaign_that_takes_no_replies_shows_no_replies_card(marketing_client):
    campaign = sent_campaign(1, variant="ECO")
    response = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    assert response.status_code == 200
    assert 'data-testid="replies"' not in response.content.decode()
