"""Point 12 of issue 13: the contacts and imports admin go through the services."""

import pytest
from django.core.files.base import ContentFile

from contacts.models import (
    BlacklistEntry,
    BlacklistEvent,
    Group,
    Import,
    ImportBatch,
    Member,
    SyncOperation,
)
from contacts.services.blacklist import blacklist_numbers_add
from contacts.services.groups import group_create
from contacts.services.members import member_add

pytestmark = pytest.mark.django_db
BLACKLIST = "/admin/contacts/blacklistentry/"


def _delete_selected(client, url, *pks):
    return client.post(url, {"action": "delete_selected", "post": "yes",
                             "_selected_action": list(pks)}, follow=True)


def test_a_stop_reply_entry_cannot_be_deleted_in_admin(admin_client_panel):
    blacklist_numbers_add(text="500100200", reason=BlacklistEntry.Reason.STOP_REPLY, note="STOP")
    stop = BlacklistEntry.objects.get()
    assert admin_client_panel.post(f"{BLACKLIST}{stop.pk}/delete/", {"post": "yes"}).status_code == 403
    assert _delete_selected(admin_client_panel, BLACKLIST, stop.pk).status_code == 403
    assert BlacklistEntry.objects.filter(pk=stop.pk).exists()


def test_admin_removes_a_hand_made_entry_through_the_service(admin_client_panel, administrator):
    blacklist_numbers_add(text="500100300")
    entry = BlacklistEntry.objects.get()
    response = admin_client_panel.post(f"{BLACKLIST}{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not BlacklistEntry.objects.exists()
    removal = BlacklistEvent.objects.get(action=BlacklistEvent.Action.REMOVED)
    assert removal.user == administrator
    assert SyncOperation.objects.filter(kind=SyncOperation.Kind.BLACKLIST_REMOVE).exists()


def test_admin_adds_with_the_user_and_the_entry_shows_its_events(admin_client_panel, administrator):
    response = admin_client_panel.post(f"{BLACKLIST}add/", {"msisdn": "500100400",
                                                           "note": "asked by phone"})
    assert response.status_code == 302
    entry = BlacklistEntry.objects.get()
    assert entry.created_by == administrator
    page = admin_client_panel.get(f"{BLACKLIST}{entry.pk}/change/").content.decode()
    assert "Additions and removals" in page and "asked by phone" in page and "boss" in page


def test_blacklist_events_are_append_only_in_admin(admin_client_panel):
    blacklist_numbers_add(text="500100300")
    event = BlacklistEvent.objects.get()
    base = "/admin/contacts/blacklistevent/"
    assert admin_client_panel.get(base).status_code == 200
    assert admin_client_panel.get(f"{base}add/").status_code == 403
    assert admin_client_panel.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    _delete_selected(admin_client_panel, base, event.pk)
    assert BlacklistEvent.objects.filter(pk=event.pk).exists()


def test_admin_removes_members_through_the_service(admin_client_panel):
    group = group_create(name="Customers")
    first = member_add(group=group, msisdn="500100200")
    member_add(group=group, msisdn="500100201")
    _delete_selected(admin_client_panel, "/admin/contacts/member/", first.pk)
    group.refresh_from_db()
    assert group.member_count == 1 and not Member.objects.filter(pk=first.pk).exists()
    assert SyncOperation.objects.filter(kind=SyncOperation.Kind.MEMBERS_REMOVE, group=group,
                                        payload__msisdns=["48500100200"]).exists()


def _import(state):
    group = Group.objects.first() or group_create(name="Imported")
    job = Import.objects.create(group=group, original_name=f"{state}.csv", state=state,
                                file=ContentFile(b"msisdn\n500100200\n", name="x.csv"))
    ImportBatch.objects.create(import_job=job, number=1, first_row=1, last_row=1)
    return job


def test_a_running_import_cannot_be_deleted_and_batches_are_history(admin_client_panel):
    running = _import(Import.State.RUNNING)
    finished = _import(Import.State.FINISHED)
    base = "/admin/contacts/import/"
    assert admin_client_panel.post(f"{base}{running.pk}/delete/", {"post": "yes"}).status_code == 403
    assert _delete_selected(admin_client_panel, base, running.pk, finished.pk).status_code == 403
    assert Import.objects.count() == 2
    _delete_selected(admin_client_panel, base, finished.pk)
    assert list(Import.objects.values_list("pk", flat=True)) == [running.pk]
    batch = running.batches.get()
    assert admin_client_panel.post(f"/admin/contacts/importbatch/{batch.pk}/delete/",
                                   {"post": "yes"}).status_code == 403
    assert admin_client_panel.post(f"{base}{running.pk}/change/", {}).status_code == 403


def test_admin_retries_a_failed_import_through_the_service(admin_client_panel,
                                                           django_capture_on_commit_callbacks,
                                                           monkeypatch):
    queued = []
    monkeypatch.setattr("justsend_panel.celery.app.send_task",
                        lambda name, kwargs, **options: queued.append(kwargs["import_id"]))
    failed = _import(Import.State.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_panel.post("/admin/contacts/import/", {
            "action": "retry", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.state == Import.State.QUEUED and queued == [failed.pk]
