"""Issue 16: the provider's sending history and statistics (Justsend's manual 8.4-8.8) are
asked of the provider that keeps them. With none configured, the statistics page shows the
panel's own figures, and the other pages that read them say why, without a call."""

import pytest
from django.urls import reverse

from campaigns.statistics.history import number_history
from tests.fixtures.providers import capabilities_withdraw

pytestmark = pytest.mark.django_db

NONE_KEEPS_STATISTICS = "No configured provider keeps sending statistics."


@pytest.fixture(autouse=True)
def no_statistics(monkeypatch):
    capabilities_withdraw(monkeypatch, "justsend", "statistics")


def test_the_statistics_page_shows_local_figures_and_says_why(marketing_client, panel_sandbox):
    response = marketing_client.get("/campaigns/statistics/")
    assert response.status_code == 200
    statistics = response.context["statistics"]
    assert statistics.source == "local" and statistics.justsend_error == NONE_KEEPS_STATISTICS
    page = response.content.decode()
    assert 'data-testid="statistics-justsend-error"' in page and NONE_KEEPS_STATISTICS in page
    assert panel_sandbox.requests(path="/api/overview") == []


def test_a_numbers_history_keeps_the_panels_part(panel_sandbox):
    history = number_history(raw="48500100100")
    assert history.justsend_error == NONE_KEEPS_STATISTICS
    assert panel_sandbox.requests(path="/api/overview") == []


def test_the_single_messages_list_says_so(marketing_client, panel_sandbox):
    response = marketing_client.get(reverse("campaigns:single_message_list"))
    assert response.status_code == 200
    assert response.context["result"].error == NONE_KEEPS_STATISTICS  # not "could not be asked"
    assert f'data-testid="provider-error">{NONE_KEEPS_STATISTICS}<' in response.content.decode()
    assert panel_sandbox.requests(path="/api/overview") == []


def test_the_keyword_responses_page_says_so(marketing_client, panel_sandbox):
    response = marketing_client.get(reverse("deliveries:keyword_responses"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-testid="keyword-error">{NONE_KEEPS_STATISTICS}<' in page  # not "did not answer"
    assert panel_sandbox.requests(path="/api/overview") == []
