"""The campaign page's in-doubt card and its "send to the in-doubt recipients" action."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign, ProviderCall, Recipient
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.sms.exceptions import SmsTimeoutError
from tests.campaigns.providers.test_provider_webhook import sent_campaign
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

R = Recipient.Status


@pytest.fixture
def doubtful_campaign(fake_provider, marketing_user):
    return sent_campaign(marketing_user, fake_provider, count=15, script=[SmsTimeoutError()])


def test_the_campaign_page_counts_the_in_doubt_recipients_and_offers_the_resend(
        marketing_client, doubtful_campaign):
    page = marketing_client.get(reverse("campaigns:campaign_detail", args=[doubtful_campaign.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="in-doubt"' in html and "10 recipients in doubt" in html
    assert reverse("campaigns:campaign_in_doubt_resend", args=[doubtful_campaign.pk]) in html


def test_a_campaign_with_nobody_in_doubt_shows_no_card(marketing_client, fake_provider,
                                                        marketing_user):
    campaign = sent_campaign(marketing_user, fake_provider, count=5)
    page = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    assert 'data-testid="in-doubt"' not in page.content.decode()


def test_the_resend_warns_first_then_posts_and_is_audited(
        marketing_client, doubtful_campaign, marketing_user, sent_tasks,
        django_capture_on_commit_callbacks):
    url = reverse("campaigns:campaign_in_doubt_resend", args=[doubtful_campaign.pk])
    warning = marketing_client.get(url).content.decode()
    assert "twice" in warning and "10 recipients" in warning and "csrfmiddlewaretoken" in warning
    assert Recipient.objects.filter(status=R.IN_DOUBT).count() == 10  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        answer = marketing_client.post(url)
    assert answer.status_code == 302
    assert Recipient.objects.filter(campaign=doubtful_campaign, status=R.QUEUED).count() == 10
    assert sent_tasks == [("campaigns.submit", doubtful_campaign.pk)]
    entry = AuditEntry.objects.get(action=Action.CAMPAIGN_IN_DOUBT_RESENT)
    assert entry.actor == marketing_user
    assert ProviderCall.objects.get(sequence=1).resent_at is not None


def test_the_resend_needs_the_marketing_role_and_csrf(client, doubtful_campaign, marketing_user):
    url = reverse("campaigns:campaign_in_doubt_resend", args=[doubtful_campaign.pk])
    client.force_login(UserFactory(username="nobody"))
    assert client.post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302  # to the login page
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(marketing_user)
    assert strict.post(url).status_code == 403
    assert Recipient.objects.filter(status=R.IN_DOUBT).count() == 10


def test_the_resend_is_refused_while_nothing_is_in_doubt(marketing_client, fake_provider,
                                                        marketing_user):
    campaign = sent_campaign(marketing_user, fake_provider, count=5)
    url = reverse("campaigns:campaign_in_doubt_resend", args=[campaign.pk])
    answer = marketing_client.post(url, follow=True)
    assert "No recipient of this campaign is in doubt." in answer.content.decode()
    assert not AuditEntry.objects.filter(action=Action.CAMPAIGN_IN_DOUBT_RESENT).exists()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING
