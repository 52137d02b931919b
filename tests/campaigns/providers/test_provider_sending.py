"""A campaign sent through a provider without a batch lookup: each call recorded before it
is made, rejected recipients final, lost answers in doubt and never sent again on their
own, the user's explicit re-send, and a killed worker's work resumed without duplicates."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Campaign, ProviderCall, Recipient
from campaigns.services import provider_sending
from campaigns.services.provider_sending import campaign_in_doubt_count, campaign_in_doubt_resend
from campaigns.services.scheduling import campaigns_submit_due
from campaigns.services.sending import campaign_submit
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.models import ProviderSetting
from justsend_panel.sms.exceptions import SmsApiError, SmsRateLimited, SmsTimeoutError
from tests.campaigns.providers.conftest import SECRET
from tests.campaigns.providers.fake_backend import reject_first
from tests.campaigns.services.conftest import blacklist, campaign_make, group_with_members

S = Campaign.Status
R = Recipient.Status
C = ProviderCall.State


def fake_campaign(user, count=25, **fields):
    ProviderSetting.objects.get_or_create(provider="fakeprov", defaults={"rate_limit": 1000})
    return campaign_make(user, groups=[group_with_members("Customers", count)],
                         provider="fakeprov", status=S.QUEUED, **fields)


def sent_references(fake):
    return [m.reference for batch in fake.batches for m in batch.messages]


def statuses(campaign):
    return dict(Recipient.objects.filter(campaign=campaign).values_list("pk", "status"))


@pytest.mark.django_db(transaction=True)
def test_each_call_is_recorded_and_committed_before_it_is_made(fake_provider, marketing_user):
    campaign = fake_campaign(marketing_user, bulk_type="PERSONALIZED", message="Hi {name}")
    seen = []

    def at_call(batch):
        call = ProviderCall.objects.get(reference=batch.reference)
        refs = [int(m.reference) for m in batch.messages]
        seen.append((call.state, call.recipient_ids == refs, connection.in_atomic_block,
                     set(Recipient.objects.filter(pk__in=refs).values_list("status", flat=True))))

    fake_provider.on_call = at_call
    campaign_submit(campaign_id=campaign.pk)

    assert seen == [(C.RECORDED, True, False, {R.IN_DOUBT})] * 3
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.lease_token == ""
    calls = list(ProviderCall.objects.filter(campaign=campaign))
    assert [(c.sequence, c.state, len(c.recipient_ids)) for c in calls] == [
        (1, C.SENT, 10), (2, C.SENT, 10), (3, C.SENT, 5)]
    assert calls[0].reference == f"{campaign.reference}-1"
    batch = fake_provider.batches[0]
    assert batch.callback_url == f"https://panel.example/webhooks/fakeprov/{SECRET}/"
    assert batch.messages[0].text == "Hi Name0"
    rows = Recipient.objects.filter(campaign=campaign).order_by("pk")
    assert set(rows.values_list("status", flat=True)) == {R.SUBMITTED}
    assert rows[0].message_id == f"{campaign.reference}-1-0"
    assert sorted(sent_references(fake_provider)) == sorted(str(pk) for pk in statuses(campaign))


@pytest.mark.django_db
def test_the_blacklist_applies_at_submit_and_rejected_recipients_are_final(
        fake_provider, marketing_user):
    campaign = fake_campaign(marketing_user, count=12)
    blacklist("48500000003")
    fake_provider.script = [reject_first(2, "number not reachable")]
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.recipients_count == 11 and campaign.blacklisted_removed == 1
    assert "48500000003" not in [m.to for b in fake_provider.batches for m in b.messages]
    rejected = Recipient.objects.filter(campaign=campaign, status=R.REJECTED)
    assert rejected.count() == 2
    assert set(rejected.values_list("status_code", flat=True)) == {"number not reachable"}
    assert rejected.filter(delivered_at__isnull=True).count() == 0
    assert (campaign.sent_count, campaign.undelivered_count) == (2, 2)
    call = ProviderCall.objects.filter(campaign=campaign).first()
    assert (call.accepted_count, call.rejected_count) == (8, 2)


@pytest.mark.django_db
def test_a_refused_call_fails_its_recipients_with_the_reason(fake_provider, marketing_user):
    campaign = fake_campaign(marketing_user, count=15)
    fake_provider.script = [SmsApiError("sender not allowed", status=400)]
    campaign_submit(campaign_id=campaign.pk)

    first, second = ProviderCall.objects.filter(campaign=campaign)
    assert (first.state, first.error) == (C.FAILED, "sender not allowed")
    assert second.state == C.SENT
    failed = Recipient.objects.filter(campaign=campaign, status=R.FAILED)
    assert sorted(failed.values_list("pk", flat=True)) == first.recipient_ids
    assert set(failed.values_list("status_code", flat=True)) == {"sender not allowed"}
    campaign.refresh_from_db()
    assert campaign.not_sent_count == 10 and campaign.status == S.SENDING


@pytest.mark.django_db
def test_a_429_with_a_long_wait_was_not_taken_so_its_recipients_go_in_a_later_call(
        fake_provider, marketing_user):
    campaign = fake_campaign(marketing_user, count=15)
    fake_provider.script = [SmsRateLimited(retry_after=60)]
    with pytest.raises(SmsRateLimited):
        campaign_submit(campaign_id=campaign.pk)
    assert campaign_in_doubt_count(campaign=campaign) == 0
    campaign_submit(campaign_id=campaign.pk)  # the task's retry

    assert sorted(sent_references(fake_provider)[10:]) == sorted(str(pk) for pk in statuses(campaign))
    assert set(statuses(campaign).values()) == {R.SUBMITTED}


@pytest.mark.django_db(transaction=True)
def test_a_429_with_a_short_wait_is_waited_in_the_task_and_the_send_goes_on(
        fake_provider, marketing_user):
    """A storm of 429s with Retry-After: 1 must not end the task each time (its retry's
    countdown grows: 1, 4, 6… 49 s against the provider's 1 s)."""
    campaign = fake_campaign(marketing_user, count=15)
    fake_provider.script = [SmsRateLimited(retry_after=0.05), None, SmsRateLimited(retry_after=0.05)]
    campaign_submit(campaign_id=campaign.pk)  # one run: no retry needed

    assert sorted(set(sent_references(fake_provider))) == sorted(str(pk) for pk in statuses(campaign))
    assert set(statuses(campaign).values()) == {R.SUBMITTED}
    assert list(ProviderCall.objects.filter(campaign=campaign).order_by("sequence")
                .values_list("state", flat=True)) == [C.FAILED, C.SENT, C.FAILED, C.SENT]


@pytest.mark.django_db
def test_a_timeout_leaves_its_call_in_doubt_never_sent_again_by_retry_or_sweep(
        fake_provider, marketing_user, sent_tasks, django_capture_on_commit_callbacks):
    campaign = fake_campaign(marketing_user, count=25)
    fake_provider.script = [None, SmsTimeoutError()]
    with pytest.raises(SmsTimeoutError):
        campaign_submit(campaign_id=campaign.pk)
    doubtful = ProviderCall.objects.get(campaign=campaign, sequence=2)
    assert doubtful.state == C.IN_DOUBT

    campaign_submit(campaign_id=campaign.pk)  # the task's retry goes on after it
    Campaign.objects.filter(pk=campaign.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1), lease_token="gone")
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_submit_due()  # the sweep
    assert sent_tasks == [("campaigns.submit", campaign.pk)]
    campaign_submit(campaign_id=campaign.pk)

    references = sent_references(fake_provider)
    assert len(references) == len(set(references)) == 25  # every recipient handed over once
    assert ProviderCall.objects.filter(campaign=campaign).count() == 3
    assert set(Recipient.objects.filter(pk__in=doubtful.recipient_ids)
               .values_list("status", flat=True)) == {R.IN_DOUBT}
    assert campaign_in_doubt_count(campaign=campaign) == 10
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING  # not final while recipients are in doubt


