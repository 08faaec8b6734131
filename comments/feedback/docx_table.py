"""The answer table (Abwägungstabelle) as a Word document, for the council's paper: landscape
A4, one table grouped by paragraph (its number in the version written on and now, and the text
of that version) and by theme, columns Nr. / Stellungnahme / Abwägung / Änderung.

Two editions. The public one: every published comment, with its answer once that is published
(until then the Abwägung cell says "Antwort steht noch aus", nothing of a drafted answer). The
internal one (`internal=True`, the working group's): every published comment with its answer
whether published or not, and "intern" in the header of every page.
Neither ever holds an internal note (Handling), an assignment or an unpublished comment.

Speed: python-docx builds a table cell by cell through its object model, which for 8,500
comments takes minutes (bench/working_group.py prints both). The table's WordprocessingML is
written here as one string instead and parsed once (lxml through python-docx's `parse_xml`);
python-docx still writes the package, the section (landscape) and the header.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm

from comments.models import Channel, Comment, CommentStatus, Likeness, names_author
from drafts.diffing import word_diff_runs
from drafts.models import Draft

from . import selectors
from .answer_selectors import TEXT_ORDER
from .group_selectors import draft_comment_themes
from .models import Disposition

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Column widths in twentieths of a point: A4 landscape (29.7 cm) less 2 cm margins each side.
WIDTHS = (900, 5300, 4100, 4270)
FIELDS = (
    "pk",
    "paragraph_id",
    "version",
    "body",
    "channel",
    "created_at",
    "contributed_on",
    "author_id",
    "author__username",
    "pseudonym",
    "status",
    "answer__disposition",
    "answer__reply",
    "answer__version_taken_up",
    "answer__published_at",
)
# A row's answer fields when it has none to show.
_NO_ANSWER = {
    "answer__disposition": None,
    "answer__reply": None,
    "answer__version_taken_up": None,
    "answer__published_at": None,
}
# Characters XML 1.0 does not allow (a comment typed with a stray control character still exports).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Entry:
    """One row of the table: a comment with its answer, as plain values."""

    number: int
    text: str
    meta: str
    disposition: str  # "" while the answer is pending (none, or not published in the public)
    reply: str
    draft_answer: bool
    taken_up: int | None
    change: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Group:
    """The rows under one paragraph heading and one theme."""

    label: str
    paragraph_text: str
    theme: str
    entries: list[Entry] = field(default_factory=list)


def table_groups(*, draft: Draft, internal: bool = False) -> list[Group]:
    """The table's rows grouped by paragraph (in the order of the current text, removed
    paragraphs last), then by version written on, then by theme (a comment with several themes
    under its first by name; untagged ones last). A fixed number of queries, plus one per
    version whose text is read.

    Both editions hold every published comment; `internal`: with drafts of answers, otherwise
    with published answers only (a comment whose answer is not published shows none: pending).
    """
    qs = Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED)
    rows = qs.order_by(*TEXT_ORDER, "created_at", "pk").values(*FIELDS)
    index = selectors.paragraph_index(draft=draft)
    place = selectors.comment_places(draft=draft, index=index)
    at_version = selectors.paragraphs_by_version(draft=draft)
    themes = draft_comment_themes(draft=draft)
    alike = _alike_counts(draft)
    channels = {code: str(label) for code, label in Channel.choices}
    dispositions = {code: str(label) for code, label in Disposition.choices}
    no_theme, anonymised = _("Without theme"), _("anonymised")
    diffs: dict[tuple, list[tuple[str, str]]] = {}
    groups: dict[tuple, Group] = {}
    order: list[tuple] = []
    for position, row in enumerate(rows.iterator(chunk_size=1000)):
        if not internal and row["answer__published_at"] is None:
            row = {**row, **_NO_ANSWER}  # the public never sees a drafted answer
        at = place(row["paragraph_id"], row["version"])
        names = themes.get(row["pk"], [])
        theme = names[0] if names else ""
        shown = (at.current_key or at.key) if at else ""
        key = (shown, row["version"], at.key if at else "", theme)
        if key not in groups:
            groups[key] = Group(
                label=_label(at, draft.version),
                paragraph_text=at.text if at else "",
                theme=theme or no_theme,
            )
            order.append((position, key))
        taken_up = row["answer__version_taken_up"] if row["answer__disposition"] else None
        change: list[tuple[str, str]] = []
        if taken_up and at:
            pair = (at.key, at.current_key, row["version"], taken_up)
            if pair not in diffs:
                then = at_version(taken_up)
                new = then.get(at.key) or (then.get(at.current_key) if at.current_key else None)
                diffs[pair] = word_diff_runs(at.text, new.text) if new else []
            change = diffs[pair]
        groups[key].entries.append(
            Entry(
                number=row["pk"],
                text=row["body"],
                meta=_meta(row, channels, alike, names, anonymised),
                disposition=dispositions.get(row["answer__disposition"] or "", ""),
                reply=row["answer__reply"] or "",
                draft_answer=bool(row["answer__disposition"] and not row["answer__published_at"]),
                taken_up=taken_up,
                change=change,
            )
        )
    # Paragraphs keep the order of the text; within one, themes by name, untagged last.
    first_seen = {key: position for position, key in order}
    shown_order: dict[str, int] = {}
    for position, key in order:
        shown_order.setdefault(key[0], position)
    keys = sorted(
        groups,
        key=lambda k: (shown_order[k[0]], k[1], k[2], k[3] == "", k[3], first_seen[k]),
    )
    return [groups[k] for k in keys]


def _label(at, current_version: int) -> str:
    """The paragraph as the table names it: its number in the version written on and now
    ("Absatz 7 in Fassung 2, jetzt Absatz 7" even when the number stayed)."""
    if at is None:
        return ""
    if at.version != current_version and at.number is not None and at.current_number:
        return _("Paragraph %(then)s in version %(version)s, now paragraph %(now)s") % {
            "then": at.number,
            "version": at.version,
            "now": at.current_number,
        }
    return at.label


def _alike_counts(draft: Draft) -> dict[int, int]:
    """{comment id: the size of its group of alike published comments, itself included, as the
    answers page counts it} for groups of two or more (comments/similar.py)."""
    published = Likeness.objects.filter(
        draft=draft, group__isnull=False, comment__status=CommentStatus.PUBLISHED
    )
    sizes = dict(
        published.values("group_id").annotate(n=Count("pk")).order_by().values_list("group_id", "n")
    )
    return {
        comment: sizes[group]
        for comment, group in published.values_list("comment_id", "group_id")
        if sizes.get(group, 0) > 1
    }


def _meta(row: dict, channels: dict, alike: dict, themes: list[str], anonymised: str) -> str:
    """The line under a comment: channel, date, who (public name or "anonymised"), alike, themes."""
    if names_author(row["status"]) and (row["author__username"] or row["pseudonym"]):
        who = row["author__username"] or row["pseudonym"]
    else:
        who = anonymised
    day = row["contributed_on"] or timezone.localtime(row["created_at"]).date()
    parts = [
        channels.get(row["channel"], row["channel"]),
        formats.date_format(day, "SHORT_DATE_FORMAT"),
        who,
    ]
    if alike.get(row["pk"]):
        count = alike[row["pk"]]
        parts.append(ngettext("%(n)s alike comment", "%(n)s alike comments", count) % {"n": count})
    if len(themes) > 1:
        parts.append(_("Themes: %(names)s") % {"names": ", ".join(themes)})
    return " · ".join(parts)


# WordprocessingML, written as text --------------------------------------------------------------


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _run(text: str, props: str = "") -> str:
    """A run; line breaks in `text` become <w:br/>."""
    lines = _text(text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{body}</w:r>"


def _paragraph(runs: Iterable[str]) -> str:
    return f"<w:p>{''.join(runs)}</w:p>"


def _cell(width: int, paragraphs: list[str], props: str = "") -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{props}</w:tcPr>'
        f"{''.join(paragraphs) or '<w:p/>'}</w:tc>"
    )


BOLD, ITALIC, SMALL = "<w:b/>", "<w:i/>", '<w:sz w:val="18"/>'
DELETED = '<w:strike/><w:color w:val="A00000"/>'
INSERTED = '<w:u w:val="single"/><w:color w:val="006000"/>'


def _entry_row(entry: Entry) -> str:
    comment = [
        _paragraph([_run(entry.text)]),
        _paragraph([_run(entry.meta, ITALIC + SMALL)]),
    ]
    answer = []
    if entry.disposition:
        label = entry.disposition
        if entry.draft_answer:
            label = f"{label} ({_('draft, not published')})"
        answer.append(_paragraph([_run(label, BOLD)]))
    else:
        answer.append(_paragraph([_run(_("Answer pending"), ITALIC)]))
    if entry.reply:
        answer.append(_paragraph([_run(entry.reply)]))
    change = []
    if entry.taken_up:
        change.append(
            _paragraph([_run(_("Version %(number)s") % {"number": entry.taken_up}, BOLD)])
        )
        props = {"equal": "", "delete": DELETED, "insert": INSERTED}
        if any(kind != "equal" for kind, _text in entry.change):
            change.append(_paragraph(_run(text, props[kind]) for kind, text in entry.change))
    cells = (
        _cell(WIDTHS[0], [_paragraph([_run(str(entry.number))])]),
        _cell(WIDTHS[1], comment),
        _cell(WIDTHS[2], answer),
        _cell(WIDTHS[3], change),
    )
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>"


def _group_row(text: list[str], fill: str) -> str:
    props = f'<w:gridSpan w:val="4"/><w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    return f"<w:tr>{_cell(sum(WIDTHS), text, props)}</w:tr>"


def table_xml(groups: list[Group]) -> str:
    """The whole table as one <w:tbl> element: a header row repeated on every page, a shaded
    row per paragraph, a lighter one per theme, then one row per comment."""
    headings = (
        pgettext("answer table", "No."),
        pgettext("answer table", "Comment"),
        _("Disposition"),
        pgettext("answer table", "Change"),
    )
    head = "".join(
        _cell(w, [_paragraph([_run(h, BOLD)])]) for w, h in zip(WIDTHS, headings, strict=True)
    )
    out = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(WIDTHS)}" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr>',
        "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in WIDTHS) + "</w:tblGrid>",
        f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>",
    ]
    last_paragraph = None
    for group in groups:
        if (group.label, group.paragraph_text) != last_paragraph:
            last_paragraph = (group.label, group.paragraph_text)
            out.append(
                _group_row(
                    [
                        _paragraph([_run(group.label, BOLD)]),
                        _paragraph([_run(group.paragraph_text, ITALIC)]),
                    ],
                    "D9D9D9",
                )
            )
        theme = _("Theme: %(name)s") % {"name": group.theme}
        out.append(_group_row([_paragraph([_run(theme, BOLD)])], "F2F2F2"))
        out.extend(_entry_row(entry) for entry in group.entries)
    out.append("</w:tbl>")
    return "".join(out)


def _document(draft: Draft, *, internal: bool):
    """A landscape A4 document with its title; "intern" in every page's header if internal."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    if internal:
        section.header.paragraphs[0].text = _("internal") + " – " + _("not for publication")
    document.add_heading(_("Answer table: %(title)s") % {"title": draft.title}, level=1)
    when = formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    document.add_paragraph(_("Version %(number)s") % {"number": draft.version} + f" · {when}")
    return document


def answer_table_docx(*, draft: Draft, internal: bool = False) -> bytes:
    """The answer table of `draft` as the bytes of a .docx file (see the module's docstring
    for what each edition holds)."""
    document = _document(draft, internal=internal)
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(table_xml(table_groups(draft=draft, internal=internal))))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def naive_answer_table_docx(*, draft: Draft, internal: bool = False) -> bytes:
    """The baseline for bench/: the same rows through python-docx's object model, cell by cell
    (table.add_row, cell.text). Not used by the site."""
    document = _document(draft, internal=internal)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(
        table.rows[0].cells, ("Nr.", "Stellungnahme", "Abwägung", "Änderung"), strict=True
    ):
        cell.text = heading
    for group in table_groups(draft=draft, internal=internal):
        row = table.add_row().cells
        merged = row[0].merge(row[3])
        merged.text = f"{group.label}\n{group.paragraph_text}\n{group.theme}"
        for entry in group.entries:
            cells = table.add_row().cells
            cells[0].text = str(entry.number)
            cells[1].text = f"{entry.text}\n{entry.meta}"
            cells[2].text = f"{entry.disposition}\n{entry.reply}"
            cells[3].text = "".join(text for _kind, text in entry.change)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
