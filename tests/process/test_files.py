"""Document uploads are judged by their content, not by their name or the browser's word."""

import io

import pytest
from django.core.exceptions import ValidationError

from deliberation.process import files
from tests.process.helpers import ELF, EXE, MARKDOWN, PDF, docx, plain_zip


def check(name: str, data: bytes, max_bytes: int = 10_000):
    return files.check_document(
        file=io.BytesIO(data), name=name, size=len(data), max_bytes=max_bytes
    )


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("protokoll.pdf", PDF, "pdf"),
        ("Protokoll.PDF", PDF, "pdf"),
        ("protokoll.md", MARKDOWN, "md"),
        ("notizen.markdown", MARKDOWN, "md"),
        ("bericht.docx", docx(), "docx"),
    ],
)
def test_allowed_files(name, data, fmt):
    assert check(name, data).format == fmt


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("programm.pdf", EXE, "type"),
        ("programm.pdf", ELF, "type"),
        ("script.md", b"#!/bin/sh\nrm -rf /\n", "type"),
        ("binaer.md", b"Text\x00mit NUL", "type"),
        ("latin1.md", "Grüße".encode("latin-1"), "type"),
        ("archiv.docx", plain_zip(), "type"),
        ("kaputt.docx", b"PK\x03\x04kaputt", "type"),
        ("protokoll.md", PDF, "name"),
        ("protokoll.pdf", MARKDOWN, "name"),
        ("bericht.pdf", docx(), "name"),
        ("seite.html", b"<script>alert(1)</script>", "name"),
        ("ohne-endung", PDF, "name"),
        ("leer.pdf", b"", "empty"),
    ],
)
def test_refused_files(name, data, code):
    with pytest.raises(ValidationError) as caught:
        check(name, data)
    assert caught.value.code == code


def test_size_limit_is_checked_before_reading():
    with pytest.raises(ValidationError) as caught:
        check("gross.pdf", PDF + b"x" * 2000, max_bytes=1000)
    assert caught.value.code == "too_large"


def test_extension_of():
    assert files.extension_of("a/b/Protokoll.Final.PDF") == "pdf"
    assert files.extension_of(".md") == ""
    assert files.extension_of("README") == ""
