"""Migration 0023: ``Campaign.bulk_uuid`` becomes ``batch_id`` with its values, and its index
follows the new name (issue #16: renamed fields migrate their data)."""

from tests.fixtures.migrations import column_indexes

BULK = "9f1c2a4e-0b7d-4c55-9a8e-3d2f6b1e7c10"


def test_a_campaigns_bulk_uuid_is_found_in_batch_id_and_still_indexed(migration_step):
    step = migration_step("campaigns", "0023_campaign_batch_id")
    old = step.before().get_model("campaigns", "Campaign")
    sent = old.objects.create(name="Spring", message="Hello", status="sending", bulk_uuid=BULK)
    draft = old.objects.create(name="Draft", message="Hi")

    new = step.after().get_model("campaigns", "Campaign")

    assert dict(new.objects.values_list("pk", "batch_id")) == {sent.pk: BULK, draft.pk: ""}
    assert new.objects.get(batch_id=BULK).name == "Spring"
    indexes = column_indexes("campaigns_campaign", "batch_id")
    assert any(info["index"] for info in indexes.values()), indexes
    assert not any("bulk_uuid" in name for name in indexes), indexes
