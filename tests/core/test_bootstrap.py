import logging

import pytest
from django.contrib.auth import get_user_model

from justsend_panel.core.envfile import GENERATED, env_file_complete
from justsend_panel.core.logging import MASK, RedactSecretsFilter
from justsend_panel.core.roles import ADMINISTRATORS
from justsend_panel.core.services import first_admin_ensure


def test_env_file_gets_each_missing_secret_once(tmp_path, monkeypatch):
    for name in GENERATED:
        monkeypatch.delenv(name, raising=False)
    env_path = tmp_path / ".env"
    env_path.write_text("SECRET_KEY=kept-as-it-is\n")
    added = env_file_complete(path=env_path)
    assert set(added) == set(GENERATED) - {"SECRET_KEY"}
    text = env_path.read_text()
    assert "SECRET_KEY=kept-as-it-is" in text
    assert env_path.stat().st_mode & 0o777 == 0o600
    assert env_file_complete(path=env_path) == []
    assert env_path.read_text() == text


@pytest.mark.django_db
def test_first_admin_gets_a_generated_password_shown_once():
    username, password = first_admin_ensure(username=None, password=None)
    assert username == "admin" and password
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    assert user.groups.filter(name=ADMINISTRATORS).exists()
    assert first_admin_ensure(username=None, password=None) == ("admin", None)


@pytest.mark.django_db
def test_first_admin_from_environment_values():
    assert first_admin_ensure(username="root", password="s3cret-pass") == ("root", None)
    assert get_user_model().objects.get(username="root").check_password("s3cret-pass")


def test_log_filter_masks_configured_secrets(settings):
    settings.JUSTSEND_APP_KEY = "app-key-value-123456"
    settings.JUSTSEND_WEBHOOK_SECRET = "hook-secret-abcdef"
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "POST %s with %s", ("/webhooks/hook-secret-abcdef/",
        "App-Key: app-key-value-123456"), None,
    )
    RedactSecretsFilter().filter(record)
    message = record.getMessage()
    assert "hook-secret-abcdef" not in message and "app-key-value-123456" not in message
    assert message.count(MASK) == 2
