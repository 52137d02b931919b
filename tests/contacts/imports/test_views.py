"""The import pages as a user meets them: upload, mapping, progress, report, list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.imports.services import import_run
from contacts.models import Group, Import, Member
from tests.contacts.imports.conftest import csv_bytes, import_file, import_prepare

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, **data):
    return client.post(
        reverse("contacts:import_start"),
        {"file": SimpleUploadedFile("list.csv", content, content_type="text/csv"), **data},
    )


def test_anonymous_users_are_sent_to_login(client, group):
    job = import_prepare(csv_bytes("telefon", "500123123"), group=group)
    for name, kwargs in [("import_start", {}), ("import_list", {}),
                         ("import_detail", {"pk": job.pk}), ("import_mapping", {"pk": job.pk}),
                         ("import_errors", {"pk": job.pk})]:
        response = client.get(reverse(f"contacts:{name}", kwargs=kwargs))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_group_is_preselected_from_the_query_string(marketing_client, group):
    response = marketing_client.get(reverse("contacts:import_start") + f"?group={group.pk}")
    assert response.status_code == 200
    assert f'<option value="{group.pk}" selected>' in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (bytes(range(256)) * 50, "binary file"),
        (b"1" * (11 * 1024 * 1024), "longer than 64 KiB"),
        ("telefon\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_stored(marketing_client, group, content,
                                                             message):
    response = upload(marketing_client, content, group=group.pk)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Import.objects.exists()


def test_new_group_needs_a_name(marketing_client):
    response = upload(marketing_client, csv_bytes("telefon", "500123123"))
    assert "name a new one" in response.content.decode()
    assert not Group.objects.exists()


def test_upload_map_and_start_through_the_pages(marketing_client, marketing_user,
                                                django_capture_on_commit_callbacks, monkeypatch):
    content = csv_bytes("Numer telefonu;Imię;Miasto", "500 123 123;Anna;Kraków",
                        "12;Zły;Łódź")
    response = upload(marketing_client, content, new_group_name="Leads", new_group_type="LOCAL")
    job = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:import_mapping", kwargs={"pk": job.pk})
    assert job.created_by == marketing_user and job.group.name == "Leads"

    page = marketing_client.get(response["Location"]).content.decode()
    assert "✓ 48500123123" in page  # preview with validation
    assert "is not a valid phone number" in page or "is not a phone number" in page

    # htmx: re-check the preview for another mapping (number column ignored).
    partial = marketing_client.post(
        response["Location"], {"col_0": "", "col_1": "name", "col_2": "attr", "key_2": "city"},
        HTTP_HX_REQUEST="true",
    )
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "Choose the column that holds the phone numbers" in partial.content.decode()

    started = []
    from justsend_panel.celery import app as celery_app

    monkeypatch.setattr(celery_app, "send_task", lambda name, kwargs, **o: started.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(
            reverse("contacts:import_mapping", kwargs={"pk": job.pk}),
            {"col_0": "msisdn", "col_1": "name", "col_2": "attr", "key_2": "city"},
        )
    assert response.status_code == 302
    assert started == [{"import_id": job.pk}]
    import_run(import_id=job.pk)
    assert Member.objects.get(msisdn="48500123123").attributes == {"city": "Kraków"}

    detail = marketing_client.get(reverse("contacts:import_detail", kwargs={"pk": job.pk}))
    text = detail.content.decode()
    assert "Finished" in text and 'data-testid="download-errors"' in text
    assert "hx-trigger" not in text  # finished: the polling stops
    report = marketing_client.get(reverse("contacts:import_errors", kwargs={"pk": job.pk}))
    body = b"".join(report.streaming_content).decode()
    assert report["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffrow,reason,repeats row,Numer telefonu,Imię,Miasto\r\n")
    assert ",,12,Zły,Łódź\r\n" in body  # row 3 whole, after its number and reason


def test_bad_mapping_is_explained_on_the_page(marketing_client, group):
    job = import_prepare(csv_bytes("telefon;imie", "500123123;Anna"), group=group)
    Import.objects.filter(pk=job.pk).update(state=Import.State.UPLOADED)
    url = reverse("contacts:import_mapping", kwargs={"pk": job.pk})
    page = marketing_client.post(url, {"col_0": "msisdn", "col_1": "attr", "key_1": "1 bad"})
    assert page.status_code == 200
    assert "cannot name an attribute" in page.content.decode()
    page = marketing_client.post(url, {"col_0": "name", "col_1": "name"})
    assert "Only one column can be mapped" in page.content.decode()


def test_reading_again_with_another_delimiter_remaps(marketing_client, group):
    job = import_prepare(csv_bytes("telefon,imie", "500123123,Anna"), group=group)
    Import.objects.filter(pk=job.pk).update(state=Import.State.UPLOADED)
    url = reverse("contacts:import_mapping", kwargs={"pk": job.pk})
    marketing_client.post(url, {"reread": "1", "encoding": "utf-8", "delimiter": ";",
                                "has_header": "on"})
    job.refresh_from_db()
    assert job.delimiter == ";" and job.mapping == {"0": "attr:telefonimie"}


def test_progress_partial_polls_while_running(marketing_client, group):
    job = import_prepare(csv_bytes("telefon", "500123123"), group=group)
    url = reverse("contacts:import_progress", kwargs={"pk": job.pk})
    running = marketing_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in running and "<html" not in running
    import_run(import_id=job.pk)
    done = marketing_client.get(url).content.decode()
    assert "every 1s" not in done and "100%" in done


def test_import_list_has_a_fixed_number_of_queries(marketing_client, group, banner_cached,
                                                   django_assert_max_num_queries):
    for i in range(30):
        import_file(csv_bytes("telefon", f"5001231{i:02d}"), group=group)
    with django_assert_max_num_queries(10):
        response = marketing_client.get(reverse("contacts:import_list") + "?state=finished")
    assert response.status_code == 200
    assert response.content.decode().count("contacts.csv") == 25  # one page


def test_detail_page_queries_do_not_grow_with_batches(marketing_client, group,
                                                      django_assert_max_num_queries):
    job = import_file(csv_bytes("telefon", *[f"50{i:07d}" for i in range(200)]), group=group,
                      batch_rows=10)
    assert job.batches.count() == 20
    with django_assert_max_num_queries(8):
        marketing_client.get(reverse("contacts:import_detail", kwargs={"pk": job.pk}))


def test_an_upload_never_mapped_offers_to_continue_or_discard(
        marketing_client, django_capture_on_commit_callbacks):
    """Issue 15 point 15: it showed "Counting the rows… 0 %" forever."""
    upload(marketing_client, csv_bytes("phone", "500 123 123"), new_group_name="Leads",
           new_group_type="LOCAL")
    job = Import.objects.get()
    assert job.state == Import.State.UPLOADED
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)

    page = marketing_client.get(reverse("contacts:import_detail", args=[job.pk])).content.decode()
    assert "Counting the rows" not in page and "hx-trigger" not in page
    assert 'data-testid="import-unmapped"' in page
    assert f'href="{reverse("contacts:import_mapping", args=[job.pk])}"' in page
    assert f'action="{reverse("contacts:import_discard", args=[job.pk])}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(reverse("contacts:import_discard", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("contacts:import_list")
    assert not Import.objects.exists() and not storage.exists(name)
    assert Group.objects.filter(name="Leads").exists()  # the group was the user's choice


def test_only_an_unmapped_upload_is_discarded(marketing_client, group):
    job = import_prepare(csv_bytes("phone", "500 123 123"), group=group)
    Import.objects.filter(pk=job.pk).update(state=Import.State.FINISHED)
    response = marketing_client.post(reverse("contacts:import_discard", args=[job.pk]),
                                     follow=True)
    assert Import.objects.filter(pk=job.pk).exists()
    assert "This import is already finished." in response.content.decode()


def test_retry_from_the_page_queues_a_failed_import_and_refuses_a_finished_one(
        marketing_client, group):
    job = import_prepare(csv_bytes("phone", "500 123 123"), group=group)
    Import.objects.filter(pk=job.pk).update(state=Import.State.FAILED, error="boom")
    url = reverse("contacts:import_retry", args=[job.pk])
    response = marketing_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("contacts:import_detail", args=[job.pk])
    assert "The import runs again from where it stopped." in response.content.decode()
    assert Import.objects.get(pk=job.pk).state == Import.State.QUEUED
    refused = marketing_client.post(url, follow=True).content.decode()
    assert "This import is already queued." in refused
