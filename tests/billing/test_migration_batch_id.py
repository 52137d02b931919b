"""Migration 0003: ``UploadedFileLink.bulk_uuid`` becomes ``batch_id`` with its values, and
its index follows the new name."""

from tests.fixtures.migrations import column_indexes


def test_an_upload_links_bulk_uuid_is_found_in_batch_id_and_still_indexed(migration_step):
    step = migration_step("billing", "0003_uploadedfilelink_batch_id")
    old = step.before().get_model("billing", "UploadedFileLink")
    link = old.objects.create(file_name="spring.csv", campaign_id=7, bulk_uuid="bulk-7")

    new = step.after().get_model("billing", "UploadedFileLink")

    assert new.objects.get(batch_id="bulk-7").pk == link.pk
    indexes = column_indexes("billing_uploadedfilelink", "batch_id")
    assert any(info["index"] for info in indexes.values()), indexes
    assert not any("bulk_uuid" in name for name in indexes), indexes
