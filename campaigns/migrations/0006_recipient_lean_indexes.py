"""Recipient rows cost less to write: a million-row insert maintains fewer, cheaper B-trees.

* ``submitted_at`` goes: never filled (the campaign records when it was submitted).
* The foreign key's own index on ``campaign_id`` goes: the unique (campaign, msisdn)
  begins with ``campaign_id`` and serves every lookup by campaign. So does its database
  constraint: PostgreSQL checked it with a query per row at COMMIT (7.5 s for a million
  recipients); Django's CASCADE still deletes a campaign's recipients.
* PostgreSQL only: ``msisdn`` is ``COLLATE "C"``. With a libc collation (``C.UTF-8``,
  ``en_US.UTF-8``…) every comparison in the unique (campaign, msisdn) and the msisdn index
  goes through strcoll; numbers are digits and sort the same bytewise. SQLite compares
  bytes already (BINARY) and has no collation "C", hence no ``db_collation`` on the field.
  Members and the blacklist are "C" too (contacts 0006): the audience joins compare in one
  collation.
"""

from django.db import migrations, models
import django.db.models.deletion

ALTER = 'ALTER TABLE campaigns_recipient ALTER COLUMN msisdn TYPE varchar(20) COLLATE "{}"'


def msisdn_collation_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALTER.format("C"))  # rebuilds the indexes on msisdn


def msisdn_collation_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALTER.format("default"))


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0005_deliveries_beat_schedule"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="recipient",
            name="submitted_at",
        ),
        migrations.AlterField(
            model_name="recipient",
            name="campaign",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                related_name="recipients", to="campaigns.campaign",
            ),
        ),
        migrations.RunPython(msisdn_collation_c, msisdn_collation_default),
    ]
