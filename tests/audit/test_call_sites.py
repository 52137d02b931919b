"""Issue 14: every audited action, done through its service, writes exactly one activity
entry with the right actor and object (the login and user actions are the users/access
helpers' and tested there)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing.services import AuthCodeSettings, auth_code_create, low_balance_threshold_set
from campaigns.deliveries.services.applying import postbacks_apply
from campaigns.models import Campaign, Recipient
from campaigns.services import campaign_launch
from campaigns.services.cancelling import campaign_cancel
from campaigns.services.editing import (
    campaign_create,
    campaign_duplicate,
    campaign_resend_undelivered,
)
from campaigns.services.provider_sending import campaign_in_doubt_resend
from campaigns.services.test_send import campaign_test_send, single_message_send
from contacts.imports.csvfile import format_detect
from contacts.imports.mapping import mapping_guess
from contacts.imports.services import import_create, import_fail, import_run, import_start
from contacts.models import BlacklistEntry, Group, SyncOperation
from contacts.services.blacklist import blacklist_entries_remove, blacklist_numbers_add
from contacts.services.groups import group_create, group_delete, group_update
from contacts.services.outbox import sync_operation_add
from contacts.services.pull import justsend_pull_request, justsend_pull_run
from contacts.services.push import sync_push_pending
from justsend_panel.audit.actions import NUMBER, Action
from justsend_panel.audit.models import BEAT, POSTBACK, SYSTEM, AuditEntry
from justsend_panel.core.services import (
    connection_check,
    provider_check,
    provider_setting_update,
)
from justsend_panel.sms.justsend.types import BulkVariant
from tests.campaigns.deliveries.conftest import SECRET, incoming, post, sent_campaign
from tests.campaigns.services.conftest import campaign_make, group_with_members

USER = object()  # "the acting user" in an expectation


class Case:
    """``setup(ctx)`` prepares (its entries do not count); ``act(ctx, prepared)`` does
    the action and returns (actor, object_type, object_id) expected on its one entry."""

    def __init__(self, action, act, setup=lambda ctx: None, id=None):
        self.action, self.act, self.setup = action, act, setup
        self.id = id or action


def _upload(ctx, name="contacts.csv"):
    content = b"phone,name\n500100200,Ann\n500100201,Bob\n"
    uploaded = SimpleUploadedFile(name, content, content_type="text/csv")
    file_format = format_detect(uploaded)
    uploaded.seek(0)
    return import_create(uploaded=uploaded, file_format=file_format,
                         mapping=mapping_guess(file_format), group=ctx.group,
                         created_by=ctx.user)


def _import_started(ctx, job):
    import_start(job=job, mapping=job.mapping, skip_blacklisted=False, by=ctx.user)
    return USER, "contacts.import", job.pk


def _import_queued(ctx):
    job = _upload(ctx)
    return import_start(job=job, mapping=job.mapping, skip_blacklisted=False, by=ctx.user)


def _import_finished(ctx, job):
    import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.state == job.State.FINISHED
    return SYSTEM, "contacts.import", job.pk


def _import_failed(ctx, job):
    import_fail(import_id=job.pk, error="The worker died")
    return SYSTEM, "contacts.import", job.pk


def _campaign_created(ctx, _):
    campaign = campaign_create(user=ctx.user, data={"name": "Autumn", "message": "Hello"})
    return USER, "campaigns.campaign", campaign.pk


def _draft(ctx, **fields):
    return campaign_make(ctx.user, groups=[group_with_members("Customers", 2)], **fields)


def _launched(ctx, campaign):
    campaign_launch(campaign=campaign, user=ctx.user)
    return USER, "campaigns.campaign", campaign.pk


def _cancelled(ctx, campaign):
    campaign_cancel(campaign=campaign, user=ctx.user)
    return USER, "campaigns.campaign", campaign.pk


def _duplicated(ctx, campaign):
    copy = campaign_duplicate(campaign=campaign, user=ctx.user)
    return USER, "campaigns.campaign", copy.pk


def _finished_with_undelivered(ctx):
    campaign = _draft(ctx, status=Campaign.Status.FINISHED, batch_id="b-1")
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, msisdn=f"4850000000{i}", status=status)
        for i, status in enumerate([Recipient.Status.DELIVERED, Recipient.Status.UNDELIVERED])
    )
    return campaign


def _resent(ctx, campaign):
    draft = campaign_resend_undelivered(campaign=campaign, user=ctx.user)
    return USER, "campaigns.campaign", draft.pk


def _sending_with_one_in_doubt(ctx):
    campaign = _draft(ctx, status=Campaign.Status.SENDING)
    Recipient.objects.create(campaign=campaign, msisdn="48500000001",
                             status=Recipient.Status.IN_DOUBT)
    return campaign


def _in_doubt_resent(ctx, campaign):
    campaign_in_doubt_resend(campaign=campaign, user=ctx.user)
    return USER, "campaigns.campaign", campaign.pk


def _test_sent(ctx, campaign):
    campaign_test_send(campaign=campaign, msisdn="48500100200", user=ctx.user)
    return USER, "campaigns.campaign", campaign.pk


def _single_sent(ctx, _):
    single_message_send(msisdn="48500100200", content="Hi", variant="ECO", user=ctx.user)
    return USER, NUMBER, "48500100200"


def _blacklisted(ctx, _):
    blacklist_numbers_add(text="500 100 200", user=ctx.user)
    return USER, NUMBER, "48500100200"


def _unblacklisted(ctx, _):
    entry = BlacklistEntry.objects.create(msisdn="48500100200")
    blacklist_entries_remove(entry_ids=[entry.pk], user=ctx.user)
    return USER, NUMBER, "48500100200"


def _stop_reply(ctx, _):
    ctx.settings.JUSTSEND_WEBHOOK_SECRET = SECRET
    sent_campaign(1, variant="PRO_RESP")
    post(ctx.client, incoming("48500000000", "STOP"), "incoming")
    postbacks_apply()
    return POSTBACK, NUMBER, "48500000000"


def _group_created(ctx, _):
    group = group_create(name="VIP", by=ctx.user)
    return USER, "contacts.group", group.pk


def _group_changed(ctx, group):
    group_update(group=group, name="VIP customers", group_type=group.group_type,
                 country=group.country, by=ctx.user)
    return USER, "contacts.group", group.pk


def _group_deleted(ctx, group):
    pk = group.pk
    group_delete(group=group, by=ctx.user)
    return USER, "contacts.group", pk


def _pulled(ctx, _):
    operation = justsend_pull_request(by=ctx.user)
    return USER, "contacts.syncoperation", operation.pk


def _pulled_by_beat(ctx, _):
    operation = justsend_pull_run()
    return BEAT, "contacts.syncoperation", operation.pk


def _pushed_group(ctx):
    group = group_create(name="Customers")
    sync_push_pending()
    group.refresh_from_db()
    assert group.remote_id is not None
    return group


def _sync_failed(ctx, group):
    # The sandbox refuses a whole batch when one number is malformed (400): for good.
    sync_operation_add(kind=SyncOperation.Kind.MEMBERS_ADD, group=group,
                       payload={"msisdns": ["48500300300", "12"]})
    assert sync_push_pending().failed == 1
    return SYSTEM, "contacts.group", group.pk


def _low_balance(ctx, _):
    low_balance_threshold_set(threshold=Decimal("100"), user=ctx.user)
    return USER, "", ""


def _mail2sms(ctx, _):
    auth_code_create(code_settings=AuthCodeSettings(bulk_variant=BulkVariant.ECO,
                                                    sender_override=""), user=ctx.user)
    return USER, "", ""


def _connection_checked(ctx, _):
    assert connection_check(by=ctx.user).ok
    return USER, "", ""


def _provider_checked(ctx, _):
    assert provider_check(provider="justsend", by=ctx.user).ok
    return USER, "provider", "justsend"


def _provider_settings(ctx, _):
    setting = provider_setting_update(provider="justsend", default_sender="SHOP",
                                      price_per_segment=None, currency="", rate_limit=5,
                                      by=ctx.user)
    return USER, "core.providersetting", setting.pk


def _media_uploaded(ctx, _):
    from campaigns.media.services import media_file_upload
    from tests.campaigns.media.conftest import png_bytes

    media_file = media_file_upload(upload=SimpleUploadedFile("logo.png", png_bytes()),
                                   user=ctx.user)
    return USER, "campaigns.mediafile", media_file.pk


def _media_file(ctx):
    from campaigns.media.models import MediaFile

    return MediaFile.objects.create(name="logo.png", content_type="image/png", size=1,
                                    sha256="0" * 64, token="t" * 43, file="mms/t.png")


def _media_deleted(ctx, media_file):
    from campaigns.media.services import media_file_delete

    pk = media_file.pk
    media_file_delete(media_file=media_file, user=ctx.user)
    return USER, "campaigns.mediafile", pk


CASES = [
    Case(Action.IMPORT_STARTED, _import_started, setup=_upload),
    Case(Action.IMPORT_FINISHED, _import_finished, setup=_import_queued),
    Case(Action.IMPORT_FAILED, _import_failed, setup=_import_queued),
    Case(Action.CAMPAIGN_CREATED, _campaign_created),
    Case(Action.CAMPAIGN_LAUNCHED, _launched, setup=_draft),
    Case(Action.CAMPAIGN_SCHEDULED, _launched,
         setup=lambda ctx: _draft(ctx, scheduled_at=timezone.now() + timedelta(hours=2))),
    Case(Action.CAMPAIGN_CANCELLED, _cancelled,
         setup=lambda ctx: _draft(ctx, status=Campaign.Status.QUEUED)),
    Case(Action.CAMPAIGN_DUPLICATED, _duplicated, setup=_draft),
    Case(Action.CAMPAIGN_RESENT, _resent, setup=_finished_with_undelivered),
    Case(Action.CAMPAIGN_IN_DOUBT_RESENT, _in_doubt_resent, setup=_sending_with_one_in_doubt),
    Case(Action.MESSAGE_TEST_SENT, _test_sent, setup=_draft),
    Case(Action.MESSAGE_SINGLE_SENT, _single_sent),
    Case(Action.BLACKLIST_ADDED, _blacklisted),
    Case(Action.BLACKLIST_REMOVED, _unblacklisted),
    Case(Action.BLACKLIST_STOP_REPLY, _stop_reply),
    Case(Action.GROUP_CREATED, _group_created),
    Case(Action.GROUP_CHANGED, _group_changed, setup=lambda ctx: ctx.group),
    Case(Action.GROUP_DELETED, _group_deleted, setup=lambda ctx: ctx.group),
    Case(Action.GROUP_PULLED, _pulled),
    Case(Action.GROUP_PULLED, _pulled_by_beat, id="group.pulled-by-beat"),
    Case(Action.SYNC_FAILED, _sync_failed, setup=_pushed_group),
    Case(Action.SETTINGS_LOW_BALANCE, _low_balance),
    Case(Action.SETTINGS_MAIL2SMS, _mail2sms),
    Case(Action.CONNECTION_CHECKED, _connection_checked),
    Case(Action.CONNECTION_CHECKED, _provider_checked, id="connection.checked-provider"),
    Case(Action.SETTINGS_PROVIDER, _provider_settings),
    Case(Action.MEDIA_UPLOADED, _media_uploaded),
    Case(Action.MEDIA_DELETED, _media_deleted, setup=_media_file),
]


class Context:
    def __init__(self, user, client, settings):
        self.user, self.client, self.settings = user, client, settings

    @property
    def group(self):
        return Group.objects.get_or_create(name="Customers")[0]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_action_writes_exactly_one_entry_with_its_actor_and_object(
        case, panel_sandbox, marketing_user, client, settings, media_root):
    ctx = Context(marketing_user, client, settings)
    prepared = case.setup(ctx)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    actor, object_type, object_id = case.act(ctx, prepared)

    [entry] = AuditEntry.objects.filter(pk__gt=before)
    assert entry.action == case.action
    if actor is USER:
        assert (entry.actor, entry.actor_label) == (marketing_user, "")
    else:
        assert (entry.actor, entry.actor_label) == (None, actor)
    assert (entry.object_type, entry.object_id) == (object_type, str(object_id))
    assert entry.ip is None  # no request was being served


def test_every_action_of_this_branch_is_covered():
    others = {"auth.", "user."}  # the users and access helpers' actions
    ours = {a for a in Action.values if not a.startswith(tuple(others))}
    assert ours == {case.action for case in CASES}
