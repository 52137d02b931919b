"""E-mail settings: the console by default, SMTP from EMAIL_URL, the sender from
DEFAULT_FROM_EMAIL; the SMTP password never in a log line. Settings are read once, at
import, so each case runs in a fresh process."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from justsend_panel.core.logging import MASK, RedactSecretsFilter

ROOT = Path(__file__).resolve().parents[3]
SHOW = (
    "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
    " s.EMAIL_USE_TLS, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.DEFAULT_FROM_EMAIL)"
)


def _settings(**variables) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "DEFAULT_FROM_EMAIL")}
    env.update(variables, DJANGO_SETTINGS_MODULE="justsend_panel.settings")
    done = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_console_by_default_and_smtp_from_email_url():
    assert _settings().startswith("django.core.mail.backends.console.EmailBackend localhost 25")
    assert _settings(
        EMAIL_URL="smtp+tls://panel%40example.com:p%40ss@smtp.example.com:587",
        DEFAULT_FROM_EMAIL="Panel <panel@example.com>",
    ) == (
        "django.core.mail.backends.smtp.EmailBackend smtp.example.com 587 True"
        " panel@example.com p@ss Panel <panel@example.com>"
    )


def test_the_smtp_password_is_masked_in_logs(settings):
    settings.EMAIL_HOST_PASSWORD = "smtp-pass-987654"
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "login failed: %s",
                               ("535 auth smtp-pass-987654",), None)
    RedactSecretsFilter().filter(record)
    assert "smtp-pass-987654" not in record.getMessage() and MASK in record.getMessage()
