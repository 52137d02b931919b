import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from contacts.models import Group
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import POSTBACK, SYSTEM, AppendOnlyError, AuditEntry
from justsend_panel.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_an_entry_takes_the_object_type_id_and_label_from_the_object(administrator):
    group = Group.objects.create(name="VIP")

    entry = audit_record(action=Action.GROUP_CREATED, actor=administrator, obj=group)

    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label) == (administrator, "")
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "contacts.group", str(group.pk), "VIP",
    )
    assert entry.action == "group.created"
    assert entry.at is not None


def test_without_a_user_the_actor_is_the_system_or_the_label_given():
    assert audit_record(action=Action.SYNC_FAILED).actor_label == SYSTEM
    entry = audit_record(action=Action.BLACKLIST_STOP_REPLY, actor_label=POSTBACK)
    assert (entry.actor, entry.actor_label) == (None, POSTBACK)
    assert entry.actor_display == "Justsend postback"


def test_an_unknown_action_or_actor_label_is_refused():
    with pytest.raises(ValueError):
        audit_record(action="campaign.exploded")
    with pytest.raises(ValueError):
        audit_record(action=Action.SYNC_FAILED, actor_label="someone")


def test_the_ip_is_taken_from_the_request():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    assert audit_record(action=Action.LOGIN_FAILED, request=request).ip == "203.0.113.7"


def test_the_summary_is_stored_in_english_and_shown_in_the_readers_language(administrator):
    with translation.override("pl"):
        entry = audit_record(
            action=Action.CAMPAIGN_CANCELLED,
            actor=administrator,
            summary=gettext_lazy("Campaigns"),
        )
    entry.refresh_from_db()
    # A msgid already in the catalogue: the reader's language decides, not the writer's.
    assert entry.summary == "Campaigns"
    with translation.override("pl"):
        assert entry.summary_text == "Kampanie"
    with translation.override("en"):
        assert entry.summary_text == "Campaigns"


def test_summary_values_are_put_into_the_text():
    entry = audit_record(
        action=Action.BLACKLIST_STOP_REPLY,
        actor_label=POSTBACK,
        summary=gettext_noop("Reply: %(text)s"),
        summary_params={"text": "STOP please"},
    )
    assert AuditEntry.objects.get(pk=entry.pk).summary_text == "Reply: STOP please"


def test_a_saved_entry_cannot_be_changed():
    entry = audit_record(action=Action.CONNECTION_CHECKED)
    entry.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).summary == ""


def test_a_saved_entry_cannot_be_deleted():
    entry = audit_record(action=Action.CONNECTION_CHECKED)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_table_cannot_be_updated_in_bulk():
    audit_record(action=Action.CONNECTION_CHECKED)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(action=Action.CONNECTION_CHECKED).update(summary="x")
    assert AuditEntry.objects.get().summary == ""


def test_the_table_cannot_be_deleted_in_bulk():
    audit_record(action=Action.CONNECTION_CHECKED)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(action=Action.CONNECTION_CHECKED).delete()
    assert AuditEntry.objects.count() == 1


def test_an_entry_written_while_a_request_is_served_takes_its_ip(client, administrator, settings):
    from justsend_panel.audit.middleware import AuditRequestMiddleware, current_request

    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.4")
    entries = []
    AuditRequestMiddleware(lambda r: entries.append(audit_record(action=Action.CONNECTION_CHECKED)))(request)
    assert entries[0].ip == "198.51.100.4"
    assert current_request.get() is None  # nothing left behind for the next request
