from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="PanelAccess",
            fields=[],
            options={
                "managed": False,
                "default_permissions": (),
                "permissions": [
                    ("use_panel", "Can use the panel pages"),
                    ("manage_connection", "Can see and check the Justsend connection"),
                ],
            },
        ),
    ]
