"""The site's one Markdown configuration: CommonMark with tables and footnotes, raw HTML off.

Draft text (``drafts/splitting.py`` cuts the parsed tokens into paragraphs) and process
documents (``markdown_html``) go through the same parser, so one text renders alike in both.
What it renders is never shown as it is: it passes through
``deliberation.sanitizing.clean_draft_html`` (the only bleach user). Pure: no database access.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from deliberation.sanitizing import clean_draft_html, normalize_text


def footnote_number(token: Token) -> int:
    """The number a footnote token (``footnote_ref``, ``footnote_open``) is shown with: 1, 2, …"""
    return token.meta["id"] + 1


def _footnote_ref(self, tokens, index, options, env) -> str:
    number = footnote_number(tokens[index])
    return f'<sup><a href="#fn-{number}">[{number}]</a></sup>'


def _footnote_open(self, tokens, index, options, env) -> str:
    number = footnote_number(tokens[index])
    return f'<li id="fn-{number}" value="{number}">'


def _parser() -> MarkdownIt:
    # xhtmlOut off: "<br>" as bleach writes it, so the HTML does not change when cleaned twice.
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False}).enable("table")
    md.use(footnote_plugin)
    # Footnotes as the sanitizer's allow-list knows them: links to #fn-N, notes in an <aside>.
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_anchor", lambda *args: "")
    md.add_render_rule("footnote_block_open", lambda *args: "<aside><ol>")
    md.add_render_rule("footnote_block_close", lambda *args: "</ol></aside>\n")
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_close", lambda *args: "</li>")
    return md


_PARSER = _parser()


def parse(text: str, env: dict) -> list[Token]:
    """Parse Markdown into markdown-it tokens; `env` collects footnote definitions (pass the
    same dict to `render_unsafe`)."""
    return _PARSER.parse(text, env)


def render_unsafe(tokens: Sequence[Token], env: dict) -> str:
    """Render tokens (a whole parse or a slice of one) to HTML that is NOT yet sanitized:
    callers pass it through ``clean_draft_html`` before it is stored or shown."""
    return _PARSER.renderer.render(tokens, _PARSER.options, env)


def markdown_html(text: str, *, heading_offset: int = 0) -> str:
    """A whole Markdown text as sanitized HTML (the allow-list for draft text).

    ``heading_offset`` moves every heading down that many levels (at most to h6), for a text
    shown under a page's own h1. Raises nothing for any input text.
    """
    env: dict = {}
    tokens = parse(normalize_text(text, keep_hard_breaks=True), env)
    if heading_offset:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + heading_offset, 6)}"
    return clean_draft_html(render_unsafe(tokens, env))
