"""Split a draft's text into the blocks that citizens comment on.

A block is what a reader perceives as one unit: a heading, a paragraph, a whole list (nested
lists included), a quote, a table or a code block. Markdown is parsed with the site's one
configuration (deliberation/markdown.py: CommonMark plus tables and footnotes, raw HTML off);
plain text is split at blank lines. Every block's HTML passes through ``clean_draft_html``, its
plain ``text`` is what matching and diffing compare.

Pure: no database access, so it is tested without one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext
from markdown_it.token import Token

from deliberation import markdown
from deliberation.sanitizing import clean_draft_html, normalize_text

MAX_SOURCE_CHARS = 2_000_000
MAX_BLOCKS = 2_000
# Per block, because the sanitizer's cost grows with the square of a block's siblings and
# entities (html5lib): a 50,000-character block of "<" takes about a second to clean, a table
# of 2,000 cells about a third of one. Both are far beyond a paragraph people comment on.
MAX_BLOCK_CHARS = 50_000
MAX_BLOCK_ELEMENTS = 2_000
MAX_PLAIN_HEADING_CHARS = 120

KIND_HEADING = "heading"
KIND_TEXT = "text"
KIND_LIST = "list"
KIND_QUOTE = "quote"
KIND_TABLE = "table"

_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
# "3.", "3.2", "3.2.1" (at most three digits a part, so a year is no section), "§ 4", "§ 4a",
# and roman numerals with a dot ("IV."), each followed by a space or the end of the heading.
_SECTION = re.compile(
    r"^(?:§+\s*(?P<paragraph>\d{1,4}[a-z]?)"
    r"|(?P<number>\d{1,3}(?:\.\d{1,3})*)\.?"
    rf"|(?P<roman>(?=[IVXLCDM]){_ROMAN})\.)"
    r"(?=\s|$)"
)
_BLANK_LINES = re.compile(r"\n\s*\n")
_WHITESPACE = re.compile(r"\s+")
_BULLET_ITEM = re.compile(r"^[-*•]\s+(?P<text>.*)$")
_ENUMERATED_ITEM = re.compile(r"^(?P<marker>\d{1,3}|[a-zA-Z])[.)]\s+(?P<text>.*)$")

_BLOCK_KINDS = {
    "heading_open": KIND_HEADING,
    "paragraph_open": KIND_TEXT,
    "bullet_list_open": KIND_LIST,
    "ordered_list_open": KIND_LIST,
    "blockquote_open": KIND_QUOTE,
    "table_open": KIND_TABLE,
    "fence": KIND_TEXT,
    "code_block": KIND_TEXT,
}
_TEXT_CHILDREN = frozenset({"text", "code_inline"})
_BREAK_CHILDREN = frozenset({"softbreak", "hardbreak"})


@dataclass(frozen=True)
class Block:
    """One commentable unit of a draft."""

    kind: str  # "heading" | "text" | "list" | "quote" | "table"
    source: str  # the block's source as written, stripped
    html: str  # rendered and passed through clean_draft_html
    text: str  # plain text, whitespace collapsed, for matching and diffing
    level: int | None = None  # heading level 1-6, else None
    section: str = ""  # "3.2" for "3.2 Formate", "4" for "§ 4"; "" if none


class SplitError(ValueError):
    """The text cannot be split; the message says what to fix."""


def section_number(heading: str) -> str:
    """Return the section number a heading starts with ("3.2", "4", "IV"), or ""."""
    match = _SECTION.match(heading.strip())
    if not match:
        return ""
    return match.group("paragraph") or match.group("number") or match.group("roman") or ""


def _section_depth(section: str) -> int:
    return min(section.count(".") + 1, 6)


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _check_size(source: str) -> None:
    if len(source) > MAX_SOURCE_CHARS:
        raise SplitError(
            gettext(
                "The text is too long: %(size)d characters, the limit is %(limit)d. "
                "Shorten it or split the draft into several drafts."
            )
            % {"size": len(source), "limit": MAX_SOURCE_CHARS}
        )


def _check_count(count: int) -> None:
    if count > MAX_BLOCKS:
        raise SplitError(
            gettext(
                "The text has too many paragraphs: %(count)d, the limit is %(limit)d. "
                "Split the draft into several drafts."
            )
            % {"count": count, "limit": MAX_BLOCKS}
        )


def _check_block(number: int, source: str, elements: int) -> None:
    """Refuse a block too large to clean quickly or to comment on as one unit."""
    start = _collapse(source[:60])
    if len(source) > MAX_BLOCK_CHARS:
        raise SplitError(
            gettext(
                "Paragraph %(number)d (“%(start)s…”) is too long: %(size)d characters, "
                "the limit is %(limit)d. Split it into smaller paragraphs."
            )
            % {"number": number, "start": start, "size": len(source), "limit": MAX_BLOCK_CHARS}
        )
    if elements > MAX_BLOCK_ELEMENTS:
        raise SplitError(
            gettext(
                "Paragraph %(number)d (“%(start)s…”) has too many parts: %(count)d list "
                "items, table cells, line breaks or formatted passages, the limit is "
                "%(limit)d. Split it into smaller paragraphs."
            )
            % {"number": number, "start": start, "count": elements, "limit": MAX_BLOCK_ELEMENTS}
        )


def _element_count(tokens: Sequence[Token]) -> int:
    """Count the HTML elements a token range renders to."""
    count = 0
    for token in tokens:
        count += token.nesting == 1
        for child in token.children or ():
            count += child.nesting == 1 or child.type == "hardbreak"
    return count


def _empty_error() -> SplitError:
    return SplitError(gettext("The text is empty. Paste or upload the draft's text."))


def _normalized(source: str, *, markdown: bool) -> str:
    _check_size(source)
    text = normalize_text(source, keep_hard_breaks=markdown)
    if not text:
        raise _empty_error()
    return text


def _top_level_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Return (start, end) token index ranges of the top-level blocks."""
    spans = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = index + 1
        if token.nesting == 1:
            while tokens[end].level != token.level or tokens[end].nesting != -1:
                end += 1
            end += 1
        if token.type in _BLOCK_KINDS:
            spans.append((index, end))
        index = end
    return spans


