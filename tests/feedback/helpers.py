"""Plain helpers of the feedback tests: downloading and reading the exports."""

import csv
import io
import re

from docx import Document

from comments.feedback.exports import COLUMNS, KEYS

# The answer table's draft (tests/feedback/conftest.py `table`): version 1, then version 2.
TEXT_V1 = "Die Stadt baut neue Radwege an allen Hauptstraßen.\n\nZweiter Absatz bleibt."
TEXT_V2 = "Die Stadt baut sichere Radwege an allen Straßen.\n\nZweiter Absatz bleibt."
NOTE = "Interne Notiz: Verfasser ist Mitarbeiter der Verwaltung"


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def parse_csv(body: bytes, delimiter: str = ";") -> list[dict]:
    """Rows by column key, from a CSV with a byte-order mark and headers for people."""
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, so that Excel reads umlauts"
    reader = csv.reader(io.StringIO(text[1:]), delimiter=delimiter)
    header = next(reader)
    assert header == [str(c.label) for c in COLUMNS]
    return [dict(zip(KEYS, row, strict=True)) for row in reader]


def csv_rows(client, url) -> list[dict]:
    return parse_csv(download(client, url))


def docx_document(body: bytes):
    return Document(io.BytesIO(body))


def docx_all_text(document) -> str:
    """Every piece of text in the package's main part and headers, as one string."""
    parts = [document.element.xml]
    for section in document.sections:
        parts.append(section.header._element.xml)
    return "".join(parts)


def docx_rows(document) -> list[list[str]]:
    (table,) = document.tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def bulk_post(client, draft, data: dict, query: str = ""):
    """Send the answer list's form for several comments as the page `…/answers/{query}` shows
    it: with what that page says "all of this list" is (`listed`, `count`), then `data`."""
    here = f"/drafts/{draft.slug}/answers/{query}"
    html = client.get(here).content.decode()
    shown = {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("listed", "count")
    }
    return client.post(f"/drafts/{draft.slug}/answers/bulk/", {"next": here, **shown, **data})
