"""The dependency rule of docs/architecture.md, checked on every import statement.

    process ← drafts ← comments ← moderation / feedback / offline

An app may import the apps to its left and deliberation's platform modules; the platform imports
no app; moderation, feedback and offline do not import each other. Only the wiring (settings,
URL and websocket routing, the ASGI entry point) may name apps; the demo data finds each app's
part by convention (`<app>/demo.py`). Imports inside functions and under ``if TYPE_CHECKING:``
count like any other: a dependency is a dependency. Migrations are history and not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("deliberation", "drafts", "comments")
PLATFORM = "platform"
# Rank in the one direction: an app may import apps of a lower rank only.
RANK = {"process": 0, "drafts": 1, "comments": 2, "moderation": 3, "feedback": 3, "offline": 3}
SUB_APPS = {
    ("deliberation", "process"): "process",
    ("comments", "moderation"): "moderation",
    ("comments", "feedback"): "feedback",
    ("comments", "offline"): "offline",
}
# Platform modules allowed to name apps: the wiring.
WIRING = {"deliberation.settings", "deliberation.urls", "deliberation.routing", "deliberation.asgi"}


def app_of(module: str) -> str | None:
    """ "platform", an app label, or None for a module outside the project ("django.db")."""
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None
    if len(parts) > 1 and (parts[0], parts[1]) in SUB_APPS:
        return SUB_APPS[(parts[0], parts[1])]
    return PLATFORM if parts[0] == "deliberation" else parts[0]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement in the file, relative ones
    resolved; ``from x import y`` also yields ``x.y`` (y may be a module)."""
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def violation(importer: str, imported: str) -> str | None:
    """Why `importer` may not import `imported` (module names), or None when it may."""
    source, target = app_of(importer), app_of(imported)
    if target is None or source == target or target == PLATFORM:
        return None
    if source == PLATFORM:
        return None if importer in WIRING else "the platform imports no app"
    if RANK[target] < RANK[source]:
        return None
    return f"{source} may not import {target} (process ← drafts ← comments ← the rest)"


def layout_violations() -> dict[tuple[str, str], list[str]]:
    """(file, imported app) -> ["file:line imports app: why", ...] for every import against
    the rule."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in _sources():
        importer = _module_name(path)
        relative = path.relative_to(ROOT).as_posix()
        for line, imported in _imports(path):
            reason = violation(importer, imported)
            if reason:
                target = app_of(imported)
                entry = f"{relative}:{line} imports {target}: {reason}"
                found.setdefault((relative, target), []).append(entry)
    return found


def test_imports_follow_the_dependency_rule():
    found = layout_violations()
    assert sorted(entry for entries in found.values() for entry in entries) == []


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("deliberation.hub", "deliberation.events", True),
        ("deliberation.context_processors", "deliberation.process.selectors", False),
        ("deliberation.notifications", "comments.models", False),
        ("deliberation.urls", "comments.urls", True),
        ("deliberation.process.services", "deliberation.sanitizing", True),
        ("deliberation.process.selectors", "drafts.models", False),
        ("drafts.services", "deliberation.process.services", True),
        ("drafts.views", "comments.selectors", False),
        ("comments.views", "drafts.models", True),
        ("comments.views", "comments.feedback.models", False),
        ("comments.consumers", "comments.moderation.services", False),
        ("comments.moderation.services", "comments.services", True),
        ("comments.feedback.views", "comments.moderation.selectors", False),
        ("comments.offline.services", "deliberation.process.models", True),
        ("comments.feedback.exports", "django.db", True),
    ],
)
def test_the_rule(importer, imported, allowed):
    assert (violation(importer, imported) is None) is allowed


def test_relative_imports_are_resolved(tmp_path, monkeypatch):
    package = tmp_path / "deliberation"
    package.mkdir()
    (package / "__init__.py").write_text("from .process import models\n")
    (package / "hub.py").write_text("def f():\n    from .process.selectors import x\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _imports(package / "__init__.py") == [
        (1, "deliberation.process"),
        (1, "deliberation.process.models"),
    ]
    assert (2, "deliberation.process.selectors") in _imports(package / "hub.py")


def _raised(path: Path) -> set[str]:
    """The names of the exceptions a module raises by name (`raise X(...)`, `raise X`)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name):
                names.add(exc.id)
            elif isinstance(exc, ast.Attribute):
                names.add(exc.attr)
    return names


def test_each_service_module_refuses_with_one_error_type():
    """docs/architecture.md, "Errors": ValidationError says the input is wrong; a service that
    can also be refused for another reason raises ActionRefused for everything, so that its
    callers catch one type. No service module raises both."""
    both = [
        path.relative_to(ROOT).as_posix()
        for path in _sources()
        if "services" in path.relative_to(ROOT).with_suffix("").parts or path.stem == "services"
        if {"ValidationError", "ActionRefused"} <= _raised(path)
    ]
    assert both == []
