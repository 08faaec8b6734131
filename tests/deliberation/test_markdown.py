"""One Markdown configuration for the whole site (deliberation/markdown.py).

Drafts and process documents once had two parser configurations that disagreed (a footnote
rendered in a draft, stayed "[^1]" in a protocol). These tests pin that one text renders alike
in both and that no other module builds a parser of its own.
"""

import ast
from pathlib import Path

import pytest

from deliberation.markdown import markdown_html
from deliberation.process.services import document_markdown_html
from drafts.splitting import split_markdown

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["deliberation", "drafts", "comments"]

FOOTNOTED = "Die Stadt beteiligt früh.[^1]\n\n[^1]: Beschluss des Rates vom 3. März."


def test_a_footnote_renders_alike_in_a_draft_and_in_a_document():
    [block] = split_markdown(FOOTNOTED)
    document = document_markdown_html(text=FOOTNOTED)
    for html in (block.html, document):
        assert '<sup><a href="#fn-1">[1]</a></sup>' in html
        assert '<li id="fn-1" value="1">' in html and "Beschluss des Rates" in html
        assert "[^1]" not in html


@pytest.mark.parametrize(
    ("source", "offset", "expected"),
    [
        ("# Titel", 0, "<h1>Titel</h1>"),
        ("# Titel", 1, "<h2>Titel</h2>"),
        ("###### Klein", 1, "<h6>Klein</h6>"),
        ("| A | B |\n|---|---|\n| 1 | 2 |", 0, "<td>2</td>"),
        ("Zeile  \nnächste", 0, "Zeile<br>"),
    ],
)
def test_markdown_html(source, offset, expected):
    assert expected in markdown_html(source, heading_offset=offset)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "```\n<script>alert(1)</script>\n```",
    ],
)
def test_raw_html_and_unsafe_links_never_pass(source):
    html = markdown_html(source)
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html


def _python_files():
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    ("library", "owner"),
    [
        ("markdown_it", "deliberation/markdown.py"),
        ("mdit_py_plugins", "deliberation/markdown.py"),
        ("bleach", "deliberation/sanitizing.py"),
    ],
)
def test_one_module_owns_each_markup_library(library, owner):
    """Only `owner` builds a parser or cleaner; splitting may name markdown-it's Token type."""
    users = []
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        modules = _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        used = {m for m in modules if m == library or m.startswith(library + ".")}
        used.discard("markdown_it.token")  # a type for annotations, no configuration
        if used and relative != owner:
            users.append(relative)
    assert users == []
