"""Point 12 of issue 13: the admin goes through the campaign services."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from campaigns.models import Campaign, Recipient
from campaigns.services.sending import CANCEL_TASK
from tests.campaigns.services.conftest import campaign_make

pytestmark = pytest.mark.django_db
S = Campaign.Status
CHANGELIST = "/admin/campaigns/campaign/"


def _change_data(campaign, **changes):
    data = {"name": campaign.name, "bulk_type": campaign.bulk_type, "variant": campaign.variant,
            "sender": campaign.sender, "country": campaign.country, "message": campaign.message,
            "voice_config": "{}", "parameter_fields": "[]", "audience_mapping": "{}",
            "audience_delimiter": "", "audience_encoding": "", "pasted_numbers": "",
            "only_numbers": "", "audience_file_name": ""}
    return {**data, **changes}


def test_a_sending_campaign_cannot_be_changed_or_deleted(admin_client_panel):
    campaign = campaign_make(status=S.SENDING, batch_id="b-1")
    url = f"{CHANGELIST}{campaign.pk}/"
    page = admin_client_panel.get(f"{url}change/")
    assert page.status_code == 200 and 'name="message"' not in page.content.decode()
    response = admin_client_panel.post(f"{url}change/", _change_data(campaign, message="Changed"))
    assert response.status_code == 403
    assert admin_client_panel.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    admin_client_panel.post(CHANGELIST, {"action": "delete_selected", "post": "yes",
                                         "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.message == "Hello from the panel" and campaign.status == S.SENDING


def test_a_draft_is_changed_through_the_service_and_checked(admin_client_panel):
    campaign = campaign_make()
    url = f"{CHANGELIST}{campaign.pk}/change/"
    response = admin_client_panel.post(url, _change_data(campaign, message="New text"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.message == "New text"
    response = admin_client_panel.post(url, _change_data(campaign, message="New", variant="FULL",
                                                          sender="nobody"))
    assert response.status_code == 200 and "ten headings" in response.content.decode()


def test_a_draft_may_be_deleted(admin_client_panel):
    campaign = campaign_make()
    response = admin_client_panel.post(f"{CHANGELIST}{campaign.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Campaign.objects.filter(pk=campaign.pk).exists()


def test_cancel_action_calls_the_cancel_service(admin_client_panel, sent_tasks,
                                                django_capture_on_commit_callbacks):
    sending = campaign_make(status=S.SENDING, batch_id="b-1")
    draft = campaign_make(name="Draft")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_panel.post(CHANGELIST, {
            "action": "cancel", "_selected_action": [sending.pk, draft.pk]}, follow=True)
    sending.refresh_from_db()
    assert sending.status == S.CANCELLING
    assert sent_tasks == [(CANCEL_TASK, sending.pk)]
    page = response.content.decode()
    assert "nothing to cancel" in page  # the draft: the service's refusal, shown
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_recipients_are_history(admin_client_panel):
    campaign = campaign_make(status=S.FINISHED)
    recipient = Recipient.objects.create(campaign=campaign, msisdn="48500100200")
    base = "/admin/campaigns/recipient/"
    assert admin_client_panel.get(f"{base}add/").status_code == 403
    assert admin_client_panel.post(f"{base}{recipient.pk}/change/", {"msisdn": "1"}).status_code == 403
    assert admin_client_panel.post(f"{base}{recipient.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client_panel.post(base, {"action": "delete_selected", "post": "yes",
                                   "_selected_action": [recipient.pk]})
    assert Recipient.objects.filter(pk=recipient.pk).exists()


def _admin_form(administrator, **fields):
    request = RequestFactory().post("/")
    request.user = administrator
    model_admin = admin.site._registry[Campaign]
    form_class = model_admin.get_form(request, obj=None)
    data = {"name": "Sale", "bulk_type": "STANDARD", "variant": "ECO", "message": "Hi",
            "voice_config": "{}", "parameter_fields": "[]", "audience_mapping": "{}",
            "audience_has_header": "on", **fields}
    return form_class(data=data)


@pytest.mark.parametrize("fields,field,error", [
    ({"variant": "FULL", "sender": "MY SHOP"}, "sender", "ten headings"),
    ({"variant": "INTER", "sender": "", "country": "SLOVAKIA"}, "sender", "own sender ID"),
    ({"variant": "PRO", "sender": "Łódź"}, "sender", "Polish letters"),
    ({"variant": "INTER", "sender": "ACME", "country": ""}, "country", "INTER needs the country"),
])
def test_admin_form_refuses_what_the_rules_refuse(administrator, fields, field, error):
    form = _admin_form(administrator, **fields)
    assert not form.is_valid()
    assert error in " ".join(sum(form.errors.values(), []))


def test_admin_form_takes_a_valid_inter_campaign(administrator):
    form = _admin_form(administrator, variant="INTER", sender="ACME", country="SLOVAKIA")
    assert form.is_valid(), form.errors


def test_a_recipients_message_id_is_labelled_as_the_providers(admin_client_panel):
    # SMS Manager's per-recipient ids are stored there too, not only Justsend's.
    recipient = Recipient.objects.create(campaign=campaign_make(status=S.SENDING),
                                         msisdn="48500123123", message_id="req-1-0")
    page = admin_client_panel.get(f"/admin/campaigns/recipient/{recipient.pk}/change/")
    html = page.content.decode()
    assert "Message id at the provider" in html and "Justsend message id" not in html
