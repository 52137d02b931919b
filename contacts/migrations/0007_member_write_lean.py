"""Member rows cost less to write: an import adds a million at twice the pace it did.

* The ``msisdn`` index goes. Its one reader, the number lookup across groups, probes the
  unique (group, msisdn) once per group instead (``selectors.number_lookup``).
* The foreign key to the group is no longer a database constraint. PostgreSQL checked it
  once per inserted row at commit (~8 µs a row, a third of an import's insert). The
  guarantee it gave, no member outliving its group, is kept by locking: whatever adds
  members holds the group's row (``services.groups.group_hold``) and ``group_delete``
  locks it before deleting.

Measured with ``bench/contacts_import.py`` on PostgreSQL (docs/benchmarks.md): a million
rows 39,300 → 60,200 rows/s; either change alone gave ~44,000.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0006_member_lean_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="member",
            name="member_msisdn_idx",
        ),
        migrations.AlterField(
            model_name="member",
            name="group",
            field=models.ForeignKey(
                db_constraint=False, db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="members", to="contacts.group",
            ),
        ),
    ]
