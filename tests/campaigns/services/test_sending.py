from datetime import datetime, timedelta
from decimal import Decimal
import itertools

import pytest
from django.utils import timezone

from campaigns.exceptions import InsufficientBalance, RenderingError
from campaigns.models import Campaign
from campaigns.services import campaign_launch, campaign_submit
from campaigns.services.sending import SUBMIT_TASK, bulk_find
from contacts.models import SyncState
from justsend_panel.core.provider import provider_backend
from tests.campaigns.services.conftest import campaign_make, group_with_members

S = Campaign.Status
BULK_TYPES = ["STANDARD", "PERSONALIZED", "PARAMETRIZED"]
VARIANT_SETTINGS = {
    "ECO": {},
    "FULL": {"sender": "SPECIAL OFFER"},
    "PRO": {"sender": "JUSTSEND"},
    "ECO_RESP": {},
    "PRO_RESP": {"sender": "SHOP24"},
    "INTER": {"sender": "SHOP24", "country": "GERMANY"},
    "VOICE": {"voice_config": {"max_count": 3, "pause": 2, "min_period": 1, "max_period": 2,
                               "repeat_dtmf": True, "voice_language": "POLISH"}},
}
MESSAGES = {"STANDARD": "Sale today", "PERSONALIZED": "Hi {name}, sale today",
            "PARAMETRIZED": "Hi $1, your code $2"}


def _logged(sandbox):
    return (sandbox.requests(path="/api/sender/bulk/send")
            + sandbox.requests(path="/api/upload/bulk"))


@pytest.mark.django_db
@pytest.mark.parametrize("bulk_type,variant", list(itertools.product(BULK_TYPES, VARIANT_SETTINGS)))
def test_every_bulk_type_and_variant_reaches_the_sandbox_as_the_manual_says(
        panel_sandbox, bulk_type, variant):
    # INTER reaches only numbers of its country (GERMANY: 49…); the others, Polish ones.
    prefix = "49" if variant == "INTER" else "48"
    group = group_with_members("Customers", 3, prefix=prefix)
    campaign = campaign_make(groups=[group], bulk_type=bulk_type, variant=variant,
                             message=MESSAGES[bulk_type], status=S.QUEUED,
                             parameter_fields=["name", "attr:code"], **VARIANT_SETTINGS[variant])
    before = timezone.now().replace(microsecond=0)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING, campaign.failure_reason
    [logged] = _logged(panel_sandbox)
    assert logged["status"] == 201
    if bulk_type == "PARAMETRIZED":
        # $1…$n travel only as the columns of the recipients file (manual 3.2)
        assert logged["path"] == "/api/upload/bulk" and campaign.submission_mode == "upload"
        body = logged["multipart"]["request"]
        assert logged["multipart"]["file"]["rows"] == 3
    else:
        body = logged["json"]
        recipients = body["recipients"]
        assert [r["msisdn"] for r in recipients] == [f"{prefix}50000000{i}" for i in range(3)]
        if bulk_type == "PERSONALIZED":
            assert recipients[1]["content"] == "Hi Name1, sale today"
        else:
            assert "content" not in recipients[0]
    assert (body["bulkType"], body["bulkVariant"]) == (bulk_type, variant)
    assert body["name"] == campaign.bulk_name and str(campaign.reference) in body["name"]
    # sendDate: the submission time, ISO 8601 with an offset (manual 3.1)
    send_date = datetime.fromisoformat(body["sendDate"])
    assert send_date.utcoffset() is not None and before <= send_date <= timezone.now()
    assert body.get("sender") == VARIANT_SETTINGS[variant].get("sender")
    if variant == "INTER":
        assert body["bulkProperties"]["country"] == "GERMANY"
    if variant == "VOICE":
        assert body["bulkProperties"]["voiceConfig"]["maxCount"] == 3
    with panel_sandbox.client() as api:
        remote = api.get(f"overview/bulks/{campaign.batch_id}").json()
    assert remote["recipientsCount"] == 3


