"""Read an uploaded draft file into text that ``splitting`` can split.

The type is decided by the content, the file name only tells Markdown from plain text:
a Word file (.docx, a ZIP package with ``word/document.xml``) becomes Markdown, .md and
.markdown are Markdown, .txt is plain text. Everything else is refused with a message that says
what to do instead.

Pure: no database access.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from django.utils.translation import gettext

from deliberation.filetypes import megabytes, sniff

from .docx_markdown import markdown_of

FORMAT_MARKDOWN = "markdown"
FORMAT_TEXT = "text"

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# A .docx is compressed; its XML may unpack to far more than the upload. Beyond this it is
# a zip bomb or mostly pictures, neither of which we want to parse.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000

MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})
TEXT_EXTENSIONS = frozenset({".txt"})

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # what Windows editors call "Unicode"
# Text has few C0 controls besides tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


class DraftFileError(ValueError):
    """The upload cannot be read; the message says what to do."""


def text_from_upload(filename: str, data: bytes) -> tuple[str, str]:
    """Return (source, format) for an uploaded file; format is "markdown" or "text"."""
    if not data.strip():
        raise DraftFileError(
            gettext("The file is empty. Choose the file that contains the draft's text.")
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise DraftFileError(
            gettext(
                "The file is too large: %(size)s, the limit is %(limit)s. "
                "Remove pictures from it or paste the text instead."
            )
            % {"size": f"{megabytes(len(data))} MB", "limit": f"{megabytes(MAX_UPLOAD_BYTES)} MB"}
        )
    extension = PurePath(filename).suffix.lower()
    kind = sniff(data[:8])
    if kind == "ole":
        raise DraftFileError(
            gettext(
                "This Word file is password-protected or in the old .doc format. "
                "Save it as .docx without a password and upload it again."
            )
        )
    if kind == "zip" or extension == ".docx":
        return _docx_markdown(data), FORMAT_MARKDOWN
    if kind == "pdf":
        raise DraftFileError(
            gettext(
                "PDF files cannot be imported. Upload the draft as .docx, .md or .txt, "
                "or copy its text and paste it."
            )
        )
    text = _decode(data)
    if extension in MARKDOWN_EXTENSIONS:
        return text, FORMAT_MARKDOWN
    if extension in TEXT_EXTENSIONS:
        return text, FORMAT_TEXT
    raise DraftFileError(
        gettext(
            "Files ending in “%(extension)s” are not supported. "
            "Upload the draft as .docx, .md (Markdown) or .txt."
        )
        % {"extension": extension or filename}
    )


def _not_a_text_file() -> DraftFileError:
    return DraftFileError(
        gettext(
            "This file is neither text nor a Word document. "
            "Upload the draft as .docx, .md (Markdown) or .txt."
        )
    )


def _decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_a_text_file() from None
    if sniff(data[:8]) == "binary" or b"\x00" in data:
        raise _not_a_text_file()
    try:
        text = data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise DraftFileError(
                gettext(
                    "The text's encoding cannot be recognized. "
                    "Save the file as UTF-8 text and upload it again."
                )
            ) from None
    if len(_CONTROL.findall(text)) > max(3, len(text) // 100):
        raise _not_a_text_file()
    return text


# --- Word -------------------------------------------------------------------------------


def _broken_docx() -> DraftFileError:
    return DraftFileError(
        gettext(
            "This .docx file cannot be read: it is damaged or not really a Word document. "
            "Open it in Word or LibreOffice, save it as .docx again and upload it."
        )
    )


def _open_docx(data: bytes):
    """Open a Word document after checking the package is a sane .docx."""
    import docx  # imported here: only uploads need it, and it pulls in lxml

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _broken_docx() from None
    if "word/document.xml" not in names:
        if "[Content_Types].xml" in names:  # another Office format: .xlsx, .pptx, .odt
            raise _not_a_text_file()
        raise _broken_docx()
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise DraftFileError(
            gettext(
                "This .docx file is too large when unpacked. "
                "Remove pictures from it or paste the text instead."
            )
        )
    try:
        return docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises KeyError, ValueError, lxml errors, ... on bad XML
        raise _broken_docx() from None


def _docx_markdown(data: bytes) -> str:
    """Convert a .docx to Markdown: headings, lists, tables, bold, italic, links, footnotes."""
    document = _open_docx(data)
    try:
        markdown = markdown_of(document)
    except (KeyError, IndexError, ValueError):  # dangling references in a damaged file
        raise _broken_docx() from None
    if not markdown.strip():
        raise DraftFileError(
            gettext("The Word document contains no text. Choose the file with the draft's text.")
        )
    return markdown
