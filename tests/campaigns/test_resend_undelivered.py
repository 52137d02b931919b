"""Point 17 of issue 13: "Send again to N undelivered" makes a draft of exactly N, and the
draft says it is "the N undelivered of campaign X" instead of showing X's groups."""

import re

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Recipient
from campaigns.services.editing import campaign_duplicate
from tests.campaigns.services.conftest import campaign_make, group_with_members

pytestmark = pytest.mark.django_db
R = Recipient.Status


@pytest.fixture
def finished(marketing_user):
    group = group_with_members("Customers", 40)
    campaign = campaign_make(marketing_user, groups=[group], status=Campaign.Status.FINISHED,
                             name="Spring", undelivered_count=33, batch_id="b-1")
    statuses = [R.DELIVERED] * 7 + [R.UNDELIVERED] * 20 + [R.EXPIRED] * 3 + [R.REJECTED] * 10
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, msisdn=f"48{500000000 + i}", status=status)
        for i, status in enumerate(statuses)
    )
    return campaign


def _button_count(client, campaign) -> int:
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    found = re.search(r'>Send again to (\d+) undelivered<', page)
    assert found, "no send-again button"
    return int(found.group(1))


def test_the_button_counts_what_the_draft_gets(marketing_client, finished):
    shown = _button_count(marketing_client, finished)
    marketing_client.post(reverse("campaigns:campaign_copy", args=[finished.pk, "resend"]))
    draft = Campaign.objects.get(source=finished)
    assert shown == len(draft.only_numbers.split()) == 33  # undelivered, expired, rejected
    assert (draft.resend_of, draft.resend_count) == (finished, 33)


def test_the_draft_says_whose_undelivered_it_sends_to(marketing_client, finished):
    marketing_client.post(reverse("campaigns:campaign_copy", args=[finished.pk, "resend"]))
    draft = Campaign.objects.get(source=finished)

    form_page = marketing_client.get(reverse("campaigns:campaign_edit", args=[draft.pk]))
    html = form_page.content.decode()
    assert 'data-testid="resend-audience"' in html
    assert "The 33 undelivered of campaign" in html and "Spring" in html
    assert 'name="groups"' not in html and 'name="pasted_numbers"' not in html

    preview = marketing_client.get(reverse("campaigns:campaign_preview", args=[draft.pk]))
    html = preview.content.decode()
    assert "The 33 undelivered of campaign" in html
    assert "Groups: Customers" not in html
    assert preview.context["preview"].summary.candidates == 33


def test_saving_the_draft_keeps_its_audience(marketing_client, finished):
    marketing_client.post(reverse("campaigns:campaign_copy", args=[finished.pk, "resend"]))
    draft = Campaign.objects.get(source=finished)
    form = marketing_client.get(reverse("campaigns:campaign_edit", args=[draft.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(message="Second try", when="now")
    response = marketing_client.post(reverse("campaigns:campaign_edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.message == "Second try"
    assert list(draft.groups.all()) == list(finished.groups.all())
    assert len(draft.only_numbers.split()) == 33


def test_a_copy_of_the_draft_still_says_so(marketing_user, finished, marketing_client):
    marketing_client.post(reverse("campaigns:campaign_copy", args=[finished.pk, "resend"]))
    draft = Campaign.objects.get(source=finished)
    copy = campaign_duplicate(campaign=draft, user=marketing_user)
    assert (copy.resend_of, copy.resend_count) == (finished, 33)
