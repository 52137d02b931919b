"""Every setting the code reads from the environment is documented in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where configuration is read: the panel's packages and apps (the test settings and bench
# read variables of their own, for test runs only).
SOURCES = ["manage.py", "justsend_panel", "contacts", "campaigns", "billing"]
NOT_CONFIGURATION = {"justsend_panel/test_settings.py"}
# Django's own: which settings module to load, set by manage.py/wsgi/celery themselves.
STANDARD = {"DJANGO_SETTINGS_MODULE"}

READS = re.compile(
    r"""(?:\benv(?:\.\w+)?\(|os\.environ(?:\.get|\.setdefault)?\(|os\.environ\["""
    r"""|os\.getenv\(|_env_float\()"""
    r"""\s*["']([A-Z][A-Z0-9_]*)["']"""
)
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def _python_files():
    for source in SOURCES:
        path = ROOT / source
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def names_read() -> dict[str, str]:
    found = {}
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in NOT_CONFIGURATION or "/migrations/" in relative:
            continue
        for name in READS.findall(path.read_text()):
            found.setdefault(name, relative)
    return {name: where for name, where in found.items() if name not in STANDARD}


def test_the_walk_finds_settings_read_every_way():
    read = names_read()
    # env.db, env.int, env.bool, env.path, os.environ.get, the sandbox's own helper.
    for name in ("DATABASE_URL", "CONN_MAX_AGE", "DEBUG", "MEDIA_ROOT", "PORT",
                 "JUSTSEND_SANDBOX_SEED", "JUSTSEND_SANDBOX_STARTING_BALANCE"):
        assert name in read, name


def test_every_setting_read_is_in_env_example():
    documented = set(DOCUMENTED.findall((ROOT / ".env.example").read_text()))
    missing = {name: where for name, where in names_read().items() if name not in documented}
    assert missing == {}, f"read but not documented in .env.example: {missing}"