@pytest.mark.django_db
def test_large_audience_goes_as_a_streamed_file(panel_sandbox, settings):
    settings.CAMPAIGN_UPLOAD_THRESHOLD = 2
    campaign = campaign_make(groups=[group_with_members("Customers", 5)], status=S.QUEUED,
                             bulk_type="PERSONALIZED", message="Hi {name}")
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    [logged] = _logged(panel_sandbox)
    assert logged["path"] == "/api/upload/bulk" and campaign.submission_mode == "upload"
    assert logged["multipart"]["file"]["rows"] == 5
    with panel_sandbox.client() as api:
        remote = api.get(f"overview/bulks/{campaign.batch_id}").json()
    assert remote["recipientsCount"] == 5
    # Billing's "Uploaded files" page can link Justsend's file back to this campaign.
    from billing.models import UploadedFileLink

    link = UploadedFileLink.objects.get()
    assert (link.campaign_id, link.batch_id) == (campaign.pk, campaign.batch_id)
    assert link.file_name == logged["multipart"]["file"]["filename"]


@pytest.mark.django_db
def test_synced_whole_groups_go_by_group_ids_and_a_pending_sync_sends_the_list(panel_sandbox):
    group = group_with_members("Customers", 2)
    with panel_sandbox.client() as api:
        remote_group = api.post("groups", json={"name": "Customers", "groupType": "LOCAL", "country": "POLAND"}).json()
    remote_id = remote_group.get("id") or remote_group.get("groupId")
    group.remote_id, group.sync_state = remote_id, SyncState.SYNCED
    group.save()
    synced = campaign_make(groups=[group], status=S.QUEUED)
    campaign_submit(campaign_id=synced.pk)
    synced.refresh_from_db()
    assert synced.submission_mode == "group_ids"
    assert _logged(panel_sandbox)[-1]["json"]["groupIds"] == [remote_id]

    group.sync_state = SyncState.PENDING
    group.save()
    pending = campaign_make(groups=[group], status=S.QUEUED)
    campaign_submit(campaign_id=pending.pk)
    pending.refresh_from_db()
    body = _logged(panel_sandbox)[-1]["json"]
    assert pending.submission_mode == "json" and "groupIds" not in body
    assert len(body["recipients"]) == 2


@pytest.mark.django_db
def test_running_the_submit_twice_sends_one_bulk(panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign_submit(campaign_id=campaign.pk)
    assert len(_logged(panel_sandbox)) == 1
    assert sum(panel_sandbox.state()["bulkStatuses"].values()) == 1


@pytest.mark.django_db
def test_a_campaign_left_in_submitting_is_looked_up_not_sent_again(panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    uuid = campaign.batch_id
    # As if the worker died after Justsend's answer and before our commit:
    Campaign.objects.filter(pk=campaign.pk).update(status=S.SUBMITTING, batch_id="")
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.batch_id) == (S.SENDING, uuid)
    assert len(_logged(panel_sandbox)) == 1


@pytest.mark.django_db
def test_a_campaign_in_submitting_that_justsend_does_not_have_is_sent(panel_sandbox):
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.SUBMITTING,
                             launched_at=timezone.now())
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING and len(_logged(panel_sandbox)) == 1
    with provider_backend("justsend").client() as client:
        assert bulk_find(client, campaign).uuid == campaign.batch_id


@pytest.mark.django_db
def test_justsend_400_fails_the_campaign_with_justsends_message(panel_sandbox):
    panel_sandbox.set_balance(balance=0, promo=0)
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.FAILED
    assert campaign.failure_reason.startswith("Justsend refused the campaign:")
    assert len(campaign.failure_reason) > len("Justsend refused the campaign: ")


@pytest.mark.django_db
def test_a_server_error_is_raised_for_retry_and_leaves_the_campaign_submitting(panel_sandbox):
    from justsend_panel.sms.exceptions import SmsServerError

    panel_sandbox.set_faults(rate_500=1.0)
    campaign = campaign_make(groups=[group_with_members("Customers", 2)], status=S.QUEUED)
    with pytest.raises(SmsServerError):
        campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == S.SUBMITTING
    panel_sandbox.set_faults(rate_500=0.0)
    campaign_submit(campaign_id=campaign.pk)  # the retry: looks up, then sends once
    campaign.refresh_from_db()
    assert campaign.status == S.SENDING
    assert len([r for r in _logged(panel_sandbox) if r["status"] == 201]) == 1


@pytest.mark.django_db
def test_launch_now_queues_and_enqueues_after_commit(panel_sandbox, marketing_user,
                                                       django_capture_on_commit_callbacks,
                                                       monkeypatch):
    sent = []
    monkeypatch.setattr("justsend_panel.celery.app.send_task",
                        lambda name, kwargs, **options: sent.append((name, kwargs)))
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 2)])
    with django_capture_on_commit_callbacks(execute=True):
        launched = campaign_launch(campaign=campaign, user=marketing_user)
    assert launched.status == S.QUEUED and launched.launched_by == marketing_user
    assert sent == [(SUBMIT_TASK, {"campaign_id": campaign.pk})]


