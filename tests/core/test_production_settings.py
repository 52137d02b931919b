"""Production refuses what would run it unsafely, and passes Django's deploy check.

Settings are read once, at import: every case runs in a fresh process with its environment.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parents[2]
# What the cases below set; a developer's own environment must not decide them.
CONTROLLED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # tests/conftest.py sets it for the browser tests
    "PANEL_ENV", "DEBUG", "SECRET_KEY", "JUSTSEND_APP_KEY", "JUSTSEND_WEBHOOK_SECRET",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
)
GOOD_KEY = get_random_secret_key()
PRODUCTION = {
    "PANEL_ENV": "production", "SECRET_KEY": GOOD_KEY,
    "JUSTSEND_APP_KEY": "app-key", "JUSTSEND_WEBHOOK_SECRET": "webhook-secret",
}
SHOW = (
    "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT,"
    " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
    " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
)


def _run(command: list[str], **variables: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(variables, DJANGO_SETTINGS_MODULE="justsend_panel.settings")
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def _python(code: str, **variables: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-c", f"import django; django.setup(); {code}"], **variables)


def _refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("panel_env", ["prod", "Production", "staging"])
def test_an_unknown_panel_env_is_refused(panel_env):
    message = _refused(_python("", **{**PRODUCTION, "PANEL_ENV": panel_env}))
    assert f"PANEL_ENV='{panel_env}' is not one of development, production." in message


@pytest.mark.parametrize("debug", ["true", "1", "yes"])
def test_production_refuses_debug(debug):
    message = _refused(_python("", **PRODUCTION, DEBUG=debug))
    assert "DEBUG=true is refused in production" in message


@pytest.mark.parametrize(
    "key",
    [
        "short-Key-Q7",  # short
        "ab" * 30,  # long enough, two different characters
        "django-insecure-" + get_random_secret_key(),  # startproject's development key
    ],
    ids=["short", "two-characters", "django-insecure"],
)
def test_production_refuses_a_weak_secret_key(key):
    message = _refused(_python("", **{**PRODUCTION, "SECRET_KEY": key}))
    assert "SECRET_KEY is too weak for production" in message
    assert key not in message  # the key itself never reaches a log


def test_production_refuses_a_missing_secret_key():
    message = _refused(_python("", **{**PRODUCTION, "SECRET_KEY": ""}))
    assert "SECRET_KEY must be set in production." in message


def test_a_secret_that_starts_with_a_dollar_is_taken_as_given():
    # django-environ would read "$abc…" as the name of another variable (and find nothing);
    # get_random_secret_key() draws from an alphabet with "$", so about one key in 50 does.
    key = "$" + GOOD_KEY[1:]
    result = _python(
        "from django.conf import settings as s;"
        " print(s.SECRET_KEY == __import__('os').environ['SECRET_KEY'], s.JUSTSEND_APP_KEY)",
        **{**PRODUCTION, "SECRET_KEY": key, "JUSTSEND_APP_KEY": "$app-key"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "$app-key"]


def test_production_is_https_only_by_default_and_trusts_a_proxy_only_when_told():
    result = _python(SHOW, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "31536000", "True", "True", "True", "None"]

    result = _python(SHOW, **PRODUCTION, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert result.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')"), result.stderr


def test_development_keeps_plain_http():
    result = _python(SHOW, PANEL_ENV="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "0", "False", "False", "False", "None"]


def test_check_deploy_passes_hsts_and_ssl_redirect_in_production():
    result = _run([sys.executable, "manage.py", "check", "--deploy"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    report = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W005", "security.W009",
                    "security.W012", "security.W016", "security.W018"):
        assert warning not in report, report


def test_the_image_build_key_passes_the_production_rules():
    # The Dockerfile's collectstatic step runs with PANEL_ENV=production and a throwaway key.
    dockerfile = (ROOT / "Dockerfile").read_text()
    generator = re.search(r"""SECRET_KEY="\$\(python -c '([^']+)'\)\"""", dockerfile)
    assert generator, "the Dockerfile no longer generates the build-time SECRET_KEY"
    key = subprocess.run([sys.executable, "-c", generator.group(1)], capture_output=True,
                         text=True, check=True).stdout.strip()
    result = _python("", **{**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode == 0, result.stderr
