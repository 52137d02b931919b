"""Recipients that never left a cancelled or failed campaign get a final state."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0012_postback_quarantine_and_raw_body"),
    ]

    operations = [
        migrations.AlterField(
            model_name='recipient',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('submitted', 'Submitted'), ('sent', 'Sent'), ('delivered', 'Delivered'), ('undelivered', 'Undelivered'), ('expired', 'Expired'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled'), ('failed', 'Not sent (failed)')], default='queued', max_length=12, verbose_name='status'),
        ),
    ]
