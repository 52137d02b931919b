"""Replies are kept and linked to their campaign; a STOP reply blacklists the number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.deliveries.models import DeliveryCounts, Postback, Reply
from campaigns.deliveries.selectors import replies_for_number
from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.deliveries.stop import is_stop_message
from campaigns.models import Campaign
from campaigns.services import campaign_launch, campaign_submit
from contacts.models import BlacklistEntry, SyncOperation
from tests.campaigns.deliveries.conftest import incoming, post, sent_campaign
from tests.campaigns.services.conftest import campaign_make, group_with_members


@pytest.mark.parametrize("text", [
    "STOP", "stop", " Stop ", "STOP.", "stop!", "Stop all", "STOP   ALL", "nie", "NIE!",
    "rezygnuję", "REZYGNUJĘ", "Rezygnuje", "unsubscribe", "ＳＴＯＰ",
])
def test_stop_keywords_match_whatever_the_case_and_diacritics(text):
    assert is_stop_message(text)


@pytest.mark.parametrize("text", [
    "", "STOP please", "don't stop", "nie wiem", "Nie teraz", "stopka", "TAK", "S T O P",
])
def test_a_sentence_with_a_keyword_in_it_is_not_an_opt_out(text):
    assert not is_stop_message(text)


def test_the_keyword_list_comes_from_the_settings(settings):
    settings.STOP_KEYWORDS = ["Wypisz", "koniec"]
    assert is_stop_message("WYPISZ") and is_stop_message("Koniec.")
    assert not is_stop_message("STOP")


@pytest.mark.django_db
def test_a_reply_is_kept_once_linked_to_the_reply_campaign_and_counted(client):
    eco = sent_campaign(2, variant="ECO")  # takes no replies
    resp = sent_campaign(2, variant="ECO_RESP")
    body = incoming("48500000001", "Yes, I want it", message_id=41)
    post(client, body, "incoming")
    post(client, body, "incoming")  # Justsend posting it again
    postbacks_apply()
    [reply] = Reply.objects.all()
    assert reply.campaign == resp and reply.campaign != eco
    assert reply.message == "Yes, I want it" and reply.message_id == "41"
    assert not reply.is_stop and reply.blacklist_entry is None
    assert DeliveryCounts.objects.get(campaign=resp).replies == 1
    assert list(replies_for_number(msisdn="+48 500 000 001")) == [reply]
    assert Postback.objects.get().state == Postback.State.APPLIED
    assert not BlacklistEntry.objects.exists()


@pytest.mark.django_db
def test_replies_answer_the_campaign_submitted_last_before_them_in_a_few_queries(
        client, django_assert_max_num_queries):
    older = sent_campaign(2, variant="ECO_RESP")
    newer = sent_campaign(2, variant="PRO_RESP")
    later = sent_campaign(2, variant="ECO_RESP")
    now = timezone.now()
    Campaign.objects.filter(pk=older.pk).update(submitted_at=now - timedelta(hours=3))
    Campaign.objects.filter(pk=newer.pk).update(submitted_at=now - timedelta(hours=2))
    Campaign.objects.filter(pk=later.pk).update(submitted_at=now + timedelta(hours=1))
    at_ms = int((now - timedelta(minutes=150)).timestamp() * 1000)
    post(client, incoming("48500000000", "First", message_id=1, at_ms=at_ms), "incoming")
    for i in range(2, 22):
        post(client, incoming("48500000001", f"Reply {i}", message_id=i), "incoming")
    with django_assert_max_num_queries(20):
        postbacks_apply()
    assert Reply.objects.get(msisdn="48500000000").campaign == older
    assert set(Reply.objects.filter(msisdn="48500000001").values_list("campaign", flat=True)) \
        == {newer.pk}
    assert DeliveryCounts.objects.get(campaign=newer).replies == 20


@pytest.mark.django_db
def test_a_reply_from_a_number_no_campaign_reached_is_kept_without_a_campaign(client):
    post(client, incoming("48600100200", "Who is this?"), "incoming")
    postbacks_apply()
    assert Reply.objects.get().campaign is None


@pytest.mark.django_db
def test_a_stop_reply_blacklists_the_number_and_queues_the_push(client):
    campaign = sent_campaign(2, variant="PRO_RESP")
    post(client, incoming("48500000000", "Rezygnuję!"), "incoming")
    postbacks_apply()
    reply = Reply.objects.get()
    entry = BlacklistEntry.objects.get(msisdn="48500000000")
    assert reply.is_stop and reply.blacklist_entry == entry and reply.campaign == campaign
    assert entry.reason == BlacklistEntry.Reason.STOP_REPLY
    assert "Rezygnuję!" in entry.note  # what came; when is in the note and created_at
    operation = SyncOperation.objects.get(kind=SyncOperation.Kind.BLACKLIST_ADD)
    assert operation.payload["msisdns"] == ["48500000000"]

    # A second STOP from the same number links the same entry; nothing is pushed again.
    post(client, incoming("48500000000", "STOP", message_id=8), "incoming")
    postbacks_apply()
    assert BlacklistEntry.objects.count() == 1
    assert Reply.objects.filter(blacklist_entry=entry).count() == 2
    assert SyncOperation.objects.filter(kind=SyncOperation.Kind.BLACKLIST_ADD).count() == 1


@pytest.mark.django_db
def test_stop_please_is_kept_as_a_reply_but_not_blacklisted(client):
    sent_campaign(1, variant="ECO_RESP")
    post(client, incoming("48500000000", "STOP please"), "incoming")
    postbacks_apply()
    assert not Reply.objects.get().is_stop
    assert not BlacklistEntry.objects.exists()


@pytest.mark.django_db
def test_a_stop_reply_makes_the_next_campaign_skip_that_number(client, panel_sandbox,
                                                               marketing_user):
    group = group_with_members("Customers", 3)
    post(client, incoming("48500000001", "STOP"), "incoming")
    postbacks_apply()
    assert BlacklistEntry.objects.filter(msisdn="48500000001").exists()

    campaign = campaign_make(marketing_user, groups=[group])
    campaign_launch(campaign=campaign, user=marketing_user)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING, campaign.failure_reason
    [request] = panel_sandbox.requests(path="/api/sender/bulk/send")
    sent_to = [r["msisdn"] for r in request["json"]["recipients"]]
    assert sent_to == ["48500000000", "48500000002"]
    assert campaign.blacklisted_removed == 1
    assert not campaign.recipients.filter(msisdn="48500000001").exists()


def test_a_stop_replys_note_reads_the_same_in_every_language(db):
    """The note was a sentence in the worker's language ("STOP reply … received Dec. 3,
    2026, 12:39 a.m.") that a Polish reader then saw in English."""
    from django.utils import translation

    from campaigns.deliveries.models import Reply
    from campaigns.deliveries.services.replies import reply_stop_apply

    reply = Reply.objects.create(msisdn="48500100310", message="STOP",
                                 received_at=timezone.now())
    with translation.override("en"):
        entry = reply_stop_apply(reply=reply)
    assert "received" not in entry.note and "“STOP”" in entry.note
    assert entry.note.endswith(timezone.localtime(reply.received_at).strftime("%Y-%m-%d %H:%M"))