@pytest.mark.django_db
def test_sending_to_the_in_doubt_recipients_sends_exactly_them_in_new_calls(
        fake_provider, marketing_user, sent_tasks, django_capture_on_commit_callbacks):
    campaign = fake_campaign(marketing_user, count=25)
    fake_provider.script = [SmsTimeoutError()]
    with pytest.raises(SmsTimeoutError):
        campaign_submit(campaign_id=campaign.pk)
    campaign_submit(campaign_id=campaign.pk)
    doubtful = ProviderCall.objects.get(campaign=campaign, sequence=1)
    fake_provider.batches.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_in_doubt_resend(campaign=campaign, user=marketing_user) == 10
    assert sent_tasks == [("campaigns.submit", campaign.pk)]
    campaign_submit(campaign_id=campaign.pk)

    assert sorted(int(r) for r in sent_references(fake_provider)) == sorted(doubtful.recipient_ids)
    assert ProviderCall.objects.filter(campaign=campaign).count() == 4
    doubtful.refresh_from_db()
    assert doubtful.state == C.IN_DOUBT and doubtful.resent_at is not None
    assert campaign_in_doubt_count(campaign=campaign) == 0
    assert set(statuses(campaign).values()) == {R.SUBMITTED}
    entry = AuditEntry.objects.get(action=Action.CAMPAIGN_IN_DOUBT_RESENT)
    assert entry.actor == marketing_user and entry.object_id == str(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.lease_token == ""


@pytest.mark.django_db
def test_a_killed_workers_slice_is_taken_over_and_resumed_with_no_duplicate(
        fake_provider, marketing_user, sent_tasks, monkeypatch,
        django_capture_on_commit_callbacks):
    """The worker dies between the record of its second call and the answer (its lease is
    never released): once the lease expires, the sweep hands the campaign on; the new
    holder puts that call in doubt and goes on with the third."""
    campaign = fake_campaign(marketing_user, count=25)

    class Killed(BaseException):
        pass

    fake_provider.script = [None, Killed()]
    with monkeypatch.context() as dying, pytest.raises(Killed):
        dying.setattr("campaigns.services.provider_sending.lease_release",
                      lambda *args, **kwargs: False)
        campaign_submit(campaign_id=campaign.pk)
    killed = ProviderCall.objects.get(campaign=campaign, sequence=2)
    assert killed.state == C.RECORDED
    campaign.refresh_from_db()
    assert campaign.lease_token and campaign.status == S.SUBMITTING

    campaign_submit(campaign_id=campaign.pk)  # a duplicate task finds the lease held
    assert len(fake_provider.batches) == 2
    Campaign.objects.filter(pk=campaign.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_submit_due()
    assert sent_tasks == [("campaigns.submit", campaign.pk)]
    campaign_submit(campaign_id=campaign.pk)

    references = sent_references(fake_provider)
    assert len(references) == len(set(references)) == 25
    killed.refresh_from_db()
    assert killed.state == C.IN_DOUBT
    assert [c.state for c in ProviderCall.objects.filter(campaign=campaign)] == [
        C.SENT, C.IN_DOUBT, C.SENT]
    assert campaign_in_doubt_count(campaign=campaign) == 10
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING


@pytest.mark.django_db
def test_options_the_providers_rules_refuse_fail_the_campaign_before_any_call(
        fake_provider, marketing_user, monkeypatch):
    import types

    def validate_options(options):
        raise ValueError(["Unknown options: colour."])

    monkeypatch.setattr("campaigns.services.provider_sending.vocabulary",
                        lambda name: types.SimpleNamespace(validate_options=validate_options))
    campaign = fake_campaign(marketing_user, count=5, provider_options={"colour": "red"})
    campaign_submit(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.status == S.FAILED
    assert "Unknown options: colour." in campaign.failure_reason
    assert fake_provider.batches == [] and not ProviderCall.objects.exists()


@pytest.mark.django_db
def test_cancelled_while_calls_are_made_the_rest_is_never_sent(fake_provider, marketing_user,
                                                                monkeypatch):
    from campaigns.services.cancelling import campaign_cancel

    monkeypatch.setattr(provider_sending, "CANCEL_CHECK_SECONDS", 0)  # looked for every call
    campaign = fake_campaign(marketing_user, count=25)
    fake_provider.on_call = lambda batch: (
        campaign_cancel(campaign=campaign, user=marketing_user)
        if len(fake_provider.batches) == 1 else None)
    campaign_submit(campaign_id=campaign.pk)

    assert len(fake_provider.batches) == 1
    campaign.refresh_from_db()
    assert campaign.status == S.CANCELLED and campaign.lease_token == ""
    counts = {}
    for status in statuses(campaign).values():
        counts[status] = counts.get(status, 0) + 1
    assert counts == {R.SUBMITTED: 10, R.CANCELLED: 15}
    assert campaign.not_sent_count == 15


@pytest.mark.django_db
def test_a_cancel_is_looked_for_once_per_interval_not_before_every_call(
        fake_provider, marketing_user):
    """The cancel check cost a round trip per call; it is read at most once per
    CANCEL_CHECK_SECONDS (a clock the test moves, never the machine's uptime)."""
    now = [1000.0]
    watch = provider_sending._CancelWatch(fake_campaign(marketing_user, count=1).pk,
                                          clock=lambda: now[0])
    with CaptureQueriesContext(connection) as queries:
        assert [watch() for _ in range(5)] == [False] * 5
        now[0] += provider_sending.CANCEL_CHECK_SECONDS
        assert watch() is False
    assert len(queries) == 2


@pytest.mark.django_db(transaction=True)
def test_the_next_call_is_made_while_the_answer_before_it_is_being_recorded(
        fake_provider, marketing_user, monkeypatch):
    """A call paced at 50/s has 20 ms for the pacing, its record, the HTTP call and the
    answer's writes: the answer is written beside the next call, not before it."""
    campaign = fake_campaign(marketing_user, count=25)
    second_call_made = threading.Event()
    waited = []
    original = provider_sending.call_answered

    def answer_of_the_first_waits_for_the_second_call(*, call, receipt):
        if call.sequence == 1:
            waited.append(second_call_made.wait(timeout=10))  # an event, not a speed
        original(call=call, receipt=receipt)

    monkeypatch.setattr(provider_sending, "call_answered",
                        answer_of_the_first_waits_for_the_second_call)
    fake_provider.on_call = lambda batch: (
        second_call_made.set() if batch.reference.endswith("-2") else None)
    campaign_submit(campaign_id=campaign.pk)

    assert waited == [True]
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and campaign.lease_token == ""
    assert set(statuses(campaign).values()) == {R.SUBMITTED}
    assert list(ProviderCall.objects.filter(campaign=campaign).values_list(
        "sequence", "state")) == [(1, C.SENT), (2, C.SENT), (3, C.SENT)]


@pytest.mark.django_db(transaction=True)
def test_an_answer_that_could_not_be_recorded_leaves_its_call_in_doubt_never_sent_twice(
        fake_provider, marketing_user, monkeypatch):
    campaign = fake_campaign(marketing_user, count=25)
    original = provider_sending.call_answered

    def first_answer_fails(*, call, receipt):
        if call.sequence == 1:
            raise RuntimeError("database gone")
        original(call=call, receipt=receipt)

    monkeypatch.setattr(provider_sending, "call_answered", first_answer_fails)
    with pytest.raises(RuntimeError, match="database gone"):
        campaign_submit(campaign_id=campaign.pk)
    # The calls made before the failure was seen (1 to 3) lost their answers.
    lost = sum(len(batch.messages) for batch in fake_provider.batches)
    made = len(fake_provider.batches)
    assert list(ProviderCall.objects.filter(campaign=campaign).values_list(
        "state", flat=True)) == [C.RECORDED] * made

    monkeypatch.setattr(provider_sending, "call_answered", original)
    campaign_submit(campaign_id=campaign.pk)  # the task's retry: the answer is lost
    references = sent_references(fake_provider)
    assert len(references) == len(set(references)) == 25  # every recipient handed over once
    assert list(ProviderCall.objects.filter(campaign=campaign, sequence__lte=made)
                .values_list("state", flat=True)) == [C.IN_DOUBT] * made
    assert campaign_in_doubt_count(campaign=campaign) == lost
