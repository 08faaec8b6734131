"""Opening our .docx files the way people do: with LibreOffice, where it is installed."""

import shutil
import subprocess
from pathlib import Path

import pytest

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")

needs_libreoffice = pytest.mark.skipif(
    LIBREOFFICE is None,
    reason="LibreOffice is not installed on this machine (the test converts the .docx to PDF "
    "with `libreoffice --headless --convert-to pdf` where it is present)",
)


def pdf_from_docx(source: Path) -> bytes:
    """`libreoffice --headless --convert-to pdf` of `source` (in its folder, with that folder as
    HOME so no user profile is touched); the PDF's bytes. Raises CalledProcessError if
    LibreOffice refuses the file."""
    subprocess.run(
        [
            LIBREOFFICE,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(source.parent), "PATH": "/usr/bin:/bin"},
    )
    return source.with_suffix(".pdf").read_bytes()
