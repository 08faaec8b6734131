"""A new version of a draft as a Word document with the changes from an older one marked as
tracked changes (w:ins / w:del), so that Word and LibreOffice show them with "Track changes"
and can accept or reject each one. The words changed come from drafts/diffing.py
(`word_diff_runs`), the same comparison as the diff page.

Every paragraph of the new version is there (unchanged ones as plain text); a removed paragraph
appears as one deletion where it stood; headings keep a heading style.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm

from .diffing import DraftDiff, word_diff_runs
from .models import Draft

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Marks:
    """Writes runs; each tracked change gets its own id, all with one author and date (`when`:
    when the newer version was published, so Word dates the changes then, not at download)."""

    def __init__(self, author: str, when: datetime):
        self.attrs = (
            f'w:author={quoteattr(author)} w:date="{when.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"'
        )
        self.next_id = 0

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    @staticmethod
    def _clean(text: str) -> str:
        return escape(_NOT_XML.sub("", text).replace("\n", " "))

    def plain(self, text: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{self._clean(text)}</w:t></w:r>'

    def inserted(self, text: str) -> str:
        run = self.plain(text)
        return f'<w:ins w:id="{self._id()}" {self.attrs}>{run}</w:ins>'

    def deleted(self, text: str) -> str:
        run = f'<w:r><w:delText xml:space="preserve">{self._clean(text)}</w:delText></w:r>'
        return f'<w:del w:id="{self._id()}" {self.attrs}>{run}</w:del>'


def _paragraph(runs: str, kind: str) -> str:
    style = '<w:pPr><w:pStyle w:val="Heading2"/></w:pPr>' if kind == "heading" else ""
    return f"<w:p {nsdecls('w')}>{style}{runs}</w:p>"


def diff_paragraphs(diff: DraftDiff, marks: _Marks) -> list[str]:
    """One <w:p> per entry of `diff`, in the new version's order (see the module docstring)."""
    out = []
    for entry in diff.entries:
        side = entry.new or entry.old
        if entry.status == "added":
            runs = marks.inserted(entry.new.text)
        elif entry.status == "removed":
            runs = marks.deleted(entry.old.text)
        elif entry.old is not None and entry.new is not None and entry.old.text != entry.new.text:
            pieces = []
            for kind, text in word_diff_runs(entry.old.text, entry.new.text):
                write = {"equal": marks.plain, "insert": marks.inserted, "delete": marks.deleted}
                pieces.append(write[kind](text))
            runs = "".join(pieces)
        else:
            runs = marks.plain(entry.new.text)
        out.append(_paragraph(runs, side.kind))
    return out


def version_docx(*, draft: Draft, a: int, b: int, diff: DraftDiff, when: datetime) -> bytes:
    """The text of version `b` of `draft` as .docx bytes, with the changes from version `a`
    (`diff`, from drafts.selectors.versions_diff) as tracked changes by "version b", dated
    `when` (aware: the time the newer of the two versions was published)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    document.add_heading(draft.title, level=1)
    document.add_paragraph(
        _("Changes from version %(a)s to %(b)s") % {"a": a, "b": b} + f" · {diff.summary()}"
    )
    marks = _Marks(_("Version %(number)s") % {"number": b}, when)
    body = document.element.body
    for xml in diff_paragraphs(diff, marks):
        body.insert(len(body) - 1, parse_xml(xml))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
