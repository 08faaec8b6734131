"""Write the URL map of docs/architecture.md: every address, the view that handles it, and the
services (writes) and selectors (reads) that view calls.

    DEBUG=1 .venv/bin/python docs/url_map.py          # rewrite the table in docs/architecture.md
    DEBUG=1 .venv/bin/python docs/url_map.py --print  # print it instead

The table sits between the markers ``<!-- url-map:start -->`` and ``<!-- url-map:end -->``;
tests/test_architecture_doc.py fails when an address or its view is missing from it or stale.
The calls are read from each view's source (and the module's own helpers it calls), so they
name what the code calls, not what someone remembered.
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, ModuleType

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
START, END = "<!-- url-map:start -->", "<!-- url-map:end -->"
# Django's own URL trees, listed as one row each (their views are Django's, not ours).
OPAQUE = {"admin": "django.contrib.admin (Django's admin site)"}
# Served only with DEBUG=1 (uploads in development); not part of the map.
DEVELOPMENT_ONLY = {"django.views.static.serve"}


@dataclass(frozen=True)
class Route:
    """One address: its route in German (default, no prefix) and English (/en/…), its name,
    the view's dotted path and what the view calls."""

    de: str
    en: str
    name: str
    view: str
    writes: tuple[str, ...]
    reads: tuple[str, ...]


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def _view_path(callback) -> str:
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    return f"{view.__module__}.{view.__qualname__}"


def _role(obj, via: str = "") -> str | None:
    """ "writes" for a function reached through (`via`, the module named in the call) or
    defined in a services module, "reads" for a selectors one. A module counts by the end of
    its last name: `services`, `group_services`; `selectors`, `answer_selectors`."""
    for module in (via, getattr(obj, "__module__", "") or ""):
        last = module.rsplit(".", 1)[-1]
        if last.endswith("services"):
            return "writes"
        if last.endswith("selectors"):
            return "reads"
    return None


def _is_sibling_view_module(module: str, of: str) -> bool:
    """Whether `module` is a views module (`views`, `group_views`) of the same package as `of`:
    a view's helpers there are followed as its own are."""
    return module.rsplit(".", 1)[0] == of.rsplit(".", 1)[0] and module.endswith("views")


