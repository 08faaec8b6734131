"""Feedback that survives every version: four versions (a paragraph rewritten in place, one
removed, one moved, then a revert), and after each one every comment is in exactly one place
that the API, the reading page, the counts, the answers page, the answer table and all exports
agree on."""

import io
import json

import pytest
from openpyxl import load_workbook

from comments import services
from comments.feedback.exports import KEYS
from comments.models import Comment
from deliberation.errors import ActionRefused
from drafts.services import draft_publish_version, draft_revert
from tests.feedback.helpers import csv_rows, download

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]

A = "Die Stadt informiert frühzeitig und umfassend über alle geplanten Vorhaben."
B = "Bürgerinnen und Bürger können jederzeit Vorschläge für neue Vorhaben einreichen."
C = "Der Rat entscheidet öffentlich und begründet, wie er Anregungen berücksichtigt hat."
D = "Eine Koordinierungsstelle begleitet jedes Verfahren von der Planung bis zum Bericht."
E = "Die Ergebnisse jeder Beteiligung werden dokumentiert und im Internet veröffentlicht."
R = "Kinder und Jugendliche erhalten eigene Formate mit einfacher Sprache im Quartier."


# Where the text is that of version 1, every comment cites the number it was written on.
AS_IN_VERSION_1 = {
    "Zu A": "Absatz 1",
    "Zu B": "Absatz 2",
    "Antwort zu B": "Absatz 2",
    "Zu C": "Absatz 3",
    "Zu D": "Absatz 4",
    "Zu R": "Absatz 2",
}


def text(*blocks: str) -> str:
    return "\n\n".join(["# Leitlinien", *blocks])


def key_of(draft, body: str) -> str:
    return str(draft.paragraphs.get(archived=False, text=body).key)


def check_everywhere(client, draft, expected: dict[str, str | None], labels: dict[str, str]):
    """Every comment (by body) is shown at `expected[body]` (a key, or None: removed)."""
    api = {c["body_html"]: c for c in client.get(f"/api/drafts/{draft.slug}/comments/").json()}
    shown = {body: next(c for html, c in api.items() if body in html) for body in expected}
    assert {body: c["current_paragraph"] for body, c in shown.items()} == expected

    # Counts: every current paragraph counts the comments it shows, nothing is counted twice.
    detail = client.get(f"/api/drafts/{draft.slug}/").json()
    counts = {p["key"]: p["counts"]["comments"] for p in detail["paragraphs"]}
    for key, n in counts.items():
        assert n == sum(1 for k in expected.values() if k == key), key
    assert sum(counts.values()) == sum(1 for k in expected.values() if k is not None)

    # The reading page shows each comment in its thread, or at a removed paragraph's place.
    for body, key in expected.items():
        comment_id = shown[body]["id"]
        if key is None:
            page = client.get(f"/drafts/{draft.slug}/").content.decode()
            removed = page[page.index("removed-paragraph") :]
            assert f'id="c-{comment_id}"' in removed and "Zu gestrichenen Absätzen" in page
        else:
            page = client.get(f"/drafts/{draft.slug}/p/{key}/thread/").content.decode()
            assert f'id="c-{comment_id}"' in page, body
            if shown[body]["paragraph"] != key:
                assert "comment__carried" in page and "<ins>" in page

    # The answers page lists every comment and counts them all; the table shows every text.
    answers = client.get(f"/drafts/{draft.slug}/answers/").content.decode()
    assert f"Veröffentlichte Kommentare: {len(expected)}" in answers
    assert f"ohne Antwort: {len(expected)}" in answers
    table = client.get(f"/drafts/{draft.slug}/answers/table/").content.decode()
    for body, label in labels.items():
        comment_id = shown[body]["id"]
        assert f'id="a-{comment_id}"' in answers
        assert label in answers[answers.index(f'id="a-{comment_id}"') :]
        row = table[table.index(f'id="t-{comment_id}"') :]
        assert body in row[: row.index("</tr>")] and label in row[: row.index("</tr>")]

    # The exports: the same current paragraph and the same label for every comment.
    rows = csv_rows(client, f"/drafts/{draft.slug}/feedback.csv")
    as_json = json.loads(download(client, f"/drafts/{draft.slug}/feedback.json"))
    book = load_workbook(io.BytesIO(download(client, f"/drafts/{draft.slug}/feedback.xlsx")))
    sheet = list(book.active.iter_rows(values_only=True))[1:]
    for body, key in expected.items():
        csv_row = next(r for r in rows if r["text"] == body)
        json_row = next(r for r in as_json if r["text"] == body)
        xlsx_row = next(r for r in sheet if r[KEYS.index("text")] == body)
        assert csv_row["current_paragraph_key"] == (key or "")
        assert json_row["current_paragraph_key"] == key
        assert xlsx_row[KEYS.index("current_paragraph_key")] == key
        assert csv_row["paragraph"] == json_row["paragraph"] == labels[body]
        assert xlsx_row[KEYS.index("paragraph")] == labels[body]


