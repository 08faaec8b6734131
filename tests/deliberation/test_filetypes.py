"""One module says what an upload is and how big (deliberation/filetypes.py).

Before, the draft import and the process documents each had their own magic numbers (an RTF
file named .md went up as a Markdown document; a script's shebang was text to one and a program
to the other), and three ways to write "MB": "2", "1.5 MB" and, for a limit of 1.5 MB, "2".
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from deliberation import filetypes
from deliberation.process import files
from drafts.importing import DraftFileError, text_from_upload

RTF = b"{\\rtf1\\ansi Hallo}"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7", "pdf"),
        (b"PK\x03\x04....", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
        (b"MZ\x90\x00", "binary"),
        (b"#!/bin/sh", "binary"),
        (b"\x89PNG\r\n", "binary"),
        (RTF[:8], "binary"),
        (b"# Titel", ""),
    ],
)
def test_sniff(head, kind):
    assert filetypes.sniff(head) == kind


@pytest.mark.parametrize(
    ("size", "de", "en"),
    [
        (10 * 1024 * 1024, "10", "10"),
        (1536 * 1024, "1,5", "1.5"),
        (512 * 1024, "0,50", "0.50"),
        (256 * 1024, "0,25", "0.25"),
    ],
)
def test_megabytes_in_the_readers_number_format(size, de, en):
    with translation.override("de"):
        assert filetypes.megabytes(size) == de
    with translation.override("en"):
        assert filetypes.megabytes(size) == en


def test_both_upload_paths_refuse_what_is_not_text_by_the_same_bytes():
    with pytest.raises(ValidationError) as caught:
        files.check_document(file=io.BytesIO(RTF), name="brief.md", size=len(RTF), max_bytes=10**6)
    assert caught.value.code == "type"
    with pytest.raises(DraftFileError):
        text_from_upload("brief.md", RTF)


@pytest.mark.django_db
def test_a_limit_of_one_and_a_half_mb_is_not_said_as_two(settings):
    from deliberation.process.forms import DocumentForm
    from tests.process.helpers import make_process

    settings.DOCUMENT_MAX_BYTES = 1536 * 1024
    with translation.override("de"):
        help_text = str(DocumentForm(process=make_process()).fields["file"].help_text)
        assert "höchstens 1,5 MB" in help_text
        with pytest.raises(ValidationError) as caught:
            files.check_document(
                file=io.BytesIO(b"x"), name="a.md", size=2 * 1024 * 1024, max_bytes=1536 * 1024
            )
        assert "1,5 MB" in caught.value.messages[0]
