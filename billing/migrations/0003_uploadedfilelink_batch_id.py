"""``UploadedFileLink.bulk_uuid`` becomes ``batch_id`` (the provider's batch id the upload
went out in, as ``Campaign.batch_id``), its values kept; its index, named after the old
field, is made again under the new name (see campaigns 0023)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0002_account_snapshot_schedule"),
    ]

    operations = [
        migrations.AlterField(
            model_name="uploadedfilelink",
            name="bulk_uuid",
            field=models.CharField(blank=True, max_length=64, verbose_name="Justsend bulk id"),
        ),
        migrations.RenameField(
            model_name="uploadedfilelink", old_name="bulk_uuid", new_name="batch_id"
        ),
        migrations.AlterField(
            model_name="uploadedfilelink",
            name="batch_id",
            field=models.CharField(
                blank=True, db_index=True, max_length=64, verbose_name="batch id at the provider"
            ),
        ),
    ]