def test_comments_follow_their_paragraph_through_four_versions(make_draft, citizen, wg, login):
    draft = make_draft(text=text(A, B, C, D, E), slug="vier")
    a, b, c, d, e = (key_of(draft, t) for t in (A, B, C, D, E))
    paragraph = {k: draft.paragraphs.get(key=k) for k in (a, b, c, d)}
    services.comment_create(user=citizen, paragraph=paragraph[a], body="Zu A")
    on_b = services.comment_create(user=citizen, paragraph=paragraph[b], body="Zu B")
    services.comment_create(user=citizen, paragraph=paragraph[c], body="Zu C")
    services.comment_create(user=citizen, paragraph=paragraph[d], body="Zu D")
    client = login(wg)

    # Version 2: B rewritten in place. Its comments move on to the rewrite.
    draft_publish_version(draft=draft, text=text(A, R, C, D, E), message="B neu", user=wg)
    r = key_of(draft, R)
    assert r != b
    services.comment_create(
        user=citizen, paragraph=on_b.paragraph, parent=on_b, body="Antwort zu B"
    )
    services.comment_create(user=citizen, paragraph=draft.paragraphs.get(key=r), body="Zu R")
    expected = {"Zu A": a, "Zu B": r, "Antwort zu B": r, "Zu C": c, "Zu D": d, "Zu R": r}
    labels = dict(AS_IN_VERSION_1)
    check_everywhere(client, draft, expected, labels)

    # Version 3: C removed, D moved to the front.
    draft_publish_version(draft=draft, text=text(D, A, R, E), message="C weg", user=wg)
    expected["Zu C"] = None
    labels.update(
        {
            "Zu A": "Absatz 1 in Fassung 1, jetzt Absatz 2",
            "Zu B": "Absatz 2 in Fassung 1, jetzt Absatz 3",
            # Written on version 2 under a comment on B, which version 2 no longer had.
            "Antwort zu B": "Absatz 3",
            "Zu C": "Absatz 3 in Fassung 1, gestrichen",
            "Zu D": "Absatz 4 in Fassung 1, jetzt Absatz 1",
            "Zu R": "Absatz 2 in Fassung 2, jetzt Absatz 3",
        }
    )
    check_everywhere(client, draft, expected, labels)

    # Version 4: back to version 1. Its keys return, and with them every comment.
    draft_revert(draft=draft, number=1, user=wg)
    assert [
        str(k)
        for k in draft.paragraphs.filter(archived=False, kind="text")
        .order_by("position")
        .values_list("key", flat=True)
    ] == [a, b, c, d, e]
    expected = {"Zu A": a, "Zu B": b, "Antwort zu B": b, "Zu C": c, "Zu D": d, "Zu R": b}
    labels = dict(AS_IN_VERSION_1)
    check_everywhere(client, draft, expected, labels)


def test_a_comment_handed_on_is_answered_and_counted_where_it_is_shown(
    make_draft, citizen, other_citizen, wg, login, django_capture_on_commit_callbacks
):
    from deliberation.models import Event

    draft = make_draft(text=text(A, B, C), slug="weiter")
    on_b = services.comment_create(
        user=citizen, paragraph=draft.paragraphs.get(text=B), body="Zu B"
    )
    draft_publish_version(draft=draft, text=text(A, R, C), message="B neu", user=wg)
    r = draft.paragraphs.get(key=key_of(draft, R))
    on_b = Comment.objects.get(pk=on_b.pk)
    # A reply from the rewrite's thread (websocket: the paragraph shown) and from the page's
    # form (the paragraph written on) both join the thread; the count is the rewrite's.
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=other_citizen, paragraph=r, body="Eins", parent=on_b)
    event = json.loads(Event.objects.filter(type="comment.created").latest("seq").text)
    assert event["comment"]["current_paragraph"] == str(r.key)
    assert event["comments"] == 2
    client = login(other_citizen)
    url = f"/drafts/{draft.slug}/p/{on_b.paragraph.key}/comment/"
    assert client.post(url, {"body": "Zwei", "parent": on_b.pk}).status_code == 302
    counts = client.get(f"/api/drafts/{draft.slug}/").json()["paragraphs"]
    assert {p["key"]: p["counts"]["comments"] for p in counts}[str(r.key)] == 3
    # A new comment on the archived paragraph itself is refused.
    with pytest.raises(ActionRefused):
        services.comment_create(user=citizen, paragraph=on_b.paragraph, body="Neu")
