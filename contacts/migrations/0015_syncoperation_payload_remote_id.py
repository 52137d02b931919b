"""A group delete waiting in the outbox carries the group's remote id in its payload
(the local row is gone when the delete is pushed): the key ``justsend_id`` becomes
``remote_id``, as the field did (0014), so that a delete queued before the upgrade is still
pushed and still keeps the group from being pulled back."""

from django.db import migrations

BATCH = 500


def payload_key_renamed(old: str, new: str):
    def rename(apps, schema_editor):
        SyncOperation = apps.get_model("contacts", "SyncOperation")
        rows = SyncOperation.objects.using(schema_editor.connection.alias).filter(
            kind="group_delete", payload__has_key=old
        )
        changed = []
        for operation in rows.only("pk", "payload").iterator(chunk_size=BATCH):
            operation.payload[new] = operation.payload.pop(old)
            changed.append(operation)
        SyncOperation.objects.using(schema_editor.connection.alias).bulk_update(
            changed, ["payload"], batch_size=BATCH
        )

    return rename


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0014_group_remote_id"),
    ]

    operations = [
        migrations.RunPython(
            payload_key_renamed("justsend_id", "remote_id"),
            payload_key_renamed("remote_id", "justsend_id"),
        ),
    ]
