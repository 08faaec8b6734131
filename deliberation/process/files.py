"""Which kind of file an upload really is, judged by its content and never by its name.

Allowed are PDF, Markdown and Word (.docx). The browser's content type is ignored; the file
name's extension must agree with what the bytes say, so a program renamed to ``.pdf`` or a
PDF renamed to ``.md`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from deliberation import filetypes


@dataclass(frozen=True)
class FileType:
    format: str  # "pdf", "md" or "docx"; matches deliberation.models.DocumentFormat
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", ("pdf",))
MARKDOWN = FileType("md", "text/markdown; charset=utf-8", ("md", "markdown"))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
TYPES = (PDF, MARKDOWN, DOCX)
ALLOWED_EXTENSIONS = tuple(ext for file_type in TYPES for ext in file_type.extensions)


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def _read_all(file: IO[bytes]) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect(file: IO[bytes]) -> FileType | None:
    """Return the type the content shows, or None for anything that is not allowed."""
    file.seek(0)
    kind = filetypes.sniff(file.read(8))
    file.seek(0)
    if kind == "pdf":
        return PDF
    if kind == "zip":
        return DOCX if filetypes.is_docx(file) else None
    if kind:
        return None
    return MARKDOWN if _is_text(_read_all(file)) else None


def check_document(*, file: IO[bytes], name: str, size: int, max_bytes: int) -> FileType:
    """Return the file's type or raise ValidationError (codes: too_large, empty, type, name)."""
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(max)s MB are allowed.")
            % {"max": filetypes.megabytes(max_bytes)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    file_type = detect(file)
    if file_type is None:
        raise ValidationError(
            _("Only PDF, Markdown (.md) and Word (.docx) files can be uploaded."), code="type"
        )
    extension = extension_of(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(_("The file name must end in .pdf, .md or .docx."), code="name")
    if extension not in file_type.extensions:
        raise ValidationError(
            _(
                "The file name ends in “.%(extension)s”, but the content is a %(format)s file. "
                "Please check the file."
            )
            % {"extension": extension, "format": dict(_FORMAT_NAMES)[file_type.format]},
            code="name",
        )
    return file_type


_FORMAT_NAMES = (("pdf", "PDF"), ("md", "Markdown"), ("docx", "Word (.docx)"))
