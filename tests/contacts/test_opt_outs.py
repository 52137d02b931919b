"""Point 11 of issue 13: a STOP reply's entry stays until an administrator, with a reason,
after a confirmation that says the person opted out; every addition and removal is kept."""

import pytest
from django.urls import reverse

from contacts.models import BlacklistEntry, BlacklistEvent, SyncOperation
from contacts.services.blacklist import (
    BlacklistRemovalRefused,
    blacklist_entries_remove,
    blacklist_numbers_add,
)

pytestmark = pytest.mark.django_db
STOP = BlacklistEntry.Reason.STOP_REPLY


def _stop_entry(msisdn="48500100200"):
    blacklist_numbers_add(text=msisdn, reason=STOP, note="STOP reply “stop”")
    return BlacklistEntry.objects.get(msisdn=msisdn)


def _events(msisdn):
    return list(BlacklistEvent.objects.filter(msisdn=msisdn).order_by("pk").values_list(
        "action", "source", "user__username", "reason"))


def test_every_addition_and_removal_records_who_when_and_why(marketing_user, administrator):
    blacklist_numbers_add(text="500100300", user=marketing_user, note="asked on the phone")
    entry = BlacklistEntry.objects.get(msisdn="48500100300")
    blacklist_entries_remove(entry_ids=[entry.pk], user=marketing_user, reason="a mistake")
    stop = _stop_entry()
    blacklist_entries_remove(entry_ids=[stop.pk], user=administrator, reason="opted in again")
    assert _events("48500100300") == [
        ("added", "manual", "marketer", "asked on the phone"),
        ("removed", "manual", "marketer", "a mistake"),
    ]
    assert _events("48500100200") == [
        ("added", "stop_reply", None, "STOP reply “stop”"),
        ("removed", "stop_reply", "boss", "opted in again"),
    ]
    event = BlacklistEvent.objects.filter(msisdn="48500100200").earliest("pk")
    assert event.actor == "STOP reply" and event.created_at is not None


def test_marketing_user_may_not_remove_a_stop_reply_entry(marketing_user):
    stop = _stop_entry()
    manual = BlacklistEntry.objects.create(msisdn="48500100201")
    with pytest.raises(BlacklistRemovalRefused, match="only an administrator"):
        blacklist_entries_remove(entry_ids=[stop.pk, manual.pk], user=marketing_user,
                                 reason="because")
    assert BlacklistEntry.objects.count() == 2  # nothing removed, not even the manual one
    assert not SyncOperation.objects.filter(kind=SyncOperation.Kind.BLACKLIST_REMOVE).exists()
    assert not BlacklistEvent.objects.filter(action=BlacklistEvent.Action.REMOVED).exists()


def test_administrator_must_state_a_reason_to_remove_an_opt_out(administrator):
    stop = _stop_entry()
    with pytest.raises(BlacklistRemovalRefused, match="state why"):
        blacklist_entries_remove(entry_ids=[stop.pk], user=administrator, reason="  ")
    assert BlacklistEntry.objects.filter(pk=stop.pk).exists()


def test_a_stop_reply_makes_a_hand_made_entry_an_opt_out(marketing_user):
    blacklist_numbers_add(text="500100200", user=marketing_user)
    stop = _stop_entry()
    assert stop.reason == STOP
    with pytest.raises(BlacklistRemovalRefused):
        blacklist_entries_remove(entry_ids=[stop.pk], user=marketing_user, reason="x")


def test_page_refuses_a_marketing_user_the_removal_of_an_opt_out(marketing_client):
    stop = _stop_entry()
    response = marketing_client.post(reverse("contacts:blacklist_remove"),
                                     {"selected": [stop.pk], "opt_out_confirmed": "True",
                                      "reason": "please"}, follow=True)
    assert "only an administrator" in response.content.decode()
    assert BlacklistEntry.objects.filter(pk=stop.pk).exists()


def test_page_asks_an_administrator_to_confirm_the_opt_out_with_a_reason(admin_client_panel):
    stop = _stop_entry()
    url = reverse("contacts:blacklist_remove")
    response = admin_client_panel.post(url, {"selected": [stop.pk]})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="opt-out-warning"' in page
    assert "opted out" in page and "48500100200" in page
    assert BlacklistEntry.objects.filter(pk=stop.pk).exists()  # not yet

    response = admin_client_panel.post(url, {"selected": [stop.pk], "opt_out_confirmed": "True",
                                             "reason": ""})
    assert response.status_code == 200 and "state why" in response.content.decode()
    assert BlacklistEntry.objects.filter(pk=stop.pk).exists()

    response = admin_client_panel.post(url, {"selected": [stop.pk], "opt_out_confirmed": "True",
                                             "reason": "signed a new consent form"})
    assert response.status_code == 302
    assert not BlacklistEntry.objects.filter(pk=stop.pk).exists()
    assert _events("48500100200")[-1] == (
        "removed", "stop_reply", "boss", "signed a new consent form")


def test_page_removes_hand_made_entries_at_once_and_records_the_user(marketing_client):
    blacklist_numbers_add(text="500100300")
    entry = BlacklistEntry.objects.get()
    marketing_client.post(reverse("contacts:blacklist_remove"), {"selected": [entry.pk]})
    assert not BlacklistEntry.objects.exists()
    assert _events("48500100300")[-1] == ("removed", "manual", "marketer", "")
