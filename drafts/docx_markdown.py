"""A Word document (python-docx's Document) as Markdown: headings, lists (numbered and not,
nested), tables, bold, italic, links and footnotes, with everything else escaped so that the
text means in Markdown what it meant in Word. drafts/importing.py opens and checks the upload.

Pure: no database access. A damaged document can make these functions raise KeyError,
IndexError or ValueError (dangling references); the caller turns them into a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift)\s*(\d)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"list", re.IGNORECASE)
_NOT_A_LIST_STYLE = re.compile(r"paragraph|continue|absatz|fortsetzung", re.IGNORECASE)
_NUMBERED_STYLE = re.compile(r"number|nummer", re.IGNORECASE)
# Characters that mean something to Markdown anywhere in a line, escaped with a backslash.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&|~#!])")
# ...and at the start of a line: list items, setext underlines, numbered lists.
_MARKDOWN_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])", re.MULTILINE)
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
# A Word footnote reference, kept through escaping and emphasis as this placeholder.
_NOTE_MARK = re.compile("\x00(\\d+)\x00")
_WHITESPACE = re.compile(r"\s+")


def _escape(text: str) -> str:
    return _MARKDOWN_INLINE.sub(r"\\\1", text)


def _escape_line_starts(text: str) -> str:
    return _MARKDOWN_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def _link_target(url: str) -> str | None:
    """Return the URL for a Markdown link, or None if it is not a web or mail link."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in _LINK_SCHEMES:
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _wrap(text: str, bold: bool, italic: bool) -> str:
    """Put emphasis markers around text, leaving its outer whitespace outside them.

    Markers are ``**`` and ``*`` (not ``_``): asterisks also work inside a word.
    """
    core = text.strip()
    if not core or not (bold or italic):
        return text
    marker = ("**" if bold else "") + ("*" if italic else "")
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _runs(paragraph) -> Iterator[tuple[str, bool, bool, str | None]]:
    """Yield (text, bold, italic, link) for each run, hyperlinks included."""
    from docx.text.hyperlink import Hyperlink

    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            target = _link_target(item.url) if item.url else None
            for run in item.runs:
                yield run.text, bool(run.bold), bool(run.italic), target
        else:
            for note in item._r.xpath("./w:footnoteReference/@w:id"):
                yield f"\x00{int(note)}\x00", False, False, None
            style = item.style.name if item.style is not None else ""
            yield (
                item.text,
                bool(item.bold) or style == "Strong",
                bool(item.italic) or style == "Emphasis",
                None,
            )


def _inline_markdown(paragraph) -> str:
    """Return the paragraph's text as Markdown, with emphasis and links."""
    groups: list[list] = []  # [text, bold, italic, link], runs with equal formatting merged
    for text, bold, italic, link in _runs(paragraph):
        if groups and groups[-1][1:] == [bold, italic, link]:
            groups[-1][0] += text
        else:
            groups.append([text, bold, italic, link])
    parts = []
    for text, bold, italic, link in groups:
        markdown = _wrap(_escape(text), bold, italic)
        if link and markdown.strip():
            markdown = f"[{markdown}]({link})"
        parts.append(markdown)
    lines = [line.strip() for line in "".join(parts).split("\n")]
    markdown = _escape_line_starts("\n".join(line for line in lines if line))
    return _NOTE_MARK.sub(r"[^\1]", markdown)  # a Markdown footnote reference


def _style_name(paragraph) -> str:
    try:
        return paragraph.style.name or ""
    except (KeyError, ValueError, AttributeError):
        return ""


def _heading_level(style: str) -> int | None:
    if style == "Title":
        return 1
    match = _HEADING_STYLE.match(style)
    return min(max(int(match[1]), 1), 6) if match else None


def _num_pr(paragraph):
    """Return the paragraph's numbering properties, its own or its style's (or None)."""
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.numPr is not None:
        return p_pr.numPr
    style = paragraph.style
    for _ in range(10):  # style chains are short; a loop in a broken file must not hang us
        if style is None:
            return None
        s_pr = style.element.pPr
        if s_pr is not None and s_pr.numPr is not None:
            return s_pr.numPr
        style = style.base_style
    return None


def _numbering(paragraph, document) -> tuple[int, bool, str] | None:
    """Return (nesting level, numbered?, list) for a list paragraph, None for other paragraphs.

    `list` names the numbering the paragraph counts in (its w:numId, else its style): Word
    continues it across the paragraphs between, so "3." may follow a paragraph after "2.".
    """
    style = _style_name(paragraph)
    try:
        num_pr = _num_pr(paragraph)
    except (KeyError, ValueError, AttributeError):
        num_pr = None
    # "List Bullet 2" is the second level; its style's numbering names no level of its own.
    style_level = min(max(int(style[-1]) - 1, 0), 8) if style[-1:].isdigit() else 0
    if num_pr is None:
        # A list style without numbering ("List Paragraph", "List Continue") is an indented
        # paragraph; other styles named like a list are lists.
        if not _LIST_STYLE.search(style) or _NOT_A_LIST_STYLE.search(style):
            return None
        return style_level, bool(_NUMBERED_STYLE.search(style)), f"style:{style}"
    level = num_pr.ilvl.val if num_pr.ilvl is not None else style_level
    numbered = _NUMBERED_STYLE.search(style) is not None
    sequence = f"style:{style}"
    if num_pr.numId is not None:
        numbered = _number_format(document, num_pr.numId.val, level) not in (None, "bullet")
        sequence = f"num:{num_pr.numId.val}"
    return min(level, 8), numbered, sequence