@pytest.mark.django_db
def test_launch_later_schedules_without_enqueuing(panel_sandbox, marketing_user,
                                                  django_capture_on_commit_callbacks):
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 2)],
                             scheduled_at=timezone.now() + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        launched = campaign_launch(campaign=campaign, user=marketing_user)
    # The only thing left for after the commit is billing's banner refresh (the cost
    # check records a balance snapshot); no task is enqueued.
    assert launched.status == S.SCHEDULED
    assert [callback.__name__ for callback in callbacks] == ["low_balance_status_forget"]


@pytest.mark.django_db
def test_launch_refuses_a_short_balance_with_a_clear_message(panel_sandbox, marketing_user):
    panel_sandbox.set_balance(balance=1, promo=0)
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 50)])
    with pytest.raises(InsufficientBalance, match="top up"):
        campaign_launch(campaign=campaign, user=marketing_user)
    campaign.refresh_from_db()
    assert campaign.status == S.DRAFT


@pytest.mark.django_db
def test_launch_refuses_missing_fields_before_sending(panel_sandbox, marketing_user):
    campaign = campaign_make(marketing_user, pasted_numbers="600100200",
                             bulk_type="PERSONALIZED", message="Hi {name}")
    with pytest.raises(RenderingError, match="48600100200 \\(name\\)"):
        campaign_launch(campaign=campaign, user=marketing_user)
    assert _logged(panel_sandbox) == []


@pytest.mark.django_db
def test_cost_check_records_a_balance_snapshot_and_warns_under_the_threshold(
    panel_sandbox, marketing_user
):
    from billing.models import AccountSnapshot
    from billing.services import low_balance_threshold_set
    from campaigns.services.cost import campaign_cost

    panel_sandbox.set_balance(balance=100, promo=0)
    low_balance_threshold_set(threshold=Decimal("90"), user=None)
    campaign = campaign_make(marketing_user, groups=[group_with_members("Customers", 2)])
    cost = campaign_cost(campaign=campaign)
    assert AccountSnapshot.objects.get().account_balance == Decimal("100")
    assert cost.sufficient and cost.total_cost == Decimal("14")  # 2 × ECO 7 points
    assert cost.leaves_under_threshold  # 100 − 14 < 90
    low_balance_threshold_set(threshold=Decimal("50"), user=None)
    assert not campaign_cost(campaign=campaign).leaves_under_threshold


@pytest.mark.django_db
def test_recipients_file_lines_made_by_the_database_read_back_as_the_csv_writer_wrote_them():
    """Quoting: ``;``, ``"`` and line breaks in a text are quoted, anything else is not."""
    import csv
    import io

    from campaigns.models import Recipient
    from campaigns.services.sending import _csv_row, recipients_csv_write

    texts = ["Plain text", "", "Semi;colon", 'Say "hi"', "Two\nlines", "Return\r here",
             'All ; " \n at once', "Cześć, 50% taniej — €5 {x} \\ ~", " spaces "]
    campaign = campaign_make(bulk_type="PERSONALIZED", message="{name}")
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, msisdn=f"4850010{i:04d}", content=text)
        for i, text in enumerate(texts)
    )
    made = io.BytesIO()
    assert recipients_csv_write(campaign, made) == len(texts)
    expected = io.StringIO()
    csv.writer(expected, delimiter=";", lineterminator="\n").writerows(
        _csv_row((f"4850010{i:04d}", text, None)) for i, text in enumerate(texts))
    text = made.getvalue().decode("utf-8")
    # The one difference allowed: a carriage return is quoted (newer csv modules do it too).
    assert text == expected.getvalue().replace("Return\r here", '"Return\r here"')
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == [[f"4850010{i:04d}", t] if t else [f"4850010{i:04d}"]
                    for i, t in enumerate(texts)]


@pytest.mark.django_db
def test_deleting_a_campaign_deletes_its_recipients_without_a_database_constraint():
    from campaigns.models import Recipient

    kept, gone = campaign_make(name="kept"), campaign_make(name="gone")
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, msisdn=f"4850020{i:04d}")
        for campaign in (kept, gone) for i in range(3)
    )
    gone.delete()
    assert set(Recipient.objects.values_list("campaign_id", flat=True)) == {kept.pk}
    assert Recipient.objects.count() == 3
