"""Issue 16: ``manage.py providers`` prints one line per provider; ``--check`` calls each
enabled provider (here the real sandbox) and prints ok or the error, exit code 1 on any
failure."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from justsend_panel.sms.registry import PROVIDERS

pytestmark = pytest.mark.django_db


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("providers", *args, stdout=out)
    return out.getvalue().splitlines()


def test_one_line_per_provider_with_mode_and_capabilities(settings):
    settings.JUSTSEND_SANDBOX = True
    lines = _run()
    assert [line.split()[0] for line in lines] == list(PROVIDERS)
    justsend = lines[0].split()
    assert justsend[:2] == ["justsend", "simulator"]
    assert "remote_groups," in justsend and "check:" not in lines[0]


def test_check_prints_ok_for_every_provider_against_the_sandbox(panel_sandbox):
    lines = _run("--check")
    assert [line.split()[:2] for line in lines] == [
        ["justsend", "simulator"], ["smsmanager", "simulator"], ["justcall", "simulator"], ["smsby", "simulator"]]
    assert all("check: ok" in line for line in lines), lines


def test_a_provider_that_is_off_is_listed_and_not_checked(panel_sandbox, settings):
    settings.PRODUCTION = True  # SMS Manager without a key: off
    settings.SMSMANAGER_API_KEY = ""
    [smsmanager] = [line for line in _run("--check") if line.startswith("smsmanager ")]
    assert smsmanager.split()[1] == "off"
    assert smsmanager.endswith("check: skipped (off)")


def test_a_wrong_justcall_secret_fails_its_check_without_showing_it(panel_sandbox, settings):
    settings.JUSTCALL_SANDBOX_API_SECRET = "not-the-justcall-secret"
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("providers", "--check", stdout=out)
    assert "Connection check failed: justcall" in str(raised.value)
    [justcall] = [line for line in out.getvalue().splitlines() if line.startswith("justcall ")]
    assert "check: ok" not in justcall and "401" in justcall
    assert "not-the-justcall-secret" not in out.getvalue() + str(raised.value)


def test_a_failed_check_prints_the_error_and_exits_1(panel_sandbox, settings):
    settings.JUSTSEND_SANDBOX_APP_KEY = "not-the-key"
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("providers", "--check", stdout=out)
    assert raised.value.returncode == 1
    assert "Connection check failed: justsend" in str(raised.value)
    [justsend] = [line for line in out.getvalue().splitlines() if line.startswith("justsend ")]
    assert "check: " in justsend and "check: ok" not in justsend
    assert "not-the-key" not in out.getvalue()
