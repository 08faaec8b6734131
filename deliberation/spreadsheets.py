"""The one writer of tables for download: CSV and Excel, the way German offices open them.

Every CSV of the project goes through `csv_response`: UTF-8 with a byte-order mark (so Excel
reads umlauts), headers in the page's language, `;` between cells on German pages (German Excel
opens such a file in columns on a double-click; `,` in English), dates as the page's language
writes them, and every text cell that a spreadsheet would run as a formula (one that begins with
`=`, `+`, `-`, `@`, a tab or a carriage return) neutralised with a leading apostrophe.

`xlsx_response` writes the same columns as an Excel workbook: a frozen, bold header row with an
autofilter, real date cells, and text that is never a formula.

Both take `Column`s and rows (dicts by column key, values str, int, float, date, datetime or
None; aware datetimes are shown in the current time zone), read the rows once, as they come, and
never hold the whole table in memory. Under ASGI the CSV is read piece by piece on the request's
thread (where its database cursor lives).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain, islice
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CHUNK_ROWS = 200  # rows per piece of the stream (and per hop to the database thread under ASGI)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """A column: `key` in the rows, `label` the header (lazy, translated when written), `width`
    in Excel character widths."""

    key: str
    label: Any
    width: int = 12


def _german() -> bool:
    return (get_language() or "de").startswith("de")


def csv_delimiter() -> str:
    """`;` for German (what German Excel splits on), `,` for other languages."""
    return ";" if _german() else ","


def defused(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, made into plain text ("'=…")."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _text_cell(fmt: tuple[str, str]) -> Callable[[Any], Any]:
    date_fmt, datetime_fmt = fmt

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return _local(value).strftime(datetime_fmt)
        if isinstance(value, date):
            return value.strftime(date_fmt)
        return defused(value)

    return cell


def chunked(pieces: Iterable[str]) -> Iterator[str]:
    """Join pieces into chunks of CHUNK_ROWS: fewer, bigger writes to the socket."""
    iterator = iter(pieces)
    while batch := list(islice(iterator, CHUNK_ROWS)):
        yield "".join(batch)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(columns: list[Column], rows: Iterable[dict]) -> Iterator[str]:
    """The table as CSV text in chunks, the first beginning with the byte-order mark.

    Language, separator and headers are fixed when this is called (in the view), not when the
    chunks are read (which may be after the request's language was switched off).
    """
    writer = csv.writer(_Echo(), delimiter=csv_delimiter())
    cell = _text_cell(
        ("%d.%m.%Y", "%d.%m.%Y %H:%M") if _german() else ("%Y-%m-%d", "%Y-%m-%d %H:%M")
    )
    header = BOM + writer.writerow([defused(str(c.label)) for c in columns])
    keys = [c.key for c in columns]
    lines = (writer.writerow([cell(row[k]) for k in keys]) for row in rows)
    return chunked(chain([header], lines))


async def _async_chunks(chunks: Iterator[str]) -> AsyncIterator[str]:
    # Under ASGI a synchronous iterator would be read into a list before sending; this reads it
    # piece by piece on the request's thread (where its database cursor lives) instead.
    take = sync_to_async(lambda: next(chunks, None), thread_sensitive=True)
    while (chunk := await take()) is not None:
        yield chunk


def streaming_response(
    request, chunks: Iterator[str], *, content_type: str, filename: str
) -> StreamingHttpResponse:
    """A download streamed from `chunks` (asynchronously under ASGI), never cached."""
    content = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(
    request, *, columns: list[Column], rows: Iterable[dict], filename: str
) -> StreamingHttpResponse:
    """The table as a streamed CSV download (see the module's docstring for the format)."""
    return streaming_response(
        request,
        csv_chunks(columns, rows),
        content_type="text/csv; charset=utf-8",
        filename=filename,
    )


def xlsx_file(
    columns: list[Column], rows: Iterable[dict], *, title: str
) -> tempfile.SpooledTemporaryFile:
    """An Excel workbook of one sheet named `title` (at most 31 characters), written row by
    row (openpyxl's write-only mode) into a spooled file, positioned at its start."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    date_fmt, datetime_fmt = (
        ("DD.MM.YYYY", "DD.MM.YYYY HH:MM") if _german() else ("YYYY-MM-DD", "YYYY-MM-DD HH:MM")
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet")
    sheet.freeze_panes = "A2"
    for position, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    bold = Font(bold=True)

    def header():
        for column in columns:
            cell = WriteOnlyCell(sheet, value=str(column.label))
            cell.font = bold
            yield cell

    def cell(value):
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
            cell.number_format = datetime_fmt
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = date_fmt
            return cell
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # text, never a formula
            return cell
        return value

    sheet.append(list(header()))
    count = 0
    for row in rows:
        sheet.append([cell(row[c.key]) for c in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    book.save(output)
    output.seek(0)
    return output


def xlsx_response(
    *, columns: list[Column], rows: Iterable[dict], title: str, filename: str
) -> FileResponse:
    """The table as an Excel download (see `xlsx_file`), never cached."""
    response = FileResponse(
        xlsx_file(columns, rows, title=title),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response
