import pytest

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign, Recipient
from campaigns.services import (
    audience_summary,
    campaign_create,
    campaign_duplicate,
    campaign_resend_undelivered,
    campaign_update,
)
from tests.campaigns.services.conftest import campaign_make, group_with_members

BASE = {"name": "Sale", "message": "Hi", "bulk_type": "STANDARD", "variant": "ECO"}


@pytest.mark.django_db
@pytest.mark.parametrize("data,error", [
    ({"variant": "FULL", "sender": "MY SHOP"}, "ten headings"),
        # Issue 13 point 10: the form required an INTER sender, the service did not.
        ({"variant": "INTER", "sender": "", "country": "SLOVAKIA"}, "own sender ID"),
    ({"variant": "PRO", "sender": "TWELVECHARSX"}, "at most 11"),
    ({"variant": "PRO", "sender": "Łódź"}, "Polish letters"),
    ({"variant": "PRO_RESP", "sender": "500 100 200"}, "phone number"),
    ({"variant": "INTER", "sender": "SHOP", "country": "POLAND"}, "country"),
    ({"variant": "VOICE", "voice_config": {"max_count": 5}}, "at most 4"),
    ({"variant": "VOICE", "voice_config": {"pause": 11}}, "between 0 and 10"),
    ({"bulk_type": "PARAMETRIZED", "message": "Hi $1"}, r"\$1"),
])
def test_create_refuses_what_the_manual_forbids(marketing_user, data, error):
    with pytest.raises(CampaignError, match=error):
        campaign_create(user=marketing_user, data={**BASE, **data})
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_create_and_update_a_draft_with_groups(marketing_user):
    group = group_with_members("Customers", 2)
    campaign = campaign_create(user=marketing_user, data={**BASE, "variant": "FULL",
                                                         "sender": "SPECIAL OFFER",
                                                         "groups": [group]})
    assert list(campaign.groups.all()) == [group] and campaign.created_by == marketing_user
    campaign_update(campaign=campaign, data={"variant": "ECO", "sender": "SPECIAL OFFER"})
    campaign.refresh_from_db()
    assert (campaign.variant, campaign.sender) == ("ECO", "")  # ECO sends from 4777
    Campaign.objects.filter(pk=campaign.pk).update(status="queued")
    with pytest.raises(CampaignError, match="Only a draft"):
        campaign_update(campaign=campaign, data={"name": "x"})


@pytest.mark.django_db
def test_duplicate_and_resend_to_the_undelivered(marketing_user):
    group = group_with_members("Customers", 3)
    original = campaign_make(marketing_user, groups=[group], status="finished",
                             bulk_type="PERSONALIZED", message="Hi {name}", batch_id="u")
    Recipient.objects.bulk_create([
        Recipient(campaign=original, msisdn="48500000000", status="delivered"),
        Recipient(campaign=original, msisdn="48500000001", status="undelivered"),
        Recipient(campaign=original, msisdn="48500000002", status="expired"),
    ])
    copy = campaign_duplicate(campaign=original, user=marketing_user)
    assert (copy.status, copy.batch_id, copy.source) == ("draft", "", original)
    assert copy.reference != original.reference and list(copy.groups.all()) == [group]
    again = campaign_resend_undelivered(campaign=original, user=marketing_user)
    summary = audience_summary(campaign=again)
    assert [s.msisdn for s in summary.samples] == ["48500000001", "48500000002"]
    assert summary.samples[0].text == "Hi Name1"  # personal fields still come from members
    Recipient.objects.filter(campaign=original).update(status="delivered")
    with pytest.raises(CampaignError, match="undelivered"):
        campaign_resend_undelivered(campaign=original, user=marketing_user)
