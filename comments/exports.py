"""The feedback on a draft as CSV, JSON and Excel: one row per comment, for the working group.

Rows are built from the comments in chunks (`QuerySet.iterator`), and CSV and JSON go out as a
stream, so an export of thousands of comments never sits in memory as a whole. The text of the
paragraph a comment was written on is read once per version (not once per row).

Comments are untrusted text: a cell that starts with "=", "+", "-", "@" or a control character
would run as a formula in a spreadsheet, so such cells get a leading apostrophe in CSV and are
stored as plain strings in Excel.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from itertools import chain, islice

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation.reasons import reasons as reason_choices
from drafts.models import Draft

from . import feedback_selectors as selectors
from .summaries import Pseudonyms

# (key, header for people). CSV and JSON use the keys, Excel the headers.
COLUMNS = [
    ("comment", gettext_lazy("Comment no.")),
    ("parent", gettext_lazy("Reply to no.")),
    ("paragraph_number", gettext_lazy("Paragraph no.")),
    ("paragraph_key", gettext_lazy("Paragraph key")),
    ("paragraph_text", gettext_lazy("Paragraph text (version commented on)")),
    ("version", gettext_lazy("Version")),
    ("author", gettext_lazy("Author")),
    ("created", gettext_lazy("Written")),
    ("channel", gettext_lazy("Channel")),
    ("text", gettext_lazy("Comment")),
    ("supports", gettext_lazy("Supports")),
    ("paragraph_agree", gettext_lazy("Paragraph: agree")),
    ("paragraph_disagree", gettext_lazy("Paragraph: disagree")),
    ("paragraph_neutral", gettext_lazy("Paragraph: neutral")),
    ("status", gettext_lazy("Moderation status")),
    ("moderation_reason", gettext_lazy("Moderation reason")),
    ("disposition", gettext_lazy("Disposition")),
    ("reply", gettext_lazy("Reply of the working group")),
    ("version_taken_up", gettext_lazy("Taken up in version")),
    ("answer_published", gettext_lazy("Answer published")),
]
KEYS = [key for key, _label in COLUMNS]
TEXT_KEYS = {"paragraph_text", "author", "text", "reply", "moderation_reason"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 200  # rows per piece of the stream (and per hop to the database thread under ASGI)


def participant_name(number: int) -> str:
    return _("Participant %(number)s") % {"number": number}


def _author(row: dict, pseudonyms: Pseudonyms | None) -> str:
    if row["author_id"]:
        person, name = ("user", row["author_id"]), row["author__username"]
    elif row.get("pseudonym"):
        # Offline contributions carry the name they were given under, not an account.
        person, name = ("pseudonym", row["pseudonym"]), row["pseudonym"]
    else:
        return ""
    return pseudonyms(person) if pseudonyms is not None else name


def _moment(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def export_rows(*, draft: Draft, anonymous: bool = False) -> Iterator[dict]:
    """One dict per comment (keys: KEYS), oldest first. A fixed number of queries in all."""
    index = selectors.paragraph_index(draft=draft)
    votes = selectors.vote_split(draft=draft)
    at_version = selectors.paragraphs_by_version(draft=draft)
    pseudonyms = Pseudonyms(participant_name) if anonymous else None
    reasons = dict(reason_choices())
    empty_votes = {"agree": 0, "disagree": 0, "neutral": 0}
    for c in selectors.export_comments(draft=draft):
        ref = index.get(c["paragraph_id"])
        key = ref.key if ref else ""
        written_on = at_version(c["version"]).get(key)
        split = votes.get(c["paragraph_id"], empty_votes)
        yield {
            "comment": c["pk"],
            "parent": c["parent_id"],
            "paragraph_number": written_on.number if written_on else None,
            "paragraph_key": key,
            "paragraph_text": written_on.text if written_on else (ref.text if ref else ""),
            "version": c["version"],
            "author": _author(c, pseudonyms),
            "created": _moment(c["created_at"]),
            "channel": c["channel"],
            "text": c["body"],
            "supports": c["support_count"],
            "paragraph_agree": split["agree"],
            "paragraph_disagree": split["disagree"],
            "paragraph_neutral": split["neutral"],
            "status": c["status"],
            "moderation_reason": reasons.get(c["moderation_reason"], c["moderation_reason"]),
            "disposition": c["answer__disposition"] or "",
            "reply": c["answer__reply"] or "",
            "version_taken_up": c["answer__version_taken_up"],
            "answer_published": _moment(c["answer__published_at"]),
        }


def _defused(value):
    """A text cell that a spreadsheet would run as a formula, made into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _batched(pieces: Iterable[str]) -> Iterator[str]:
    """Join pieces into larger chunks: fewer, bigger writes to the socket."""
    iterator = iter(pieces)
    while batch := list(islice(iterator, CHUNK_ROWS)):
        yield "".join(batch)


def csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    lines = (
        writer.writerow([_defused(row[k]) if k in TEXT_KEYS else row[k] for k in KEYS])
        for row in rows
    )
    return _batched(chain([writer.writerow(KEYS)], lines))


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array, one object per line, written as the rows come."""

    def pieces():
        yield "["
        for number, row in enumerate(rows):
            yield ("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]\n"

    return _batched(pieces())


async def _async_chunks(chunks: Iterator[str]) -> AsyncIterator[str]:
    # Under ASGI a synchronous iterator would be read into a list before sending; this reads it
    # piece by piece on the request's thread (where its database cursor lives) instead.
    take = sync_to_async(lambda: next(chunks, None), thread_sensitive=True)
    while (chunk := await take()) is not None:
        yield chunk


def streaming_response(
    request, chunks: Iterator[str], *, content_type: str, filename: str
) -> StreamingHttpResponse:
    content = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_file(rows: Iterable[dict], *, title: str) -> tempfile.SpooledTemporaryFile:
    """An Excel workbook, written row by row (openpyxl's write-only mode), in a spooled file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Feedback")
    sheet.freeze_panes = "A2"
    widths = {"paragraph_text": 60, "text": 60, "reply": 50, "created": 20, "author": 16}
    for position, key in enumerate(KEYS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = widths.get(key, 12)
    bold = Font(bold=True)

    def header():
        for _key, label in COLUMNS:
            cell = WriteOnlyCell(sheet, value=str(label))
            cell.font = bold
            yield cell

    sheet.append(list(header()))
    for row in rows:
        cells = []
        for key in KEYS:
            value = row[key]
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("="):
                    value = WriteOnlyCell(sheet, value=value)
                    value.data_type = "s"  # text, never a formula
            cells.append(value)
        sheet.append(cells)
    output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    book.save(output)
    output.seek(0)
    return output


def export_response(request, *, draft: Draft, kind: str, anonymous: bool):
    """The export of `draft` in `kind` ("csv", "json" or "xlsx") as a download."""
    rows = export_rows(draft=draft, anonymous=anonymous)
    stem = f"rueckmeldungen-{draft.slug}{'-anonym' if anonymous else ''}"
    if kind == "csv":
        return streaming_response(
            request,
            csv_chunks(rows),
            content_type="text/csv; charset=utf-8",
            filename=f"{stem}.csv",
        )
    if kind == "json":
        return streaming_response(
            request,
            json_chunks(rows),
            content_type="application/json; charset=utf-8",
            filename=f"{stem}.json",
        )
    if kind == "xlsx":
        response = FileResponse(
            xlsx_file(rows, title=_("Feedback")),
            as_attachment=True,
            filename=f"{stem}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Cache-Control"] = "no-store"
        return response
    raise Http404(kind)
