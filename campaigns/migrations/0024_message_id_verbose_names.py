"""The message ids of recipients and single messages are the provider's, not only
Justsend's: their labels say so. No change in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0023_campaign_batch_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recipient",
            name="message_id",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="message id at the provider"
            ),
        ),
        migrations.AlterField(
            model_name="sentmessage",
            name="message_id",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="message id at the provider"
            ),
        ),
    ]
