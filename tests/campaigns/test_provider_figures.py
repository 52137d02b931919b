"""The campaign page says only what the campaign's provider reports: charged points for a
provider that reports them (Justsend), the panel's stored estimate (or nothing) for the
others; another provider's raw status words are shown as the panel's state, translated,
the raw words kept in a tooltip. In English and in Polish."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from tests.html_tables import table_row

pytestmark = pytest.mark.django_db

R = Recipient.Status
TABLE = "recipient-table"


class _Counts(HTMLParser):
    """data-count -> text, and the labels, of the progress card's figures."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.counts: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self._open = dict(attrs).get("data-count") or self._open

    def handle_data(self, data):
        if self._open and data.strip():
            self.counts[self._open] = data.strip()
            self._open = None


def counts(html: str) -> dict[str, str]:
    parser = _Counts()
    parser.feed(html)
    return parser.counts


def finished(provider: str, **fields) -> Campaign:
    campaign = Campaign.objects.create(
        name=f"{provider} sale", message="Hi", provider=provider, status=Campaign.Status.FINISHED,
        submitted_at=timezone.now(), finished_at=timezone.now(), recipients_count=2,
        sent_count=2, delivered_count=1, undelivered_count=1, **fields)
    return campaign


def page(client, campaign: Campaign, language: str) -> str:
    return client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]),
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.parametrize(("language", "label"), [("en", "Charged points"), ("pl", "Pobrane punkty")])
def test_justsend_campaigns_show_the_points_justsend_charged(marketing_client, language, label):
    campaign = finished("justsend", charged_points=Decimal("14.0000"), cost=Decimal("2.10"),
                        cost_currency="PLN")
    html = page(marketing_client, campaign, language)
    assert label in html
    assert {"charged_points", "cost"} <= set(counts(html))
    assert "estimated_cost" not in counts(html)


@pytest.mark.parametrize(("language", "label"), [("en", "Charged points"), ("pl", "Pobrane punkty")])
def test_sms_manager_campaigns_show_no_points_and_no_cost_without_an_estimate(
        marketing_client, language, label):
    html = page(marketing_client, finished("smsmanager"), language)
    assert label not in html
    assert not {"charged_points", "refunded_points", "cost", "estimated_cost"} & set(counts(html))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_sms_manager_campaigns_show_the_stored_estimate_instead(marketing_client, language):
    campaign = finished("smsmanager", cost=Decimal("3.50"), cost_currency="PLN")
    html = page(marketing_client, campaign, language)
    figures = counts(html)
    assert "charged_points" not in figures and "cost" not in figures
    assert "3" in figures["estimated_cost"] and "50" in figures["estimated_cost"]
    assert ("Charged points" if language == "en" else "Pobrane punkty") not in html
    if language == "en":  # the Polish label joins the catalogue at merge (smreplies.po)
        assert "Estimated cost" in html


CODE = {"en": "Status code", "pl": "Kod statusu"}


@pytest.mark.parametrize(("language", "undelivered", "delivered"), [
    ("en", "Undelivered", "Delivered"), ("pl", "Niedoręczone", "Doręczone")])
def test_sms_manager_raw_status_words_become_the_panels_state_with_the_words_in_a_tooltip(
        marketing_client, language, undelivered, delivered):
    campaign = finished("smsmanager")
    Recipient.objects.bulk_create([
        Recipient(campaign=campaign, msisdn="48500000001", status=R.UNDELIVERED,
                  status_code="Recipient unreachable"),
        Recipient(campaign=campaign, msisdn="48500000002", status=R.DELIVERED,
                  status_code="delivered"),
    ])
    html = page(marketing_client, campaign, language)
    unreachable = table_row(html, TABLE, "48500000001")
    reached = table_row(html, TABLE, "48500000002")
    assert (unreachable[CODE[language]], reached[CODE[language]]) == (undelivered, delivered)
    assert 'title="Recipient unreachable" data-raw="Recipient unreachable"' in html
    assert 'title="delivered" data-raw="delivered"' in html


@pytest.mark.parametrize(("language", "label"), [("en", "Not delivered"), ("pl", "Niedoręczone")])
def test_justsend_outcome_codes_keep_their_own_labels(marketing_client, language, label):
    campaign = finished("justsend")
    Recipient.objects.create(campaign=campaign, msisdn="48500000001", status=R.UNDELIVERED,
                             status_code="MESSAGE_UNDELIVERED")
    row = table_row(page(marketing_client, campaign, language), TABLE, "48500000001")
    assert row[CODE[language]] == label
