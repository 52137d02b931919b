"""The points Justsend refunded for the unsent part of a cancelled campaign."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0013_recipient_cancelled_failed"),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='refunded_points',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True, verbose_name='refunded points'),
        ),
    ]