def _module_constant(module_name: str, name: str) -> ast.AST | None:
    """The value node of a module-level assignment `name = ...` (a table of functions, say)."""
    try:
        tree = ast.parse(inspect.getsource(sys.modules[module_name]))
    except (OSError, TypeError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return node.value
    return None


def _scan(tree: ast.AST, module_name: str, seen: set) -> dict[str, set[str]]:
    """The service and selector functions named in `tree` (code of module `module_name`),
    following the module's own helper functions and tables of functions."""
    found: dict[str, set[str]] = {"writes": set(), "reads": set()}
    namespace = vars(sys.modules[module_name])

    def add(more: dict[str, set[str]]) -> None:
        for key, names in more.items():
            found[key] |= names

    for node in ast.walk(tree):
        via = ""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = namespace.get(node.value.id)
            target = getattr(owner, node.attr, None) if isinstance(owner, ModuleType) else None
            via = owner.__name__ if isinstance(owner, ModuleType) else ""
        elif isinstance(node, ast.Name):
            target = namespace.get(node.id)
            if isinstance(target, (dict, list, tuple)) and (module_name, node.id) not in seen:
                seen.add((module_name, node.id))
                value = _module_constant(module_name, node.id)
                if value is not None:
                    add(_scan(value, module_name, seen))
                continue
        else:
            continue
        if not callable(target) or isinstance(target, type):
            continue
        role = _role(target, via)
        if role:
            where = via if _role(None, via) else target.__module__
            found[role].add(f"{where}.{target.__qualname__}")
        elif isinstance(target, FunctionType) and (
            target.__module__ == module_name
            or _is_sibling_view_module(target.__module__, module_name)
        ):
            add(_called(target, seen))
    return found


def _called(function, seen: set) -> dict[str, set[str]]:
    """{"writes": {...}, "reads": {...}}: the service and selector functions `function` (a
    function, or a class for all its methods) calls, following the helpers and tables of
    functions of its own module (one module, no further)."""
    if not isinstance(function, type):
        function = inspect.unwrap(function)
    if function in seen:
        return {"writes": set(), "reads": set()}
    seen.add(function)
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return {"writes": set(), "reads": set()}
    return _scan(ast.parse(source), function.__module__, seen)


def _segment(pattern) -> str:
    """A pattern's part of the address: a regular expression loses its anchors (^ … $)."""
    text = str(pattern)
    if text.startswith("^"):
        text = text[1:]
    for end in ("\\Z", "$"):
        if text.endswith(end):
            text = text[: -len(end)]
    return text


def _walk(patterns, prefix: str = ""):
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            route = prefix + _segment(entry.pattern)
            namespace = entry.namespace or ""
            if namespace in OPAQUE:
                yield route, namespace, None
                continue
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield prefix + _segment(entry.pattern), entry.name or "", entry.callback


def routes() -> list[Route]:
    """Every address of the URL configuration, in its order."""
    from django.urls import get_resolver
    from django.utils import translation

    found: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str, object]] = []
    for language in ("de", "en"):
        with translation.override(language):
            for index, (route, name, callback) in enumerate(_walk(get_resolver().url_patterns)):
                if language == "de":
                    order.append((route, name, callback))
                found.setdefault((str(index), name), []).append(route)
    result = []
    for index, (route_de, name, callback) in enumerate(order):
        route_en = found[(str(index), name)][1]
        if callback is not None and _view_path(callback) in DEVELOPMENT_ONLY:
            continue
        if callback is None:
            view, calls = OPAQUE[name], {"writes": set(), "reads": set()}
        else:
            view = _view_path(callback)
            calls = _called(callback, set()) if isinstance(callback, FunctionType) else {}
        result.append(
            Route(
                de="/" + route_de,
                en="/" + route_en,
                name=name,
                view=view,
                writes=tuple(sorted(calls.get("writes", ()))),
                reads=tuple(sorted(calls.get("reads", ()))),
            )
        )
    return result


def websocket_routes() -> list[Route]:
    """The websocket addresses (deliberation/routing.py) and the consumer behind each."""
    from deliberation.routing import websocket_urlpatterns

    result = []
    for entry in websocket_urlpatterns:
        consumer = entry.callback.consumer_class
        calls = _called(consumer, set())
        route = "/" + str(entry.pattern)
        result.append(
            Route(
                de=route,
                en=route,
                name=entry.name or "",
                view=f"{consumer.__module__}.{consumer.__qualname__}",
                writes=tuple(sorted(calls["writes"])),
                reads=tuple(sorted(calls["reads"])),
            )
        )
    return result


def _code(items) -> str:
    return "<br>".join(f"`{item}`" for item in items) or "–"


def address(route: Route) -> str:
    """The German address; the English one beside it only where it is more than /en/ before it."""
    if route.en in (route.de, "/en" + route.de):
        return f"`{route.de}`"
    return f"`{route.de}` (en: `{route.en}`)"


def table(items: list[Route], heading: str = "View") -> str:
    """The map as a Markdown table."""
    lines = [
        f"| Address | Name | {heading} | Writes through | Reads through |",
        "| --- | --- | --- | --- | --- |",
    ]
    for route in items:
        lines.append(
            f"| {address(route)} | `{route.name or '–'}` | `{route.view}` "
            f"| {_code(route.writes)} | {_code(route.reads)} |"
        )
    return "\n".join(lines)


def rewrite(text: str, new_table: str) -> str:
    """`text` with the part between the markers replaced by `new_table`."""
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{new_table}\n{END}{after}"


def main() -> None:
    _setup()
    new_table = table(routes()) + "\n\nWebsocket:\n\n" + table(websocket_routes(), "Consumer")
    if "--print" in sys.argv:
        print(new_table)
        return
    DOC.write_text(rewrite(DOC.read_text(encoding="utf-8"), new_table), encoding="utf-8")


if __name__ == "__main__":
    main()
