import pytest
from django.contrib.auth.models import Group

from justsend_panel.core.users.roles import Role


@pytest.fixture(autouse=True)
def viewer_role(db):
    """The Viewer group, made by the roles' migration once the read-only role is merged
    (branch access); get_or_create keeps these tests independent of that order."""
    return Group.objects.get_or_create(name=Role.VIEWER)[0]


@pytest.fixture
def audit_entries():
    from justsend_panel.audit.models import AuditEntry

    def entries(action):
        return list(AuditEntry.objects.filter(action=action))

    return entries
