import pytest
from django.contrib.auth.models import Group

from justsend_panel.core.roles import ADMINISTRATORS, MARKETING, roles_sync


@pytest.mark.django_db
def test_migrations_create_both_roles_with_their_permissions():
    marketing = Group.objects.get(name=MARKETING)
    codenames = set(marketing.permissions.values_list("content_type__app_label", "codename"))
    assert ("core", "use_panel") in codenames
    assert ("core", "manage_connection") not in codenames
    administrators = Group.objects.get(name=ADMINISTRATORS)
    assert administrators.permissions.filter(codename="manage_connection").exists()
    assert administrators.permissions.filter(codename="change_user").exists()
    assert not marketing.permissions.filter(content_type__app_label="auth").exists()


@pytest.mark.django_db
def test_roles_sync_restores_a_removed_permission():
    marketing = Group.objects.get(name=MARKETING)
    marketing.permissions.clear()
    roles_sync()
    assert marketing.permissions.filter(codename="use_panel").exists()
