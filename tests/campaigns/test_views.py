"""Campaign pages against the sandbox over real HTTP: compose, preview, test send, launch,
detail, cancel, copies, the list with its filters, and single messages."""

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from tests.campaigns.conftest import blacklist_add, members_group

pytestmark = pytest.mark.django_db


def campaign_make(user, *, groups=(), **fields) -> Campaign:
    defaults = {"name": "Spring sale", "message": "Hello", "variant": "ECO", "bulk_type": "STANDARD"}
    campaign = Campaign.objects.create(created_by=user, **{**defaults, **fields})
    campaign.groups.set(groups)
    return campaign


def compose_data(**fields) -> dict:
    return {
        "name": "Spring sale", "bulk_type": "STANDARD", "variant": "ECO", "message": "Hello",
        "pasted_numbers": "", "when": "now", **fields,
    }


# --- compose and preview -----------------------------------------------------------------


def test_marketing_composes_a_personalized_campaign_and_sees_the_preview(
    marketing_client, marketing_user, panel_sandbox, customers
):
    blacklist_add(customers.members.order_by("pk").first().msisdn)
    response = marketing_client.post(
        reverse("campaigns:campaign_create"),
        compose_data(
            bulk_type="PERSONALIZED", message="Hi {name}, your code is {code}",
            groups=[customers.pk], pasted_numbers="600 000 001",
        ),
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:campaign_preview", args=[campaign.pk])
    assert campaign.created_by == marketing_user and campaign.status == Campaign.Status.DRAFT

    page = marketing_client.get(response["Location"])
    html = page.content.decode()
    context = page.context
    summary, cost = context["preview"].summary, context["preview"].cost
    # 6 members + 1 pasted number that repeats a member; one member is blacklisted.
    assert (summary.candidates, summary.duplicates, summary.blacklisted, summary.recipients) == (7, 1, 1, 5)
    assert len(summary.samples) == 5
    assert "Hi Ann1, your code is C1" in html
    assert cost.price_per_message is not None and cost.total_cost == cost.price_per_message * 5
    assert 'data-testid="launch"' in html and context["preview"].can_launch


def test_preview_lists_recipients_missing_a_field_and_refuses_launch(marketing_client, panel_sandbox, customers):
    campaign = campaign_make(None, groups=[customers], bulk_type="PERSONALIZED", message="Hi {city}")
    page = marketing_client.get(reverse("campaigns:campaign_preview", args=[campaign.pk]))
    html = page.content.decode()
    assert page.context["preview"].summary.missing_count == 6
    assert 'data-testid="missing-fields"' in html and "<code>city</code>" in html
    assert 'data-testid="launch-refusal"' in html and 'data-testid="launch"' not in html


def test_preview_refuses_launch_when_the_balance_is_short(marketing_client, panel_sandbox, customers):
    panel_sandbox.set_balance(balance=0, promo=0)
    campaign = campaign_make(None, groups=[customers])
    page = marketing_client.get(reverse("campaigns:campaign_preview", args=[campaign.pk]))
    html = page.content.decode()
    assert "The balance is too low" in html
    assert 'data-testid="launch"' not in html
    response = marketing_client.post(reverse("campaigns:campaign_launch", args=[campaign.pk]), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert any("balance" in str(m).lower() or "points" in str(m).lower() for m in response.context["messages"])


def test_preview_survives_justsend_being_down(marketing_client, panel_sandbox, customers, settings):
    settings.JUSTSEND_API_URL = "http://127.0.0.1:9/api"  # nothing listens on the discard port
    campaign = campaign_make(None, groups=[customers])
    page = marketing_client.get(reverse("campaigns:campaign_preview", args=[campaign.pk]))
    assert page.status_code == 200
    assert 'data-testid="cost-error"' in page.content.decode()
    assert page.context["preview"].summary.recipients == 6  # the audience is still shown


def test_removed_numbers_download_is_spreadsheet_safe(marketing_client, panel_sandbox):
    campaign = campaign_make(None, pasted_numbers="=HYPERLINK(1)\n+48 500 100 200\n500100200\n12")
    response = marketing_client.get(reverse("campaigns:campaign_removed_numbers", args=[campaign.pk, "invalid"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["number", "reason"]
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1)", "12"]
    duplicates = marketing_client.get(reverse("campaigns:campaign_removed_numbers", args=[campaign.pk, "duplicate"]))
    rows = list(csv.reader(io.StringIO(b"".join(duplicates.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["500100200"]
    assert marketing_client.get(
        reverse("campaigns:campaign_removed_numbers", args=[campaign.pk, "nonsense"])
    ).status_code == 404


def test_test_send_sends_the_rendered_text_through_single_message(marketing_client, panel_sandbox, customers):
    campaign = campaign_make(None, groups=[customers], bulk_type="PERSONALIZED", message="Hi {name}!")
    member = customers.members.order_by("pk")[2]
    response = marketing_client.post(
        reverse("campaigns:campaign_preview", args=[campaign.pk]), {"msisdn": member.msisdn}, follow=True
    )
    sent = panel_sandbox.requests(path="/api/sender/singlemessage/send")
    assert len(sent) == 1
    assert "Hi Ann2!" in str(sent[0])
    assert any("Test message sent" in str(m) for m in response.context["messages"])


def test_test_send_shows_a_bad_number_and_justsend_refusal(marketing_client, panel_sandbox, customers):
    campaign = campaign_make(None, groups=[customers], variant="PRO", sender="ACME")
    page = marketing_client.post(reverse("campaigns:campaign_preview", args=[campaign.pk]), {"msisdn": "12"})
    assert "is not a valid phone number" in page.content.decode() or "is not a phone number" in page.content.decode()
    assert panel_sandbox.requests(path="/api/sender/singlemessage/send") == []
    panel_sandbox.set_faults(rate_500=1.0)
    response = marketing_client.post(
        reverse("campaigns:campaign_preview", args=[campaign.pk]), {"msisdn": "500100200"}, follow=True
    )
    assert any("did not confirm" in str(m) for m in response.context["messages"])


# --- launch, cancel, copies ----------------------------------------------------------------


def test_launch_asks_then_launches(marketing_client, marketing_user, panel_sandbox, customers, django_capture_on_commit_callbacks):
    campaign = campaign_make(marketing_user, groups=[customers])
    confirm = marketing_client.get(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    assert 'data-testid="confirm-launch"' in confirm.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT  # a GET changes nothing
    with django_capture_on_commit_callbacks() as callbacks:
        response = marketing_client.post(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    assert response["Location"] == reverse("campaigns:campaign_detail", args=[campaign.pk])
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUEUED and campaign.launched_by == marketing_user
    # The submit task, enqueued after commit (beside billing's banner refresh).
    assert [c.__qualname__ for c in callbacks] == [
        "low_balance_status_forget", "task_enqueue.<locals>.<lambda>",
    ]


def test_a_scheduled_campaign_is_cancelled_locally(marketing_client, panel_sandbox, customers):
    campaign = campaign_make(None, groups=[customers], scheduled_at=timezone.now() + timedelta(days=1))
    marketing_client.post(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    detail = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="cancel"' in detail
    assert 'data-testid="confirm-cancel"' in marketing_client.get(
        reverse("campaigns:campaign_cancel", args=[campaign.pk])
    ).content.decode()
    marketing_client.post(reverse("campaigns:campaign_cancel", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED
    assert panel_sandbox.requests(path="/api/sender/bulk/send") == []
    again = marketing_client.post(reverse("campaigns:campaign_cancel", args=[campaign.pk]), follow=True)
    assert again.status_code == 200  # cancelling twice is explained, not a 500
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED


def test_duplicate_and_resend_make_drafts(marketing_client, marketing_user, customers):
    campaign = campaign_make(marketing_user, groups=[customers], status=Campaign.Status.FINISHED)
    response = marketing_client.post(reverse("campaigns:campaign_copy", args=[campaign.pk, "duplicate"]))
    copy = Campaign.objects.exclude(pk=campaign.pk).get()
    assert response["Location"] == reverse("campaigns:campaign_edit", args=[copy.pk])
    assert copy.status == Campaign.Status.DRAFT and copy.source == campaign
    assert list(copy.groups.all()) == [customers]
    # Nothing undelivered yet: explained, no new draft.
    response = marketing_client.post(reverse("campaigns:campaign_copy", args=[campaign.pk, "resend"]), follow=True)
    assert Campaign.objects.count() == 2
    assert any("undelivered" in str(m) for m in response.context["messages"])
    Recipient.objects.create(campaign=campaign, msisdn="48600000001", status=Recipient.Status.UNDELIVERED)
    marketing_client.post(reverse("campaigns:campaign_copy", args=[campaign.pk, "resend"]))
    resend = Campaign.objects.order_by("-pk").first()
    assert resend.only_numbers.split() == ["48600000001"]
    assert marketing_client.post(reverse("campaigns:campaign_copy", args=[campaign.pk, "other"])).status_code == 404


def test_only_a_draft_can_be_edited(marketing_client, customers):
    campaign = campaign_make(None, groups=[customers], status=Campaign.Status.SENDING)
    response = marketing_client.get(reverse("campaigns:campaign_edit", args=[campaign.pk]))
    assert response["Location"] == reverse("campaigns:campaign_detail", args=[campaign.pk])
    response = marketing_client.post(reverse("campaigns:campaign_edit", args=[campaign.pk]), compose_data(name="X", groups=[customers.pk]))
    campaign.refresh_from_db()
    assert campaign.name == "Spring sale"


def test_editing_a_draft_keeps_its_audience_and_changes_the_rest(marketing_client, customers):
    campaign = campaign_make(None, groups=[customers])
    page = marketing_client.get(reverse("campaigns:campaign_edit", args=[campaign.pk]))
    assert page.context["form"].initial["groups"] == [customers]
    marketing_client.post(
        reverse("campaigns:campaign_edit", args=[campaign.pk]),
        compose_data(name="Summer sale", variant="FULL", full_sender="NEWS", groups=[customers.pk]),
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.variant, campaign.sender) == ("Summer sale", "FULL", "NEWS")


def test_compose_shows_form_errors_not_a_500(marketing_client):
    page = marketing_client.post(reverse("campaigns:campaign_create"), compose_data(variant="PRO", sender="Łódź"))
    assert page.status_code == 200
    assert "Polish letters" in page.content.decode()
    assert Campaign.objects.count() == 0


# --- detail and progress ---------------------------------------------------------------------


def recipients_make(campaign: Campaign, count: int) -> None:
    """``count`` recipients, every other one delivered, the rest sent and awaiting a report."""
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, msisdn=f"4860000{i:04d}", status=Recipient.Status.DELIVERED if i % 2 else Recipient.Status.SENT)
        for i in range(count)
    )


def test_detail_polls_while_sending_and_stops_when_finished(marketing_client, django_assert_max_num_queries):
    campaign = campaign_make(
        None, status=Campaign.Status.SENDING, recipients_count=200, sent_count=150,
        delivered_count=100, undelivered_count=20, not_sent_count=10,
    )
    recipients_make(campaign, 200)
    progress_url = reverse("campaigns:campaign_progress", args=[campaign.pk])
    with django_assert_max_num_queries(12):
        detail = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    html = detail.content.decode()
    assert f'hx-get="{progress_url}"' in html
    assert 'data-done="65.0"' in html  # (100 + 20 + 10) / 200
    assert html.count('data-status="delivered"') == 25  # half of the first page of 50
    filtered = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]), {"status": "sent"})
    assert filtered.content.decode().count('data-status="delivered"') == 0
    # The card, a page of the table and the charts' one aggregate.
    with django_assert_max_num_queries(8):
        partial = marketing_client.get(progress_url)
    assert "<html" not in partial.content.decode() and "hx-get" in partial.content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FINISHED)
    final = marketing_client.get(progress_url).content.decode()
    assert "hx-get" not in final and 'data-status="finished"' in final


def test_recipient_table_follows_the_send_with_its_filter_and_page(marketing_client):
    """The table rides on the progress card's poll (issue 15 point 7), which carries the
    page's filter and page."""
    campaign = campaign_make(None, status=Campaign.Status.SENDING, recipients_count=120)
    recipients_make(campaign, 120)
    detail_url = reverse("campaigns:campaign_detail", args=[campaign.pk])
    url = reverse("campaigns:campaign_progress", args=[campaign.pk])
    detail = marketing_client.get(detail_url, {"status": "delivered", "page": "2"}).content.decode()
    assert f'hx-get="{url}?status=delivered&amp;page=2" hx-trigger="every 2s"' in detail

    partial = marketing_client.get(url, {"status": "delivered", "page": "2"})
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html and 'data-testid="recipient-filter"' not in html
    assert f'hx-get="{url}?status=delivered&amp;page=2" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert '<div class="table-responsive" id="campaign-recipients" hx-swap-oob="true">' in html
    assert html.count('data-status="delivered"') == 10 and 'data-status="sent"' not in html  # 60 delivered, page 2 of 50
    assert [row.record.msisdn for row in partial.context["table"].page.object_list][:1] == ["48600000101"]
    assert 'href="?status=delivered&amp;page=1"' in html  # paging links stay relative: to the detail page

    Recipient.objects.filter(campaign=campaign).update(status=Recipient.Status.DELIVERED)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FINISHED)
    final = marketing_client.get(url, {"status": "delivered"}).content.decode()
    assert "hx-get" not in final and "hx-trigger" not in final and final.count('data-status="delivered"') == 50
    assert 'data-status="finished"' in final
    wrapper = marketing_client.get(detail_url).content.decode().split('id="campaign-recipients"')[1].split(">")[0]
    assert "hx-get" not in wrapper and "hx-trigger" not in wrapper


@pytest.mark.parametrize("status", [Campaign.Status.SENDING, Campaign.Status.FINISHED])
def test_recipient_partial_queries_do_not_grow_with_the_rows(marketing_client, banner_cached, status):
    def queries_for(count: int) -> int:
        campaign = campaign_make(None, status=status, recipients_count=count)
        recipients_make(campaign, count)
        url = reverse("campaigns:campaign_recipients", args=[campaign.pk])
        with CaptureQueriesContext(connection) as captured:
            response = marketing_client.get(url, {"status": "delivered"})
        assert response.status_code == 200 and response.content.decode().count('data-status="delivered"') == count // 2
        return len(captured)

    few, many = queries_for(3), queries_for(30)
    assert few == many <= 6


def test_recipient_partial_needs_a_login_and_the_view_permission(client):
    from tests.factories.users import UserFactory

    campaign = campaign_make(None, status=Campaign.Status.SENDING)
    url = reverse("campaigns:campaign_recipients", args=[campaign.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(UserFactory(username="nobody"))
    assert client.get(url).status_code == 403


def test_progress_names_the_submission_phase_without_a_made_up_count(marketing_client):
    """Recipients are written in one statement: no running count, the phase instead."""
    campaign = campaign_make(None, status=Campaign.Status.QUEUED)
    url = reverse("campaigns:campaign_progress", args=[campaign.pk])
    assert "Waiting for a worker" in marketing_client.get(url).content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SUBMITTING)
    preparing = marketing_client.get(url).content.decode()
    assert "Preparing recipients…" in preparing and "so far" not in preparing
    Campaign.objects.filter(pk=campaign.pk).update(prepared_at=timezone.now(),
                                                   recipients_count=1234567)
    assert "Handing 1,234,567 recipients to Justsend" in marketing_client.get(url).content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(provider="smsmanager")
    assert "Handing 1,234,567 recipients to SMS Manager" in marketing_client.get(url).content.decode()


def test_detail_shows_the_failure_reason(marketing_client):
    campaign = campaign_make(None, status=Campaign.Status.FAILED, failure_reason="Sender must not contain Polish characters")
    html = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Sender must not contain Polish characters" in html
    assert 'data-testid="cancel"' not in html


def test_detail_shows_the_providers_batch_id(marketing_client):
    campaign = campaign_make(None, status=Campaign.Status.FINISHED,
                             batch_id="9f1c2a4e-0b7d-4c55-9a8e-3d2f6b1e7c10")
    url = reverse("campaigns:campaign_detail", args=[campaign.pk])
    html = marketing_client.get(url).content.decode()
    assert "Batch at the provider" in html
    assert "<code>9f1c2a4e-0b7d-4c55-9a8e-3d2f6b1e7c10</code>" in html


# --- the list ------------------------------------------------------------------------------


def test_list_filters_and_searches_with_few_queries(
    marketing_client, banner_cached, django_assert_max_num_queries
):
    for i in range(30):
        campaign_make(
            None, name=f"Campaign {i}", variant="PRO" if i % 3 == 0 else "ECO", sender="ACME",
            status=Campaign.Status.FINISHED if i % 2 else Campaign.Status.DRAFT,
            recipients_count=100, delivered_count=i,
        )
    with django_assert_max_num_queries(8):
        page = marketing_client.get(reverse("campaigns:campaign_list"))
    assert page.status_code == 200
    assert len(page.context["table"].page.object_list) == 25
    assert "29.0%" in page.content.decode()
    finished_pro = marketing_client.get(reverse("campaigns:campaign_list"), {"status": "finished", "variant": "PRO"})
    names = {row.record.name for row in finished_pro.context["table"].page.object_list}
    assert names == {f"Campaign {i}" for i in range(30) if i % 2 and i % 3 == 0}
    search = marketing_client.get(reverse("campaigns:campaign_list"), {"q": "campaign 1"})
    assert {row.record.name for row in search.context["table"].page.object_list} == {
        f"Campaign {i}" for i in (1, *range(10, 20))
    }


def test_list_filters_by_date(marketing_client):
    soon = campaign_make(None, name="Later", scheduled_at=timezone.now() + timedelta(days=10))
    campaign_make(None, name="Today")
    day = timezone.localtime(soon.scheduled_at).date()
    page = marketing_client.get(reverse("campaigns:campaign_list"), {"date_from": day.isoformat()})
    assert [row.record.name for row in page.context["table"].page.object_list] == ["Later"]
    page = marketing_client.get(reverse("campaigns:campaign_list"), {"date_to": timezone.localdate().isoformat()})
    assert [row.record.name for row in page.context["table"].page.object_list] == ["Today"]


# --- single messages --------------------------------------------------------------------


def test_single_message_is_sent_listed_and_shown(marketing_client, panel_sandbox):
    response = marketing_client.post(
        reverse("campaigns:single_message_send"),
        {"msisdn": "+48 500 100 200", "variant": "FULL", "full_sender": "INFO", "content": "Your parcel is here"},
    )
    sent = panel_sandbox.requests(path="/api/sender/singlemessage/send")
    assert len(sent) == 1 and "48500100200" in str(sent[0]) and "INFO" in str(sent[0])
    assert response.status_code == 302
    detail = marketing_client.get(response["Location"]).content.decode()
    assert "Your parcel is here" in detail and "48500100200" in detail
    listing = marketing_client.get(reverse("campaigns:single_message_list")).content.decode()
    assert "Your parcel is here" in listing


def test_single_message_refusal_is_shown_in_the_form(marketing_client, panel_sandbox):
    page = marketing_client.post(
        reverse("campaigns:single_message_send"), {"msisdn": "500100200", "variant": "PRO", "sender": "", "content": "x"}
    )
    assert "needs your own sender" in page.content.decode()
    assert panel_sandbox.requests(path="/api/sender/singlemessage/send") == []


def test_single_message_pages_explain_a_provider_error(marketing_client, panel_sandbox):
    detail = marketing_client.get(reverse("campaigns:single_message_detail", args=["999999"]))
    assert detail.status_code == 200 and "does not know this message" in detail.content.decode()
    panel_sandbox.set_faults(rate_500=1.0)
    listing = marketing_client.get(reverse("campaigns:single_message_list"))
    assert listing.status_code == 200 and 'data-testid="provider-error"' in listing.content.decode()


def test_a_user_without_the_role_cannot_compose(client):
    from tests.factories.users import UserFactory

    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("campaigns:campaign_create")).status_code == 403
    assert client.post(reverse("campaigns:single_message_send"), {}).status_code == 403


def test_compose_with_an_uploaded_csv_renders_its_columns(marketing_client, panel_sandbox, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(
        "audience.csv", "Telefon;Imię;City\n500100200;Ann;Kraków\n501200300;Bob;Gdańsk\nbad;Cy;Łódź\n".encode(),
        content_type="text/csv",
    )
    response = marketing_client.post(
        reverse("campaigns:campaign_create"),
        {**compose_data(bulk_type="PERSONALIZED", message="Hi {name} from {city}"), "audience_file": upload},
    )
    assert response.status_code == 302, response.context["form"].errors
    preview = marketing_client.get(response["Location"])
    summary = preview.context["preview"].summary
    assert (summary.recipients, summary.invalid) == (2, 1)
    assert [s.text for s in summary.samples] == ["Hi Ann from Kraków", "Hi Bob from Gdańsk"]


# --- the panel's rules before a single message or a test send (issue 13 points 7, 8) -----


SINGLE_SENT = "/api/sender/singlemessage/send"


def test_single_message_to_a_number_that_just_replied_stop_is_refused(marketing_client, panel_sandbox):
    from contacts.models import BlacklistEntry, SyncState

    # The push to Justsend is still pending: Justsend would send; the panel must not.
    BlacklistEntry.objects.create(msisdn="48500100200", reason=BlacklistEntry.Reason.STOP_REPLY,
                                  sync_state=SyncState.PENDING)
    page = marketing_client.post(reverse("campaigns:single_message_send"),
                                 {"msisdn": "500100200", "variant": "ECO", "content": "Hi"})
    assert "48500100200 is on the blacklist: nothing was sent." in page.content.decode()
    assert panel_sandbox.requests(path=SINGLE_SENT) == []


def test_single_message_of_a_domestic_variant_to_a_foreign_number_is_refused(
        marketing_client, panel_sandbox):
    page = marketing_client.post(reverse("campaigns:single_message_send"),
                                 {"msisdn": "+421 905 123 456", "variant": "ECO", "content": "Hi"})
    assert "421905123456 is not a Polish number: only INTER sends abroad." in page.content.decode()
    assert panel_sandbox.requests(path=SINGLE_SENT) == []


def test_single_message_form_posted_twice_sends_once(marketing_client, panel_sandbox):
    form = {"msisdn": "500100200", "variant": "ECO", "content": "Hi",
            "token": "9b2f7a8e-3c51-4a2b-9a7e-0c1d2e3f4a5b"}
    first = marketing_client.post(reverse("campaigns:single_message_send"), form)
    second = marketing_client.post(reverse("campaigns:single_message_send"), form, follow=True)
    assert first.status_code == 302
    assert len(panel_sandbox.requests(path=SINGLE_SENT)) == 1
    assert any("sent already" in str(m) for m in second.context["messages"])
    page = marketing_client.get(reverse("campaigns:single_message_send")).content.decode()
    assert 'name="token"' in page  # every rendered form carries a fresh token


def test_test_send_refuses_the_blacklist_and_sends_once_per_form(
        marketing_client, panel_sandbox, customers):
    campaign = campaign_make(None, groups=[customers])
    blacklist_add("48500100201")
    url = reverse("campaigns:campaign_preview", args=[campaign.pk])
    refused = marketing_client.post(url, {"msisdn": "500100201"}, follow=True)
    assert any("is on the blacklist" in str(m) for m in refused.context["messages"])
    assert panel_sandbox.requests(path=SINGLE_SENT) == []
    form = {"msisdn": "500100200", "token": "1b2f7a8e-3c51-4a2b-9a7e-0c1d2e3f4a5b"}
    marketing_client.post(url, form)
    again = marketing_client.post(url, form, follow=True)
    assert len(panel_sandbox.requests(path=SINGLE_SENT)) == 1
    assert any("was not sent again" in str(m) for m in again.context["messages"])


def test_test_send_checks_the_campaigns_sender_rules(marketing_client, panel_sandbox, customers):
    campaign = campaign_make(None, groups=[customers], variant="PRO", sender="")  # saved around the form
    response = marketing_client.post(reverse("campaigns:campaign_preview", args=[campaign.pk]),
                                     {"msisdn": "500100200"}, follow=True)
    assert any("PRO needs your own sender ID." in str(m) for m in response.context["messages"])
    assert panel_sandbox.requests(path=SINGLE_SENT) == []


def test_voice_test_send_says_it_went_as_an_eco_sms(marketing_client, panel_sandbox, customers):
    campaign = campaign_make(None, groups=[customers], variant="VOICE",
                             voice_config={"max_count": 1, "pause": 1})
    response = marketing_client.post(reverse("campaigns:campaign_preview", args=[campaign.pk]),
                                     {"msisdn": "500100200"}, follow=True)
    sent = panel_sandbox.requests(path=SINGLE_SENT)
    assert len(sent) == 1 and "ECO" in str(sent[0])
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "A single message cannot be a call" in shown and "as an ECO SMS" in shown


def test_inter_slovakia_from_pasted_numbers_previews_the_polish_one_as_outside(
        marketing_client, panel_sandbox):
    """Issue 13 points 3 and 4, as a user does it: pasted +421… numbers and one Polish."""
    response = marketing_client.post(reverse("campaigns:campaign_create"), compose_data(
        variant="INTER", sender="ACME", country="SLOVAKIA",
        pasted_numbers="+421 905 123 456\n00421 905 123 457\t+48 500 100 200",
    ))
    assert response.status_code == 302, response.context["form"].errors
    page = marketing_client.get(response["Location"])
    summary = page.context["preview"].summary
    assert (summary.candidates, summary.invalid, summary.outside_country,
            summary.recipients) == (3, 0, 1, 2)
    html = page.content.decode()
    assert "− not in Slovakia" in html
    assert 'data-testid="removed-outside_country">1<' in html
    assert 'data-testid="download-outside_country"' in html


def test_launch_confirmation_restates_recipients_cost_balance_after_and_time(
    marketing_client, panel_sandbox, customers
):
    blacklist_add(customers.members.order_by("pk").first().msisdn)
    panel_sandbox.set_balance(balance=1000, promo=0)
    campaign = campaign_make(None, groups=[customers])
    page = marketing_client.get(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    html = page.content.decode()
    cost = page.context["preview"].cost
    assert cost.recipients == 5 and cost.total_cost == cost.price_per_message * 5
    facts = {
        name: html.split(f'data-testid="{name}">')[1].split("</dd>")[0]
        for name in ("confirm-recipients", "confirm-cost", "confirm-balance-after", "confirm-when")
    }
    assert facts["confirm-recipients"] == "5"
    assert facts["confirm-cost"] == f"{cost.total_cost:.2f} pts".replace(".00 ", " ")
    assert facts["confirm-balance-after"].startswith(f"{1000 - cost.total_cost:.2f} pts".replace(".00 ", " "))
    assert "1,000 now" in facts["confirm-balance-after"]
    assert facts["confirm-when"] == "Now, when you confirm"
    assert "Yes, launch" in html


def test_launch_confirmation_of_a_scheduled_campaign_names_the_time_in_the_panel_zone(
    marketing_client, panel_sandbox, customers, settings
):
    settings.TIME_ZONE = "Europe/Warsaw"
    at = timezone.now().replace(microsecond=0) + timedelta(days=2)
    campaign = campaign_make(None, groups=[customers], scheduled_at=at)
    html = marketing_client.get(reverse("campaigns:campaign_launch", args=[campaign.pk])).content.decode()
    local = timezone.localtime(at, timezone=ZoneInfo("Europe/Warsaw"))
    when = html.split('data-testid="confirm-when">')[1].split("</dd>")[0]
    assert "(Europe/Warsaw)" in when
    assert f"{local:%Y}" in when and local.strftime("%-d") in when


def test_launch_confirmation_says_why_it_cannot_launch_and_offers_no_button(
    marketing_client, panel_sandbox, customers
):
    panel_sandbox.set_balance(balance=0, promo=0)
    campaign = campaign_make(None, groups=[customers])
    html = marketing_client.get(reverse("campaigns:campaign_launch", args=[campaign.pk])).content.decode()
    assert 'data-testid="launch-refusal"' in html and "The balance is too low" in html
    assert "Yes, launch" not in html


# --- the composer's field picker -------------------------------------------------------------


def test_fields_endpoint_lists_member_fields_and_the_chosen_groups_attributes(marketing_client):
    from contacts.services.groups import group_attribute_keys_add

    first, second, other = members_group("A", 2), members_group("B", 1), members_group("C", 1)
    group_attribute_keys_add(group_id=first.pk, keys=["code", "city"])
    group_attribute_keys_add(group_id=second.pk, keys=["plan"])
    group_attribute_keys_add(group_id=other.pk, keys=["secret"])
    url = reverse("campaigns:campaign_fields")
    with CaptureQueriesContext(connection) as queries:
        response = marketing_client.get(url, {"groups": [first.pk, second.pk, "x"]})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"fields": [
        {"key": "name", "label": "First name"}, {"key": "surname", "label": "Surname"},
        {"key": "address", "label": "Address"}, {"key": "city", "label": "city"},
        {"key": "code", "label": "code"}, {"key": "plan", "label": "plan"},
    ]}
    # However large the groups, no member row is read.
    assert not any("contacts_member" in q["sql"] for q in queries)
    assert [f["key"] for f in marketing_client.get(url).json()["fields"]] == ["name", "surname", "address"]
    assert marketing_client.post(url).status_code == 405
    assert Client().get(url).status_code == 302  # login required


def test_the_compose_page_offers_the_field_picker(marketing_client):
    html = marketing_client.get(reverse("campaigns:campaign_create")).content.decode()
    assert 'data-testid="field-picker"' in html
    assert f'data-fields-url="{reverse("campaigns:campaign_fields")}"' in html


def test_one_poll_brings_the_card_the_table_and_the_charts_with_the_same_figures(
        marketing_client):
    """Issue 15 point 7: the funnel said "Sent 0" while the card said "Sent 46" (three
    polls at two paces). One answer now holds all three; the page polls nothing else."""
    campaign = campaign_make(None, status=Campaign.Status.SENDING, recipients_count=60,
                             sent_count=46, delivered_count=30, undelivered_count=4)
    recipients_make(campaign, 60)
    detail = marketing_client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    assert detail.content.decode().count("hx-trigger=\"every") == 1

    html = marketing_client.get(reverse("campaigns:campaign_progress", args=[campaign.pk])).content.decode()
    assert '<div class="fs-5" data-count="sent">46</div>' in html
    assert 'data-funnel="sent">46 ' in html and 'data-funnel="delivered">30 ' in html
    assert 'id="campaign-recipients" hx-swap-oob="true"' in html
    assert 'id="campaign-delivery-body" data-testid="campaign-delivery-body" hx-swap-oob="true"' in html
    assert 'id="campaign-delivery-data"' in html
