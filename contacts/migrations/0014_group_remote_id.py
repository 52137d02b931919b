"""``Group.justsend_id`` becomes ``remote_id``: the group's id at the provider that keeps
remote groups (Justsend today), its values kept.

The column is renamed in place. Its unique constraint was named after the old field
(``contacts_group_justsend_id_key`` on PostgreSQL), which a rename leaves as it was, so it
is dropped before the rename and made again after it under the new name; groups are few.
The pending deletes of groups carry the id in their payload, renamed too
(``0015_syncoperation_payload_remote_id``).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0013_group_attribute_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="group",
            name="justsend_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="Justsend id"),
        ),
        migrations.RenameField(model_name="group", old_name="justsend_id", new_name="remote_id"),
        migrations.AlterField(
            model_name="group",
            name="remote_id",
            field=models.BigIntegerField(
                blank=True, null=True, unique=True, verbose_name="group id at the provider"
            ),
        ),
    ]
