"""A number in any table of the panel links to its history page."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.deliveries.tables import KeywordResponseTable, ReplyTable
from campaigns.models import Campaign, Recipient
from campaigns.tables import RecipientTable, SingleMessageTable
from contacts.models import BlacklistEntry, Group, Member
from contacts.tables import BlacklistTable, MemberTable

pytestmark = pytest.mark.django_db

NUMBER = "48500100200"
HISTORY = f'href="/campaigns/statistics/history/{NUMBER}/"'


def _records():
    group = Group.objects.create(name="Customers")
    campaign = Campaign.objects.create(name="Spring", message="Hello")
    return {
        MemberTable: [Member.objects.create(group=group, msisdn=NUMBER)],
        BlacklistTable: [BlacklistEntry.objects.create(msisdn=NUMBER)],
        RecipientTable: [Recipient.objects.create(campaign=campaign, msisdn=NUMBER)],
        ReplyTable: [SimpleNamespace(received_at=timezone.now(), msisdn=NUMBER, message="STOP",
                                     campaign=campaign, campaign_id=campaign.pk, is_stop=False,
                                     blacklist_entry_id=None)],
        KeywordResponseTable: [{"date": timezone.now(), "keyword": "PROMO", "msisdn": NUMBER,
                                "raw": {}, "email": ""}],
        SingleMessageTable: [SimpleNamespace(
            id="m1", send_date=timezone.now(), msisdn=NUMBER, sender="Shop", bulk_variant="ECO",
            content="Hi", acknowledge_status="DELIVERED", charged_points=1)],
    }


def test_the_history_url_is_the_one_linked():
    assert reverse("campaigns:number_history", args=[NUMBER]) in HISTORY


@pytest.mark.parametrize("table_class", [
    MemberTable, BlacklistTable, RecipientTable, ReplyTable, KeywordResponseTable,
    SingleMessageTable,
])
def test_every_table_links_its_numbers_to_their_history(table_class):
    table = table_class(_records()[table_class])
    cell = str(table.rows[0].get_cell("msisdn"))
    assert HISTORY in cell and f">{NUMBER}</a>" in cell


def test_the_campaign_page_and_the_group_page_link_their_numbers(marketing_client):
    campaign = Campaign.objects.create(name="Spring", message="Hello",
                                       status=Campaign.Status.FINISHED)
    Recipient.objects.create(campaign=campaign, msisdn=NUMBER)
    page = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    assert HISTORY in page.content.decode()
    group = Group.objects.create(name="Customers", member_count=1)
    Member.objects.create(group=group, msisdn=NUMBER)
    page = marketing_client.get(reverse("contacts:group_detail", args=[group.pk]))
    assert HISTORY in page.content.decode()