def _plain_text(tokens: Sequence[Token]) -> str:
    """Concatenate the visible text of a token range (image descriptions are not shown)."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("fence", "code_block"):
            parts.append(token.content)
        elif token.type == "inline":
            for child in token.children or ():
                if child.type in _TEXT_CHILDREN:
                    parts.append(child.content)
                elif child.type in _BREAK_CHILDREN:
                    parts.append(" ")
                elif child.type == "footnote_ref":  # shown as "[1]"
                    parts.append(f"[{markdown.footnote_number(child)}]")
            parts.append(" ")
    return _collapse("".join(parts))


def _footnote_ranges(tokens: Sequence[Token]) -> dict[int, tuple[int, int]]:
    """Footnote id -> the (start, end) token range of its text inside the footnote block."""
    ranges, start = {}, None
    for index, token in enumerate(tokens):
        if token.type == "footnote_open":
            start = index + 1
        elif token.type == "footnote_close" and start is not None:
            ranges[tokens[start - 1].meta["id"]] = (start, index)
    return ranges


def _footnote_ids(tokens: Sequence[Token]) -> list[int]:
    ids = (
        child.meta["id"]
        for token in tokens
        for child in token.children or ()
        if child.type == "footnote_ref"
    )
    return list(dict.fromkeys(ids))


def _footnotes_html(ids: list[int], ranges, tokens: Sequence[Token], env: dict) -> str:
    """The footnotes of one paragraph as a numbered list after it."""
    # From each note's footnote_open to its footnote_close: <li id="fn-N" value="N">…</li>.
    items = "".join(
        markdown.render_unsafe(tokens[ranges[i][0] - 1 : ranges[i][1] + 1], env) for i in ids
    )
    return f"\n<aside><ol>{items}</ol></aside>" if items else ""


def split_markdown(source: str) -> list[Block]:
    """Split Markdown into blocks; raise SplitError if it is empty or too large.

    A footnote ([^1] with its "[^1]: text") is no block of its own: it is rendered after the
    first paragraph that refers to it, as part of it (its text is part of the block's text).
    """
    text = _normalized(source, markdown=True)
    env: dict = {}
    tokens = markdown.parse(text, env)
    spans = _top_level_spans(tokens)
    _check_count(len(spans))
    lines = text.split("\n")
    notes = _footnote_ranges(tokens)
    placed: set[int] = set()
    blocks = []
    for start, end in spans:
        first = tokens[start]
        block_tokens = tokens[start:end]
        own_notes = [i for i in _footnote_ids(block_tokens) if i in notes and i not in placed]
        placed.update(own_notes)
        note_tokens = [t for i in own_notes for t in tokens[notes[i][0] : notes[i][1]]]
        plain = _plain_text(block_tokens + note_tokens)
        if not plain:  # e.g. a paragraph holding only an image, which is not supported
            continue
        line_start, line_end = first.map or (0, 0)
        block_source = "\n".join(lines[line_start:line_end]).strip()
        _check_block(len(blocks) + 1, block_source, _element_count(block_tokens))
        kind = _BLOCK_KINDS[first.type]
        level = int(first.tag[1]) if kind == KIND_HEADING else None
        blocks.append(
            Block(
                kind=kind,
                source=block_source,
                html=clean_draft_html(
                    markdown.render_unsafe(block_tokens, env)
                    + _footnotes_html(own_notes, notes, tokens, env)
                ).strip(),
                text=plain,
                level=level,
                section=section_number(plain) if kind == KIND_HEADING else "",
            )
        )
    if not blocks:
        raise _empty_error()
    return blocks


def _plain_heading(chunk: str) -> Block | None:
    if "\n" in chunk or len(chunk) > MAX_PLAIN_HEADING_CHARS or chunk.endswith("."):
        return None
    section = section_number(chunk)
    if not section:
        return None
    level = _section_depth(section)
    html = f"<h{level}>{escape(chunk)}</h{level}>"
    return Block(KIND_HEADING, chunk, clean_draft_html(html), _collapse(chunk), level, section)


def _plain_list(chunk: str) -> Block | None:
    lines = chunk.split("\n")
    attributes = ""
    bullets = [_BULLET_ITEM.match(line.strip()) for line in lines]
    if all(bullets):
        tag, items = "ul", [match["text"] for match in bullets if match]
    else:
        enumerated = [_ENUMERATED_ITEM.match(line.strip()) for line in lines]
        # A single numbered line is a numbered paragraph, not a list of one.
        if len(lines) < 2 or not all(enumerated):
            return None
        markers = [match["marker"] for match in enumerated if match]
        first = int(markers[0]) if markers[0].isdigit() else 0
        if first and markers == [str(number) for number in range(first, first + len(markers))]:
            # "3." after a paragraph continues a list: it starts at 3, as the text says.
            tag, items = "ol", [match["text"] for match in enumerated if match]
            if first != 1:
                attributes = f' start="{first}"'
        else:
            # "a)" or numbers out of order: <ol> would renumber them, so the markers stay
            # part of the text.
            tag, items = "ul", [line.strip() for line in lines]
    html = (
        f"<{tag}{attributes}>" + "".join(f"<li>{escape(item)}</li>" for item in items) + f"</{tag}>"
    )
    return Block(KIND_LIST, chunk, clean_draft_html(html), _collapse(" ".join(items)))


def _plain_paragraph(chunk: str) -> Block:
    html = "<p>" + "<br>\n".join(escape(line) for line in chunk.split("\n")) + "</p>"
    return Block(KIND_TEXT, chunk, clean_draft_html(html), _collapse(chunk))


def split_plain_text(source: str) -> list[Block]:
    """Split plain text at blank lines into blocks; raise SplitError if empty or too large."""
    chunks = [chunk.strip() for chunk in _BLANK_LINES.split(_normalized(source, markdown=False))]
    chunks = [chunk for chunk in chunks if chunk]
    _check_count(len(chunks))
    for number, chunk in enumerate(chunks, start=1):
        _check_block(number, chunk, chunk.count("\n") + 1)
    return [
        _plain_heading(chunk) or _plain_list(chunk) or _plain_paragraph(chunk) for chunk in chunks
    ]
