"""Plain helpers of the feedback tests: downloading and reading the exports."""

import csv
import io

from comments.feedback.exports import COLUMNS, KEYS


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
