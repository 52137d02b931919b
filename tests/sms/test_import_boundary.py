"""The import boundary of issue #16: outside ``justsend_panel/sms/`` (and tests/), no module
imports a provider package; the apps reach a provider only through
``justsend_panel.core.provider`` and ``justsend_panel.sms.registry`` (``vocabulary(name)``).

Checked on the syntax tree, so that every spelling counts: ``import x.y``, ``from x import y``,
``from justsend_panel.sms import justsend``, a relative import that lands in a provider
package, ``importlib.import_module("...")`` / ``__import__("...")`` with a literal name, and
imports under ``if TYPE_CHECKING:`` (not exempt either).
"""

from __future__ import annotations

import ast
from pathlib import Path

from justsend_panel.sms.registry import PROVIDERS

ROOT = Path(__file__).resolve().parents[2]
SMS = "justsend_panel.sms"
# Every registered provider, and those issue #16 plans, registered or not yet.
PROVIDER_PACKAGES = frozenset(PROVIDERS) | {"justsend", "smsmanager", "justcall", "smsby", "android"}
EXEMPT = (ROOT / "justsend_panel" / "sms", ROOT / "tests")
SKIPPED_DIRS = {"node_modules", "__pycache__", "site-packages"}


def _is_provider_module(name: str) -> bool:
    if not name.startswith(SMS + "."):
        return False
    return name[len(SMS) + 1:].split(".")[0] in PROVIDER_PACKAGES


def _package_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts if parts[-1] == "__init__" and parts.pop() else parts[:-1]


def _absolute(node: ast.ImportFrom, package: list[str]) -> str:
    if not node.level:
        return node.module or ""
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def _literal_import(node: ast.Call) -> str | None:
    """The module named by ``importlib.import_module("...")`` or ``__import__("...")``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def provider_imports(source: str, path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a provider package in ``source`` (the file at ``path``)."""
    package = _package_of(path)
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _is_provider_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            if _is_provider_module(module):
                found.append((node.lineno, module))
            else:
                found += [
                    (node.lineno, f"{module}.{alias.name}")
                    for alias in node.names
                    if _is_provider_module(f"{module}.{alias.name}")
                ]
        elif isinstance(node, ast.Call):
            module = _literal_import(node)
            if module and _is_provider_module(module):
                found.append((node.lineno, module))
    return sorted(found)


def project_modules() -> list[Path]:
    """Every .py file of the project that the boundary applies to."""
    paths = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if any(part.startswith(".") or part in SKIPPED_DIRS for part in relative.parts):
            continue
        if any(path.is_relative_to(exempt) for exempt in EXEMPT):
            continue
        paths.append(path)
    return sorted(paths)


def test_no_module_outside_sms_imports_a_provider_package():
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in project_modules()
        for line, module in provider_imports(path.read_text(encoding="utf-8"), path)
    ]
    assert offences == [], (
        "Reach a provider through justsend_panel.core.provider or"
        " justsend_panel.sms.registry.vocabulary():\n" + "\n".join(offences)
    )


def test_the_walk_covers_the_apps_and_leaves_out_sms_and_tests():
    paths = {path.relative_to(ROOT).as_posix() for path in project_modules()}
    for expected in (
        "campaigns/services/sending.py",
        "campaigns/deliveries/webhook.py",
        "billing/forms.py",
        "contacts/services/push.py",
        "justsend_panel/core/provider.py",
        "faults/cases.py",
    ):
        assert expected in paths
    assert not any(p.startswith(("justsend_panel/sms/", "tests/")) for p in paths)


OFFENDING = '''\
import justsend_panel.sms.justsend
import justsend_panel.sms.smsmanager.backend as backend
from justsend_panel.sms.justsend.rules import country_name
from justsend_panel.sms import justsend
from justsend_panel.sms import registry, smsby
from ..sms.justcall import client
from ..sms import android
import importlib
importlib.import_module("justsend_panel.sms.justsend.vocabulary")
__import__("justsend_panel.sms.smsmanager")
if TYPE_CHECKING:
    from justsend_panel.sms.justsend.client import JustsendClient
def late():
    from justsend_panel.sms.justsend.types import Country
'''

ALLOWED = '''\
import justsend_panel.sms
import justsend_panel.sms.types
from justsend_panel.sms import exceptions, registry, types
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.types import Page, StatusEvent
from justsend_panel.core.provider import provider_backend, provider_for
from justsend_panel.smsish import justsend
import importlib
importlib.import_module(name)
JS = vocabulary("justsend")
'''


def test_the_check_names_each_offending_line():
    path = ROOT / "justsend_panel" / "core" / "example.py"
    assert provider_imports(OFFENDING, path) == [
        (1, "justsend_panel.sms.justsend"),
        (2, "justsend_panel.sms.smsmanager.backend"),
        (3, "justsend_panel.sms.justsend.rules"),
        (4, "justsend_panel.sms.justsend"),
        (5, "justsend_panel.sms.smsby"),
        (6, "justsend_panel.sms.justcall"),
        (7, "justsend_panel.sms.android"),
        (9, "justsend_panel.sms.justsend.vocabulary"),
        (10, "justsend_panel.sms.smsmanager"),
        (12, "justsend_panel.sms.justsend.client"),
        (14, "justsend_panel.sms.justsend.types"),
    ]


def test_the_check_leaves_the_neutral_layer_alone():
    assert provider_imports(ALLOWED, ROOT / "campaigns" / "services" / "example.py") == []


def provider_package_modules() -> dict[str, list[Path]]:
    """provider name -> the .py files of its package under justsend_panel/sms/."""
    sms = ROOT / "justsend_panel" / "sms"
    return {
        path.name: sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
        for path in sorted(sms.iterdir())
        if path.is_dir() and path.name in PROVIDER_PACKAGES
    }


def other_provider_imports(source: str, path: Path, provider: str) -> list[tuple[int, str]]:
    """The imports in a file of ``provider``'s package that land in another provider's."""
    own = f"{SMS}.{provider}"
    return [(line, module) for line, module in provider_imports(source, path)
            if module != own and not module.startswith(own + ".")]


def test_no_provider_package_imports_another():
    """What two providers share lives in the neutral layer (``sms/webhooks.py``,
    ``sms/wire.py``, ``sms/types.py``…), never in one provider's package."""
    packages = provider_package_modules()
    assert {"justsend", "smsmanager"} <= set(packages)
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for provider, paths in packages.items()
        for path in paths
        for line, module in other_provider_imports(path.read_text(encoding="utf-8"), path, provider)
    ]
    assert offences == [], "Move what providers share up to justsend_panel/sms/:\n" + "\n".join(offences)


def test_the_cross_provider_check_names_each_offending_line_and_spares_the_own_package():
    path = ROOT / "justsend_panel" / "sms" / "smsmanager" / "webhooks.py"
    source = '''\
from justsend_panel.sms.justsend import wire as justsend_wire
from justsend_panel.sms.justsend.webhooks import json_load
from justsend_panel.sms import justsend, smsmanager
from ..justsend import types
from . import statuses
from .wire import MessageRequest
from justsend_panel.sms.smsmanager.statuses import map_status
from justsend_panel.sms.webhooks import json_storable
from justsend_panel.sms import wire
'''
    assert other_provider_imports(source, path, "smsmanager") == [
        (1, "justsend_panel.sms.justsend"),
        (2, "justsend_panel.sms.justsend.webhooks"),
        (3, "justsend_panel.sms.justsend"),
        (4, "justsend_panel.sms.justsend"),
    ]
