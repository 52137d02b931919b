"""Point 19 of issue 13: a CSV with hundreds of columns can be mapped and started.

Two fields per column passed Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) from 499
columns on; the page's script now sends them packed in one field."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Group, Import

WIDE = 600


def _wide_csv(columns: int) -> bytes:
    header = ";".join(["telefon"] + [f"extra{i}" for i in range(1, columns)])
    row = ";".join(["500123123"] + [f"v{i}" for i in range(1, columns)])
    return f"{header}\n{row}\n".encode()


def _upload(client, group, columns: int) -> Import:
    client.post(reverse("contacts:import_start"), {
        "file": SimpleUploadedFile("wide.csv", _wide_csv(columns), content_type="text/csv"),
        "group": group.pk,
    })
    return Import.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("columns", [250, WIDE])
def test_a_wide_file_is_mapped_with_one_field_per_form(marketing_client, group, columns,
                                                       django_capture_on_commit_callbacks):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000  # Django's default, not raised
    job = _upload(marketing_client, group, columns)
    packed = {"col_0": "msisdn", "key_0": ""}
    for index in range(1, columns):
        packed[f"col_{index}"] = "attr" if index == 7 else ""
        packed[f"key_{index}"] = "seventh" if index == 7 else f"extra{index}"
    with django_capture_on_commit_callbacks():
        response = marketing_client.post(
            reverse("contacts:import_mapping", kwargs={"pk": job.pk}),
            {"columns": json.dumps(packed), "skip_blacklisted": "on"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    job.refresh_from_db()
    assert job.state == Import.State.QUEUED
    assert job.mapping == {"0": "msisdn", "7": "attr:seventh"}
    assert job.skip_blacklisted


@pytest.mark.django_db
def test_per_column_fields_still_work_without_the_script(marketing_client, group):
    job = _upload(marketing_client, group, 3)
    response = marketing_client.post(reverse("contacts:import_mapping", kwargs={"pk": job.pk}),
                                     {"col_0": "msisdn", "col_2": "attr", "key_2": "x"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mapping == {"0": "msisdn", "2": "attr:x"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wide_file_is_mapped_in_the_browser(logged_in_page, live_server, media_root):
    page = logged_in_page
    group = Group.objects.create(name="Wide")
    page.goto(f"{live_server.url}{reverse('contacts:import_start')}?group={group.pk}")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "wide.csv", "mimeType": "text/csv", "buffer": _wide_csv(WIDE)}])
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/mapping/")
    page.locator("#id_col_5").select_option("")  # skip it; the live preview posts too
    page.get_by_test_id("preview").wait_for()
    page.get_by_role("button", name="Start the import").click()
    page.wait_for_url("**/imports/*/")
    job = Import.objects.get()
    assert job.state != Import.State.UPLOADED
    assert job.mapping["0"] == "msisdn" and job.mapping["6"] == "attr:extra6"
    assert "5" not in job.mapping and len(job.mapping) == WIDE - 1
