"""Exports of the feedback: CSV, JSON and Excel, one row per comment, with and without names."""

import csv
import io
import json
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from comments import services
from comments.feedback import services as answers
from comments.feedback.exports import KEYS
from comments.feedback.models import Disposition
from comments.models import Comment, CommentStatus
from comments.moderation import services as moderation
from drafts.services import draft_publish_version
from tests.feedback.helpers import csv_rows, download, parse_csv

pytestmark = pytest.mark.django_db

TEXT_V1 = "Erster Absatz in Fassung eins.\n\nZweiter Absatz bleibt."
TEXT_V2 = "Erster Absatz in Fassung zwei, geändert.\n\nZweiter Absatz bleibt."


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


def test_csv_has_one_row_per_comment_with_the_text_it_was_written_on(client, exported, wg):
    client.force_login(wg)
    on_v1, hidden, on_v2, again = exported["c"]
    first, _second = exported["p"]
    response = client.get("/drafts/export/feedback.csv")
    assert response.streaming, "streamed, never built in memory as a whole"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rueckmeldungen-export-intern.csv"' in response["Content-Disposition"]
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
        "veröffentlicht",
        str(Disposition.ADOPTED.label),
        "Steht drin.",
        "2",
    )
    assert row["answer_published"] and row["channel"] == "online"
    assert row["created"] == on_v1.created_at.astimezone(ZoneInfo("Europe/Berlin")).strftime(
        "%d.%m.%Y %H:%M"
    )
    assert rows[on_v2.pk]["paragraph_text"] == "Erster Absatz in Fassung zwei, geändert."
    assert rows[hidden.pk]["status"] == str(CommentStatus.HIDDEN.label)
    assert rows[hidden.pk]["author"] == "", "a removed comment names nobody, even internally"
    assert rows[hidden.pk]["moderation_reason"] == "Spam oder Dublette"
    assert (rows[again.pk]["disposition"], rows[again.pk]["answer_published"]) == (
        "zur Kenntnis genommen",
        "",
    )
    # A comment that a spreadsheet would run as a formula is plain text.
    assert rows[on_v2.pk]["text"] == '\'=HYPERLINK("http://evil","klick")'


def test_anonymous_export_numbers_people_stably_and_names_nobody(client, exported, wg):
    client.force_login(wg)
    on_v1, _hidden, on_v2, again = exported["c"]
    rows = {
        int(r["comment"]): r for r in csv_rows(client, "/drafts/export/feedback.csv?anonymous=1")
    }
    assert rows[on_v1.pk]["author"] == "Teilnehmer 1"
    assert rows[on_v2.pk]["author"] == "Teilnehmer 2"
    assert rows[again.pk]["author"] == "Teilnehmer 1", "the same person, the same number"
    body = download(client, "/drafts/export/feedback.json?anonymous=1").decode()
    assert "anna" not in body and "bernd" not in body


@pytest.mark.parametrize("kind", ["csv", "json", "xlsx"])
def test_the_export_for_publication_holds_only_what_may_be_published(
    client, exported, wg, citizen, moderator, kind
):
    """No hidden, rejected, pending or deleted comment, no internal answer: in every format."""
    on_v1, _hidden, on_v2, again = exported["c"]
    first, _second = exported["p"]
    gone = services.comment_create(user=citizen, paragraph=first, body="Zurückgezogen")
    services.comment_delete(user=citizen, comment=gone)
    client.force_login(wg)
    url = f"/drafts/export/feedback.{kind}?anonymous=1"
    response = client.get(url)
    assert "veroeffentlichung" in response["Content-Disposition"]
    body = download(client, url)
    if kind == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        rows = [
            dict(zip(KEYS, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
        ]
        assert sheet.title == "Zur Veröffentlichung"
    elif kind == "json":
        rows = json.loads(body)
    else:
        rows = parse_csv(body)
    assert [int(r["comment"]) for r in rows] == [on_v1.pk, on_v2.pk, again.pk]
    by_pk = {int(r["comment"]): r for r in rows}
    assert by_pk[on_v1.pk]["reply"] == "Steht drin.", "a published answer is there"
    assert not by_pk[again.pk]["disposition"], "an internal answer is not"


def test_the_internal_export_says_so_and_keeps_no_deleted_text(client, exported, wg, citizen):
    first, _second = exported["p"]
    gone = services.comment_create(user=citizen, paragraph=first, body="Zurückgezogen")
    services.comment_delete(user=citizen, comment=gone)
    client.force_login(wg)
    rows = {int(r["comment"]): r for r in csv_rows(client, "/drafts/export/feedback.csv")}
    assert rows[gone.pk]["text"] == "" and rows[gone.pk]["author"] == ""
    sheet = load_workbook(io.BytesIO(download(client, "/drafts/export/feedback.xlsx"))).active
    assert sheet.title == "Intern"


def test_json_matches_the_csv(client, exported, moderator):
    client.force_login(moderator)
    response = client.get("/drafts/export/feedback.json")
    assert response.streaming and response["Content-Type"].startswith("application/json")
    assert "intern" in response["Content-Disposition"]
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
    rows = parse_csv(b"".join(chunks))
    assert len(rows) == 4 and rows[0]["author"] == "anna"


def test_xlsx_is_ready_to_filter_with_labels_and_date_cells(client, exported, wg):
    client.force_login(wg)
    sheet = load_workbook(io.BytesIO(download(client, "/drafts/export/feedback.xlsx"))).active
    assert sheet.freeze_panes == "A2", "the header stays in view"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(KEYS)).column_letter}5"
    assert all(cell.font.b for cell in sheet[1])
    first = {key: sheet.cell(row=2, column=n + 1) for n, key in enumerate(KEYS)}
    assert first["status"].value == "veröffentlicht" and first["channel"].value == "online"
    assert first["disposition"].value == "übernommen"
    assert first["created"].is_date and first["answer_published"].is_date
    hidden = {key: sheet.cell(row=3, column=n + 1).value for n, key in enumerate(KEYS)}
    assert hidden["status"] == str(CommentStatus.HIDDEN.label) and hidden["author"] is None


def test_csv_has_a_comma_and_english_headers_on_english_pages(client, exported, wg):
    client.force_login(wg)
    text = download(client, "/en/drafts/export/feedback.csv").decode()
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[:3] == ["Comment no.", "Reply to no.", "Paragraph no."]
    assert ",published," in text


def test_under_asgi_the_stream_keeps_the_pages_language(exported, wg):
    """The rows are read after the view returned: labels are fixed in the request's language."""
    client = AsyncClient()
    client.force_login(wg)

    async def fetch(url):
        response = await client.get(url)
        return b"".join([chunk async for chunk in response.streaming_content]).decode()

    text = async_to_sync(fetch)("/en/drafts/export/feedback.csv?anonymous=1")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][0] == "Comment no." and rows[1][KEYS.index("author")] == "Participant 1"
    assert rows[1][KEYS.index("status")] == "published"


@pytest.mark.parametrize(
    ("prefix", "name"),
    [("", "rueckmeldungen-export-veroeffentlichung"), ("/en", "feedback-export-publication")],
)
def test_download_names_are_in_the_pages_language(client, exported, wg, prefix, name):
    client.force_login(wg)
    response = client.get(f"{prefix}/drafts/export/feedback.xlsx?anonymous=1")
    assert f'filename="{name}.xlsx"' in response["Content-Disposition"]
