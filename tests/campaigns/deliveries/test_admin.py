"""Django admin of delivery tracking: quarantined postbacks seen and applied again through
the service; postbacks, replies and counts are history or pending work, never deleted."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.deliveries.models import DeliveryCounts, Postback, Reply
from campaigns.deliveries.services import applying

pytestmark = pytest.mark.django_db
P = Postback.State


def _postback(n: int, state: str, error: str = "") -> Postback:
    return Postback.objects.create(
        kind="send_status", dedup_key=f"key-{n}", body="{}", state=state, error=error,
        received_at=timezone.now(), attempts=1 if state == P.FAILED else 0,
    )


def test_the_quarantined_list_shows_the_error(admin_client_panel):
    _postback(1, P.FAILED, "UnicodeEncodeError: surrogates not allowed")
    _postback(2, P.APPLIED)
    url = reverse("admin:campaigns_postback_changelist") + "?state__exact=failed"
    page = admin_client_panel.get(url).content.decode()
    assert "UnicodeEncodeError: surrogates not allowed" in page
    assert "key-2" not in page


def test_the_reapply_action_calls_the_service(admin_client_panel, monkeypatch):
    failed = _postback(1, P.FAILED, "boom")
    applied = _postback(2, P.APPLIED)
    asked = []
    monkeypatch.setattr(applying, "postbacks_apply_request",
                        lambda **kwargs: asked.append(kwargs))
    response = admin_client_panel.post(
        reverse("admin:campaigns_postback_changelist"),
        {"action": "reapply", "_selected_action": [failed.pk, applied.pk]}, follow=True,
    )
    assert "1 quarantined postback queued to be applied again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == P.PENDING and failed.error == "boom"  # kept until it applies
    assert Postback.objects.get(pk=applied.pk).state == P.APPLIED
    assert asked == [{"force": True}]


@pytest.mark.parametrize("model", [Postback, Reply, DeliveryCounts])
def test_history_cannot_be_deleted_added_or_changed_in_admin(admin_client_panel, model):
    opts = model._meta
    changelist = admin_client_panel.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert admin_client_panel.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403


def test_a_postback_cannot_be_deleted_from_its_page(admin_client_panel):
    postback = _postback(1, P.FAILED)
    url = reverse("admin:campaigns_postback_delete", args=[postback.pk])
    assert admin_client_panel.post(url, {"post": "yes"}).status_code == 403
    assert Postback.objects.filter(pk=postback.pk).exists()


def test_the_connection_page_shows_the_quarantined_count_with_a_link(admin_client_panel):
    url = reverse("core:connection")
    page = admin_client_panel.get(url).content.decode()
    assert 'data-testid="postbacks-quarantined"' in page and "could not be applied" not in page
    _postback(1, P.FAILED)
    _postback(2, P.FAILED)
    _postback(3, P.PENDING)
    page = admin_client_panel.get(url).content.decode()
    assert "2 postbacks could not be applied" in page
    assert reverse("admin:campaigns_postback_changelist") + "?state__exact=failed" in page


def test_a_raw_body_kept_is_shown_in_base64(admin_client_panel):
    postback = _postback(1, P.APPLIED)
    Postback.objects.filter(pk=postback.pk).update(raw_body=b'{"message": "x\\ud800"}')
    page = admin_client_panel.get(
        reverse("admin:campaigns_postback_change", args=[postback.pk])).content.decode()
    assert "eyJtZXNzYWdlIjogInhcdWQ4MDAifQ==" in page
