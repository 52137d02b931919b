"""``Campaign.bulk_uuid`` becomes ``batch_id``: the provider's id of the campaign's batch
(Justsend's bulk uuid), its values kept.

The column is renamed in place. Its index was named after the old field
(``campaigns_campaign_bulk_uuid_…``, and ``…_like`` on PostgreSQL), which a rename leaves
as it was, so it is dropped before the rename and made again after it under the new name;
the campaigns table is small (one row a campaign), so rebuilding the index costs nothing.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0022_provider_notification"),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaign",
            name="bulk_uuid",
            field=models.CharField(blank=True, max_length=64, verbose_name="Justsend bulk id"),
        ),
        migrations.RenameField(model_name="campaign", old_name="bulk_uuid", new_name="batch_id"),
        migrations.AlterField(
            model_name="campaign",
            name="batch_id",
            field=models.CharField(
                blank=True, db_index=True, max_length=64, verbose_name="batch id at the provider"
            ),
        ),
    ]
