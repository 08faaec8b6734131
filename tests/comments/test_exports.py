"""Exports of the feedback: CSV, JSON and Excel, one row per comment, with and without names."""

import csv
import io
import json

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from comments import answers, moderation, services
from comments.exports import KEYS
from comments.models import Comment
from drafts.services import draft_publish_version

pytestmark = pytest.mark.django_db

TEXT_V1 = "Erster Absatz in Fassung eins.\n\nZweiter Absatz bleibt."
TEXT_V2 = "Erster Absatz in Fassung zwei, geändert.\n\nZweiter Absatz bleibt."


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}


@pytest.fixture
def exported(make_draft, citizen, other_citizen, make_user, moderator, wg):
    """Two versions; comments on both; votes, a support, a rejection, answers."""
    draft = make_draft(text=TEXT_V1, slug="export", moderation="post")
    first, second = draft.paragraphs.order_by("position")
    carla = make_user("carla")
    on_v1 = services.comment_create(user=citizen, paragraph=first, body="Anna auf Fassung eins")
    hidden = services.comment_create(user=other_citizen, paragraph=second, body="Spam spam")
    moderation.comment_hide(moderator=moderator, comment=hidden, reason="spam")
    draft_publish_version(draft=draft, text=TEXT_V2, message="Fassung 2", user=wg)
    on_v2 = services.comment_create(
        user=other_citizen, paragraph=first, body='=HYPERLINK("http://evil","klick")'
    )
    again = services.comment_create(user=citizen, paragraph=second, body="Anna noch einmal")
    for user, choice in ((citizen, "agree"), (other_citizen, "disagree"), (carla, "agree")):
        services.vote_cast(user=user, paragraph=first, choice=choice)
    services.comment_support(user=carla, comment=on_v1, on=True)
    answers.answer_save(
        user=wg, comment=on_v1, disposition="adopted", reply="Steht drin.", version=2, publish=True
    )
    answers.answer_save(user=wg, comment=again, disposition="noted", reply="")
    return {"draft": draft, "c": (on_v1, hidden, on_v2, again), "p": (first, second)}


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(client, url) -> list[dict]:
    text = download(client, url).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == KEYS
    return list(reader)


def test_csv_has_one_row_per_comment_with_the_text_it_was_written_on(client, exported, wg):
    client.force_login(wg)
    on_v1, hidden, on_v2, again = exported["c"]
    first, _second = exported["p"]
    response = client.get("/drafts/export/feedback.csv")
    assert response.streaming, "streamed, never built in memory as a whole"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rueckmeldungen-export.csv"' in response["Content-Disposition"]
    rows = {int(r["comment"]): r for r in csv_rows(client, "/drafts/export/feedback.csv")}
    assert list(rows) == [c.pk for c in exported["c"]], "oldest first, every status"
    row = rows[on_v1.pk]
    assert row["paragraph_number"] == "1" and row["paragraph_key"] == str(first.key)
    assert row["paragraph_text"] == "Erster Absatz in Fassung eins."
    assert (row["version"], row["author"], row["supports"]) == ("1", "anna", "1")
    assert (row["paragraph_agree"], row["paragraph_disagree"], row["paragraph_neutral"]) == (
        "2",
        "1",
        "0",
    )
    assert (row["status"], row["disposition"], row["reply"], row["version_taken_up"]) == (
        "published",
        "adopted",
        "Steht drin.",
        "2",
    )
    assert row["answer_published"] and row["channel"] == "online"
    assert rows[on_v2.pk]["paragraph_text"] == "Erster Absatz in Fassung zwei, geändert."
    assert rows[hidden.pk]["status"] == "hidden"
    assert rows[hidden.pk]["moderation_reason"] == "Spam oder Dublette"
    assert (rows[again.pk]["disposition"], rows[again.pk]["answer_published"]) == ("noted", "")
    # A comment that a spreadsheet would run as a formula is plain text.
    assert rows[on_v2.pk]["text"] == '\'=HYPERLINK("http://evil","klick")'


