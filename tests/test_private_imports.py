"""No module imports another module's private name (`from x import _y`): a helper that more than
one module needs gets a public name, a docstring and a place where its callers can find it.
Likewise no test imports from a conftest or from another test module: fixtures come through
pytest, shared helpers and data live in plain modules (tests/data.py, tests/<app>/helpers.py)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("deliberation", "drafts", "comments", "tests", "bench")


def private_imports(source: str) -> list[tuple[int, str]]:
    """(line, "module._name") of every `from module import _name` in `source`, at any depth
    (inside functions too); dunder names such as `__version__` are public."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                name = alias.name
                if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                    found.append(
                        (node.lineno, module + ("" if module.endswith(".") else ".") + name)
                    )
    return found


def imports_of_tests(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import from a conftest or a test module (`test_*`) in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            last = node.module.rsplit(".", 1)[-1]
            if last == "conftest" or last.startswith("test_"):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                last = alias.name.rsplit(".", 1)[-1]
                if last == "conftest" or last.startswith("test_"):
                    found.append((node.lineno, alias.name))
    return found


def test_no_test_imports_from_a_conftest_or_another_test_module():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for line, name in imports_of_tests(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_test_import_scan():
    source = (
        "from tests.conftest import PASSWORD\n"
        "from tests.comments.test_consumers import connect\n"
        "import tests.drafts.test_services\n"
        "from tests.data import DRAFT_TEXT\n"
        "from tests.races import at_once\n"
    )
    assert [line for line, _name in imports_of_tests(source)] == [1, 2, 3]


def test_no_module_imports_a_private_name_of_another():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, name in private_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_scan_finds_private_names_in_every_form():
    source = (
        "from a import _b, c\n"
        "from . import _d\n"
        "def f():\n"
        "    from x.y import (e, _g as h)\n"
        "from __future__ import annotations\n"
        "from m import __version__\n"
    )
    assert private_imports(source) == [(1, "a._b"), (2, "._d"), (4, "x.y._g")]