def _number_format(document, num_id: int, level: int) -> str | None:
    """Look up the w:numFmt ("bullet", "decimal", ...) of a numbering level."""
    try:
        numbering = document.part.numbering_part.element
        abstract = numbering.xpath(f'./w:num[@w:numId="{int(num_id)}"]/w:abstractNumId/@w:val')
        if not abstract:
            return None
        formats = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{int(abstract[0])}"]'
            f'/w:lvl[@w:ilvl="{int(level)}"]/w:numFmt/@w:val'
        )
    except (KeyError, NotImplementedError, ValueError):
        return None
    return str(formats[0]) if formats else None


def _list_item(text: str, level: int, numbered: bool, number: int = 1) -> str:
    # 4 spaces a level nest under both "- " and "1. " without turning into a code block.
    indent = "    " * level
    marker = f"{number}. " if numbered else "- "
    continuation = "\\\n" + indent + " " * len(marker)
    return indent + marker + continuation.join(text.split("\n"))


def _table_markdown(table) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            text = _WHITESPACE.sub(" ", " ".join(p.text for p in cell.paragraphs)).strip()
            cells.append(_escape(text))
        rows.append(cells)
    if not any(any(cells) for cells in rows):
        return ""
    width = max(len(cells) for cells in rows)
    lines = []
    for index, cells in enumerate(rows):
        cells = cells + [""] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _markdown_blocks(document) -> Iterator[str]:
    """Yield the document's headings, paragraphs, lists and tables as Markdown blocks."""
    from docx.table import Table

    items: list[str] = []  # the list being collected: consecutive list paragraphs
    counters: dict[str, list[int]] = {}  # per numbering: the last number at each level
    for element in document.iter_inner_content():
        numbering = None
        if isinstance(element, Table):
            block = _table_markdown(element)
        elif (level := _heading_level(_style_name(element))) is not None:
            # An ATX heading's text cannot start a list: inline escapes are enough.
            title = _escape(_WHITESPACE.sub(" ", element.text).strip())
            block = "#" * level + " " + title if title else ""
        else:
            text = _inline_markdown(element)
            numbering = _numbering(element, document) if text else None
            block = text.replace("\n", "\\\n")  # line breaks become hard breaks
        if numbering is not None:
            level, numbered, sequence = numbering
            counts = counters.setdefault(sequence, [0] * 9)
            counts[level] += 1
            counts[level + 1 :] = [0] * (8 - level)  # a deeper level starts again under it
            items.append(_list_item(text, level, numbered, counts[level]))
            continue
        if not block:
            continue
        if items:
            yield "\n".join(items)
            items.clear()
        yield block
    if items:
        yield "\n".join(items)


def _footnotes(document) -> dict[str, str]:
    """The document's footnotes: Word's id -> their text as Markdown (one line)."""
    from docx.oxml.parser import parse_xml  # python-docx's parser: no external entities

    notes = {}
    for rel in document.part.rels.values():
        if rel.reltype != _FOOTNOTES or rel.is_external:
            continue
        root = parse_xml(rel.target_part.blob)
        for note in root.iterfind(f"{{{_W}}}footnote"):
            if note.get(f"{{{_W}}}type"):  # the separator lines Word keeps as footnotes
                continue
            paragraphs = [
                "".join(note_text.text or "" for note_text in p.iter(f"{{{_W}}}t"))
                for p in note.iterfind(f"{{{_W}}}p")
            ]
            text = _WHITESPACE.sub(" ", " ".join(paragraphs)).strip()
            if text:
                notes[note.get(f"{{{_W}}}id")] = _escape(text)
    return notes


def _with_footnotes(markdown: str, notes: dict[str, str]) -> str:
    """Append a Markdown footnote ("[^2]: text") for each Word footnote the text refers to."""
    used = dict.fromkeys(re.findall(r"\[\^(\d+)\]", markdown))
    definitions = [f"[^{note}]: {notes[note]}" for note in used if note in notes]
    return "\n\n".join([markdown, *definitions]) if definitions else markdown


def markdown_of(document) -> str:
    """The whole document as Markdown: its blocks, then a definition for each footnote the text
    refers to. May raise KeyError, IndexError or ValueError for a damaged file."""
    return _with_footnotes("\n\n".join(_markdown_blocks(document)), _footnotes(document))