def test_anonymous_export_numbers_people_stably_and_names_nobody(client, exported, wg):
    client.force_login(wg)
    on_v1, hidden, on_v2, again = exported["c"]
    rows = {
        int(r["comment"]): r for r in csv_rows(client, "/drafts/export/feedback.csv?anonymous=1")
    }
    assert rows[on_v1.pk]["author"] == "Teilnehmer 1"
    assert rows[hidden.pk]["author"] == "Teilnehmer 2"
    assert rows[on_v2.pk]["author"] == "Teilnehmer 2", "the same person, the same number"
    assert rows[again.pk]["author"] == "Teilnehmer 1"
    body = download(client, "/drafts/export/feedback.json?anonymous=1").decode()
    assert "anna" not in body and "bernd" not in body


def test_json_matches_the_csv(client, exported, moderator):
    client.force_login(moderator)
    response = client.get("/drafts/export/feedback.json")
    assert response.streaming and response["Content-Type"].startswith("application/json")
    data = json.loads(download(client, "/drafts/export/feedback.json"))
    assert [list(row) for row in data] == [KEYS] * 4
    first = data[0]
    assert (first["paragraph_number"], first["version"], first["supports"]) == (1, 1, 1)
    assert first["version_taken_up"] == 2 and first["paragraph_agree"] == 2
    assert data[2]["text"] == '=HYPERLINK("http://evil","klick")', "JSON keeps the text as is"
    as_csv = csv_rows(client, "/drafts/export/feedback.csv")
    assert [str(r["comment"]) for r in data] == [r["comment"] for r in as_csv]


def test_xlsx_has_german_headers_and_never_formulas(client, exported, wg):
    client.force_login(wg)
    response = client.get("/drafts/export/feedback.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(download(client, "/drafts/export/feedback.xlsx")))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kommentar-Nr.", "Antwort auf Nr.", "Absatz-Nr.")
    assert "Abwägung" in rows[0] and "Absatztext (kommentierte Fassung)" in rows[0]
    assert len(rows) == 5
    text = KEYS.index("text")
    cell = sheet.cell(row=4, column=text + 1)
    assert cell.value == '=HYPERLINK("http://evil","klick")' and cell.data_type == "s"
    assert rows[1][KEYS.index("author")] == "anna" and rows[1][KEYS.index("supports")] == 1
    anonymous = load_workbook(
        io.BytesIO(download(client, "/drafts/export/feedback.xlsx?anonymous=1"))
    ).active
    assert anonymous.cell(row=2, column=KEYS.index("author") + 1).value == "Teilnehmer 1"


def test_export_query_count_does_not_grow_with_comments(client, exported, wg, make_user):
    client.force_login(wg)
    first, second = exported["p"]
    writer = make_user("viel")

    def queries(kind):
        with CaptureQueriesContext(connection) as captured:
            download(client, f"/drafts/export/feedback.{kind}")
        return len(captured)

    before = {kind: queries(kind) for kind in ("csv", "json", "xlsx")}
    for i in range(30):
        comment = services.comment_create(
            user=writer, paragraph=(first, second)[i % 2], body=f"K{i}"
        )
        if i % 2:
            answers.answer_save(user=wg, comment=comment, disposition="noted", reply="")
    Comment.objects.filter(pk__in=Comment.objects.order_by("-pk").values("pk")[:10]).update(
        version=1
    )
    assert {kind: queries(kind) for kind in ("csv", "json", "xlsx")} == before


def test_under_asgi_the_csv_is_streamed_asynchronously(exported, wg):
    """Daphne would read a synchronous iterator into a list before sending: not for exports."""
    client = AsyncClient()
    client.force_login(wg)

    async def fetch():
        response = await client.get("/drafts/export/feedback.csv")
        chunks = [chunk async for chunk in response.streaming_content]
        return response, chunks

    response, chunks = async_to_sync(fetch)()
    assert response.status_code == 200 and response.is_async
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == 4 and rows[0]["author"] == "anna"
