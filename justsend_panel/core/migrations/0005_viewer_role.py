"""Create the Viewer role; its permissions are granted by roles_sync after each migrate."""

from django.db import migrations

VIEWER = "Viewer"


def create_viewer(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=VIEWER)


def delete_viewer(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=VIEWER).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_heartbeat_schedule")]

    operations = [migrations.RunPython(create_viewer, delete_viewer)]
