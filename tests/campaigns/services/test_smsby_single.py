"""SMS.by single messages against its simulator (``panel_sandbox``, over HTTP): a text through
``sendQuickSMS`` with ``show_cost`` (the cost kept), Viber forwarding seen through
``checkSMS`` polling, and verification codes through Telegram and WhatsApp (kept masked)."""

from decimal import Decimal
from uuid import uuid4

import pytest
from django.urls import reverse

from campaigns.deliveries.services.statuses import sent_message_status_apply
from campaigns.models import Recipient, SentMessage
from campaigns.services.single_polling import single_messages_poll
from campaigns.services.test_send import SendRefused, single_message_send, verification_code_mask
from justsend_panel.sms.types import MessageState, StatusEvent

pytestmark = pytest.mark.django_db

NUMBER = "48500100200"
FORWARDING = {"alphaname_id": 7, "forwarding_message": True, "forwarding_time": 5, "vibername_id": 3}


def _send(**kwargs) -> SentMessage:
    outcome = single_message_send(msisdn=NUMBER, provider="smsby", token=uuid4(), **kwargs)
    return SentMessage.objects.get(pk=outcome.sent_message_id)


def test_a_single_sms_goes_through_send_quick_sms_and_keeps_the_cost_sms_by_reports(panel_sandbox):
    sent = _send(content="Hello from the panel", provider_options={"alphaname_id": 7})
    # The simulator charges 0.026 a part and answers show_cost with it.
    assert (sent.state, sent.kind, sent.parts, sent.cost) == (
        SentMessage.State.SENT, SentMessage.Kind.TEXT, 1, Decimal("0.026"))
    assert sent.message_id in panel_sandbox.smsby_messages()
    assert sent.provider_options == {"alphaname_id": 7}


def test_the_alpha_name_may_come_as_the_sender(panel_sandbox):
    sent = _send(content="Hi", sender="7")
    assert sent.message_id and sent.cost == Decimal("0.026")


def test_forwarding_shows_viber_in_the_detail_once_the_forwarding_time_has_passed(panel_sandbox, client, admin_user):
    # The sandbox's delivery mix leaves some SMS undelivered: those wait for Viber.
    sent = [_send(content=f"Hello {i}", provider_options=FORWARDING) for i in range(20)]
    panel_sandbox.advance(10)
    assert single_messages_poll() >= len(sent)
    assert len([r for r in panel_sandbox.requests() if "checkSMS" in str(r)]) == len(sent)
    waiting = [m for m in sent if SentMessage.objects.get(pk=m.pk).delivery_status == Recipient.Status.SENT]
    assert waiting, "the delivery mix should leave at least one SMS undelivered"
    message = SentMessage.objects.get(pk=waiting[0].pk)
    assert message.channel == "sms"
    client.force_login(admin_user)
    page = client.get(reverse("campaigns:sent_message_detail", args=[message.pk])).content.decode()
    assert 'data-testid="sent-channel">SMS<' in page

    panel_sandbox.advance(5 * 60)
    single_messages_poll()
    message.refresh_from_db()
    assert (message.delivery_status, message.channel) == (Recipient.Status.DELIVERED, "viber")
    page = client.get(reverse("campaigns:sent_message_detail", args=[message.pk])).content.decode()
    assert 'data-testid="sent-channel">Viber<' in page
    assert "Delivered" in page and "0.026" in page


def test_statuses_move_a_single_message_forward_only_and_a_final_one_is_not_polled_again(panel_sandbox):
    sent = _send(content="Hi", provider_options={"alphaname_id": 7})
    delivered = StatusEvent(provider="smsby", state=MessageState.DELIVERED, raw_status="delivered",
                            message_id=sent.message_id, channel="viber")
    late_sent = StatusEvent(provider="smsby", state=MessageState.SENT, raw_status="sent",
                            message_id=sent.message_id, channel="sms")
    assert sent_message_status_apply(sent_message_id=sent.pk, event=delivered)
    assert sent_message_status_apply(sent_message_id=sent.pk, event=late_sent)  # the channel only
    sent.refresh_from_db()
    assert (sent.delivery_status, sent.channel) == (Recipient.Status.DELIVERED, "sms")
    panel_sandbox.advance(600)
    assert single_messages_poll() == 0
    assert not [r for r in panel_sandbox.requests() if "checkSMS" in str(r)]


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
def test_a_verification_code_goes_through_the_messenger_and_is_kept_masked(panel_sandbox, channel, caplog):
    caplog.set_level("DEBUG")
    sent = _send(content="40912377", code_channel=channel)
    assert (sent.kind, sent.channel, sent.content) == (SentMessage.Kind.VERIFICATION_CODE, channel, "••••••77")
    simulated = panel_sandbox.smsby_messages()[sent.message_id]
    assert (simulated["channel"], simulated["phone"]) == (channel, NUMBER)
    assert "40912377" not in caplog.text
    assert not SentMessage.objects.filter(content__contains="409123").exists()


@pytest.mark.parametrize(("code", "problem"), [("12a4", "digits only"), ("1" * 17, "at most 16 digits")])
def test_a_code_sms_by_would_refuse_is_refused_before_any_call(panel_sandbox, code, problem):
    with pytest.raises(SendRefused, match=problem):
        _send(content=code, code_channel="telegram")
    assert panel_sandbox.smsby_messages() == {}
    assert not SentMessage.objects.exists()


def test_a_provider_without_verification_codes_refuses_one(panel_sandbox):
    with pytest.raises(SendRefused, match="does not send verification codes"):
        single_message_send(msisdn=NUMBER, content="1234", provider="smsmanager", code_channel="telegram")


def test_the_mask_keeps_only_the_last_two_digits():
    assert [verification_code_mask(c) for c in ("1", "12", "123", "1234567890123456")] == [
        "•", "••", "•23", "••••••••••••••56"]
