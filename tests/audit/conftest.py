"""The activity tests count entries: the test client's own log-in (force_login writes an
"auth.login" entry, as every log-in does) is taken out of the table after it, so each test
sees only the entries it made. The log-in entry itself is tested in tests/core/users."""

import pytest

from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry


def _forget_logins() -> None:
    # The model refuses deletes (append-only); a test may clear its own fixture's rows.
    logins = AuditEntry.objects.filter(action=Action.LOGIN)
    logins._raw_delete(logins.db)


@pytest.fixture
def admin_client_panel(client, administrator):
    client.force_login(administrator)
    _forget_logins()
    return client


@pytest.fixture
def marketing_client(client, marketing_user):
    client.force_login(marketing_user)
    _forget_logins()
    return client
