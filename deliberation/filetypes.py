"""What an upload is, judged by its first bytes, and how its size is said: one module for the
draft import (drafts/importing.py) and the process documents (deliberation/process/files.py).
"""

from __future__ import annotations

import zipfile
from typing import IO

from django.utils.formats import number_format

MB = 1024 * 1024

ZIP = b"PK\x03\x04"  # .docx (and any other zip)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and any password-protected .docx
PDF = b"%PDF-"
# Programs and scripts, whatever they are called: Windows PE, ELF, Mach-O, shebang scripts.
EXECUTABLE = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# Never text, whatever the name says: programs, pictures, archives, RTF.
BINARY = (
    *EXECUTABLE,
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf",
    b"Rar!",
    b"{\\rtf",
)


def sniff(head: bytes) -> str:
    """What the first bytes of a file say: "pdf", "zip", "ole" (old Word or a protected .docx),
    "binary" (a program, picture, archive or RTF), or "" (nothing known: perhaps text)."""
    if head.startswith(PDF):
        return "pdf"
    if head.startswith(ZIP):
        return "zip"
    if head.startswith(OLE):
        return "ole"
    if head.startswith(BINARY):
        return "binary"
    return ""


def is_docx(file: IO[bytes]) -> bool:
    """Whether the seekable `file` is a zip with a Word document inside; leaves it at 0."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)


def megabytes(size: int) -> str:
    """`size` bytes as MB (1 MB = 1024² bytes) in the active language's number format, for
    messages that add the unit: whole numbers plain ("10"), else one decimal ("1,5" in German),
    two below 1 MB ("0,25")."""
    value = size / MB
    places = 0 if value == int(value) else (1 if value >= 1 else 2)
    return number_format(round(value, places), decimal_pos=places)
