"""Writes for a process's documents: uploads checked by content, Markdown rendered once."""

from __future__ import annotations

from datetime import date
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from deliberation.markdown import markdown_html

from .. import files
from ..models import Document, DocumentFormat, DocumentKind, Process, PublicSession
from .fields import clean_title, full_clean
from .processes import process_notify_followers


def document_markdown_html(*, text: str) -> str:
    """Render a Markdown document (the site's one Markdown configuration) as sanitized HTML.

    The document's title is the page's h1, so its own headings start one level lower.
    """
    return markdown_html(text, heading_offset=1)


def _check_file(file: IO[bytes]) -> files.FileType:
    try:
        return files.check_document(
            file=file,
            name=getattr(file, "name", "") or "",
            size=file.size,
            max_bytes=settings.DOCUMENT_MAX_BYTES,
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc


def _attach_file(document: Document, file: File) -> None:
    file_type = _check_file(file)
    document.file_format = file_type.format
    document.content_type = file_type.content_type
    document.size = file.size
    document.html = ""
    if file_type.format == DocumentFormat.MARKDOWN:
        file.seek(0)
        document.html = document_markdown_html(text=file.read().decode("utf-8"))
        file.seek(0)
    document.file = file


def _check_session(process: Process, session: PublicSession | None) -> None:
    if session is not None and session.process_id != process.pk:
        raise ValidationError({"session": _("This session belongs to another process.")})


def _delete_file_on_commit(name: str, storage) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def _notify_protocol(document: Document) -> None:
    process = document.process
    process_notify_followers(
        process=process,
        kind="protocol_new",
        params={"process": process.title, "title": document.title},
        url=document.get_absolute_url(),
    )


def document_create(
    *,
    process: Process,
    title: str,
    kind: str,
    date: date,
    file: File,
    session: PublicSession | None = None,
) -> Document:
    """Store a document whose content passed the type check; a protocol reaches followers."""
    document = Document(
        process=process, session=session, title=clean_title(title), kind=kind, date=date
    )
    _check_session(process, session)
    _attach_file(document, file)
    full_clean(document, exclude=["process", "file"])
    try:
        with transaction.atomic():
            document.save()  # stores the file first, then inserts the row
            if document.kind == DocumentKind.PROTOCOL:
                _notify_protocol(document)
    except Exception:
        if getattr(document.file, "_committed", False) and document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    title: str,
    kind: str,
    date: date,
    session: PublicSession | None = None,
    file: File | None = None,
) -> Document:
    was_protocol = document.kind == DocumentKind.PROTOCOL
    _check_session(document.process, session)
    document.title = clean_title(title)
    document.kind = kind
    document.date = date
    document.session = session
    old_name = ""
    if file is not None:
        old_name = document.file.name
        _attach_file(document, file)
    full_clean(document, exclude=["process", "file"])
    document.save()
    if old_name:
        _delete_file_on_commit(old_name, document.file.storage)
    if document.kind == DocumentKind.PROTOCOL and not was_protocol:
        _notify_protocol(document)
    return document


def document_delete(*, document: Document) -> None:
    name, storage = document.file.name, document.file.storage
    with transaction.atomic():
        document.delete()
        _delete_file_on_commit(name, storage)
