"""A number's history (panel rows, Justsend's user history, replies, blacklist events) and
the campaign page's delivery charts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from campaigns.statistics.history import Kind, number_history
from contacts.models import BlacklistEntry, BlacklistEvent
from contacts.services.blacklist import blacklist_entries_remove, blacklist_numbers_add
from justsend_panel.sms.justsend.types import Recipient as BulkRecipient
from tests.campaigns.statistics.conftest import delivered_recipient, finished_campaign
from tests.contract.conftest import bulk_request

pytestmark = pytest.mark.django_db

NUMBER = "48500100200"


def test_history_lists_every_source_newest_first(marketing_client, panel_sandbox, sandbox_client, marketing_user):
    sandbox_client.send_bulk(request=bulk_request(
        name="Outside the panel", message="Sent from Justsend's own panel",
        recipients=[BulkRecipient(NUMBER)],
    ))
    panel_sandbox.advance(120)
    now = timezone.now()
    old = finished_campaign("Spring", day=timezone.localdate() - timedelta(days=5))
    delivered_recipient(old, NUMBER, sent_at=now - timedelta(days=5), delay=timedelta(seconds=7), operator="POLAND_PLAY")
    newer = finished_campaign("Summer", day=timezone.localdate() - timedelta(days=1))
    Recipient.objects.create(campaign=newer, msisdn=NUMBER, status=Recipient.Status.SENT,
                             sent_at=now - timedelta(days=1), content="Hi Ann")
    Recipient.objects.create(campaign=newer, msisdn="48500100201", status=Recipient.Status.SENT,
                             sent_at=now - timedelta(hours=1))  # another number: not listed
    blacklist_numbers_add(text=NUMBER, user=marketing_user)
    BlacklistEvent.objects.filter(msisdn=NUMBER).update(created_at=now - timedelta(days=3))
    blacklist_entries_remove(entry_ids=[BlacklistEntry.objects.get(msisdn=NUMBER).pk],
                             user=marketing_user)
    # Another number's events are not ours.
    blacklist_numbers_add(text=NUMBER + "9", user=marketing_user)

    response = marketing_client.get(f"/campaigns/statistics/history/{NUMBER}/")

    assert response.status_code == 200
    history = response.context["history"]
    assert history.justsend_error is None
    kinds = [event.kind for event in history.events]
    assert kinds.count(Kind.MESSAGE) == 2
    assert kinds.count(Kind.JUSTSEND) == 1
    assert kinds.count(Kind.BLACKLISTED) == 1 and kinds.count(Kind.UNBLACKLISTED) == 1
    times = [event.at for event in history.events]
    assert times == sorted(times, reverse=True)
    justsend = next(event for event in history.events if event.kind == Kind.JUSTSEND)
    assert justsend.text == "Sent from Justsend's own panel" and "Outside the panel" in justsend.detail
    assert [e.campaign.name for e in history.events if e.kind == Kind.MESSAGE] == ["Summer", "Spring"]
    page = response.content.decode()
    assert "Hi Ann" in page and "48500100201" not in page


def test_history_says_who_removed_an_opt_out_when_and_why(administrator, settings):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"  # away: the panel's part stays
    settings.JUSTSEND_SANDBOX_APP_KEY = "unreachable"
    blacklist_numbers_add(text=NUMBER, reason=BlacklistEntry.Reason.STOP_REPLY, note="STOP")
    blacklist_entries_remove(entry_ids=[BlacklistEntry.objects.get(msisdn=NUMBER).pk],
                             user=administrator, reason="new consent signed")

    history = number_history(raw=NUMBER)

    events = [(e.kind, e.status, e.detail) for e in history.events
              if e.kind in (Kind.BLACKLISTED, Kind.UNBLACKLISTED)]
    assert events == [
        (Kind.UNBLACKLISTED, "STOP reply", "boss · new consent signed"),
        (Kind.BLACKLISTED, "STOP reply", "STOP reply · STOP"),
    ]
    assert all(e.at for e in history.events)


def test_history_shows_a_parametrized_message_as_sent(settings):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"
    settings.JUSTSEND_SANDBOX_APP_KEY = "unreachable"
    campaign = finished_campaign("Codes", day=timezone.localdate(),
                                 bulk_type=Campaign.BulkTypeChoice.PARAMETRIZED,
                                 parameter_fields=["name", "attr:code"])
    Campaign.objects.filter(pk=campaign.pk).update(message="Witaj $1, kod $2")
    Recipient.objects.create(campaign=campaign, msisdn=NUMBER, status=Recipient.Status.DELIVERED,
                             params=["Anna", "4711"], sent_at=timezone.now())

    history = number_history(raw=NUMBER)

    assert [e.text for e in history.events if e.kind == Kind.MESSAGE] == ["Witaj Anna, kod 4711"]


def test_a_justsend_row_of_a_panel_campaign_links_to_it(panel_sandbox, sandbox_client):
    campaign = finished_campaign("Linked", day=timezone.localdate())
    sandbox_client.send_bulk(request=bulk_request(name=campaign.bulk_name, recipients=[BulkRecipient(NUMBER)]))
    panel_sandbox.advance(60)

    history = number_history(raw=NUMBER)

    assert [e.campaign for e in history.events if e.kind == Kind.JUSTSEND] == [campaign]


def test_history_accepts_a_national_number_and_says_when_justsend_is_away(marketing_client, settings):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:1/api"
    settings.JUSTSEND_SANDBOX_APP_KEY = "unreachable"
    campaign = finished_campaign("Local only", day=timezone.localdate())
    Recipient.objects.create(campaign=campaign, msisdn=NUMBER, status=Recipient.Status.DELIVERED)

    response = marketing_client.get("/campaigns/statistics/history/500100200/", {"days": "abc"})

    assert response.status_code == 200
    history = response.context["history"]
    assert history.parsed.msisdn == NUMBER and history.days == 90
    assert history.justsend_error
    assert 'data-testid="history-justsend-error"' in response.content.decode()
    assert [event.campaign for event in history.events] == [campaign]


def test_history_of_an_invalid_number_says_so(marketing_client):
    response = marketing_client.get("/campaigns/statistics/history/12ab/")
    assert response.status_code == 200
    assert 'data-testid="history-invalid"' in response.content.decode()


def test_history_shows_replies(panel_sandbox):
    from campaigns.deliveries.models import Reply

    campaign = finished_campaign("Asked", day=timezone.localdate())
    Reply.objects.create(msisdn=NUMBER, message="STOP", received_at=timezone.now(), campaign=campaign, is_stop=True)

    history = number_history(raw=NUMBER)

    replies = [event for event in history.events if event.kind == Kind.REPLY]
    assert [(r.text, r.campaign) for r in replies] == [("STOP", campaign)]
    assert replies[0].status


def test_campaign_page_loads_the_charts_and_the_partial_has_the_figures(marketing_client, django_assert_max_num_queries):
    campaign = finished_campaign("Charted", day=timezone.localdate(), recipients=4, sent=3, delivered=2, undelivered=1)
    sent_at = timezone.now() - timedelta(hours=1)
    delivered_recipient(campaign, "48600000001", sent_at=sent_at, delay=timedelta(seconds=3))
    delivered_recipient(campaign, "48600000002", sent_at=sent_at, delay=timedelta(minutes=2))

    detail = marketing_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f"/campaigns/statistics/campaign/{campaign.pk}/delivery/" in detail
    assert "js/statistics_campaign.js" in detail

    partial = f"/campaigns/statistics/campaign/{campaign.pk}/delivery/"
    # Once to fill the per-process caches (the low-balance banner's status), whatever
    # earlier tests left in them; then the figure that matters: queries per poll.
    marketing_client.get(partial)
    with django_assert_max_num_queries(7):
        response = marketing_client.get(partial)
    page = response.content.decode()
    assert response.context["stats"].timed == 2
    assert 'data-funnel="delivered">2 ' in page and 'data-funnel="recipients">4 ' in page
    assert 'id="campaign-delivery-data"' in page
    assert "hx-trigger" not in page  # finished: nothing to refresh


@pytest.mark.parametrize("status", ["queued", "submitting", "sending", "cancelling"])
def test_campaign_charts_refresh_while_sending(marketing_client, status):
    """In every state in which the progress card polls: a campaign queued when its page
    opened kept charts of nothing after it finished (found on make run)."""
    campaign = finished_campaign("On its way", day=timezone.localdate())
    campaign.status = status
    campaign.save(update_fields=["status"])
    page = marketing_client.get(f"/campaigns/statistics/campaign/{campaign.pk}/delivery/").content.decode()
    assert "hx-trigger" not in page  # the progress card's poll brings them (issue 15 point 7)
    progress = marketing_client.get(f"/campaigns/{campaign.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in progress
    assert '<div class="row g-4" id="campaign-delivery-body" data-testid="campaign-delivery-body" hx-swap-oob="true">' in progress


def test_unknown_campaign_charts_are_404(marketing_client):
    assert marketing_client.get("/campaigns/statistics/campaign/999999/delivery/").status_code == 404
