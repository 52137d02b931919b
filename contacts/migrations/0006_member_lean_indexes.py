"""Member rows cost less to write: an import of a million maintains fewer, cheaper B-trees.

* The foreign key's own index on ``group_id`` goes: the unique (group, msisdn) begins with
  ``group_id`` and serves every lookup by group (campaigns read members by group too).
* The ``created_at`` index goes: nothing filters or sorts members by it.
* PostgreSQL only: ``msisdn`` of members and of the blacklist is ``COLLATE "C"``. With a
  libc collation (``C.UTF-8``, ``en_US.UTF-8``…) every comparison in the unique
  (group, msisdn) and the msisdn indexes goes through strcoll; numbers are digits and sort
  the same bytewise. Both tables take "C" so that a join of one with the other (or with
  campaign recipients, also "C") compares in one collation and can use either index.
  SQLite compares bytes already (BINARY) and has no collation "C", hence no
  ``db_collation`` on the fields.
* A new import's batches are 50,000 rows, as the import service has been cutting them.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ("contacts_member", "contacts_blacklistentry")
ALTER = 'ALTER TABLE {} ALTER COLUMN msisdn TYPE varchar(20) COLLATE "{}"'


def msisdn_collation_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(ALTER.format(table, "C"))  # rebuilds its msisdn indexes


def msisdn_collation_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(ALTER.format(table, "default"))


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0005_sync_schedules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="import",
            name="batch_rows",
            field=models.PositiveIntegerField(default=50000, verbose_name="rows per batch"),
        ),
        migrations.AlterField(
            model_name="member",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="member",
            name="group",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE,
                related_name="members", to="contacts.group",
            ),
        ),
        migrations.RunPython(msisdn_collation_c, msisdn_collation_default),
    ]
