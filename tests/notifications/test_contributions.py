"""“Meine Beiträge”: every comment, reply, vote and support, what became of it, what changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.feedback import services as answers
from comments.services import comment_create, comment_support, vote_cast
from drafts.services import draft_publish_version
from tests.notifications.helpers import NEW_TEXT

pytestmark = pytest.mark.django_db


def test_my_contributions_show_status_answer_version_and_what_changed(
    client, draft, paragraph, citizen, other_citizen, wg
):
    mine = comment_create(user=citizen, paragraph=paragraph, body="Bitte die Umwelt nennen.")
    theirs = comment_create(user=other_citizen, paragraph=paragraph, body="Und die Bäume.")
    comment_create(user=citizen, paragraph=paragraph, body="Genau, Bäume!", parent=theirs)
    vote_cast(user=citizen, paragraph=paragraph, choice="agree")
    comment_support(user=citizen, comment=theirs, on=True)
    draft_publish_version(draft=draft, text=NEW_TEXT, message="Umwelt ergänzt", user=wg)
    answers.answer_save(
        user=wg, comment=mine, disposition="adopted", reply="Ergänzt.", version=2, publish=True
    )
    client.force_login(citizen)
    page = client.get("/meine-beitraege/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Meine Beiträge</h1>" in html
    assert "Bitte die Umwelt nennen." in html and "Genau, Bäume!" in html
    assert "Fassung 1" in html  # the version it was written on
    assert "Ergänzt." in html and "Fassung 2" in html  # the answer, taken up
    assert "<ins>" in html and "Umwelt" in html  # what changed since
    assert f"/drafts/{draft.slug}/versions/1/diff/2/" in html
    assert "Und die Bäume." in html  # supported
    assert 'href="/meine-beitraege/"' in html  # linked from the header
    english = client.get("/en/my-contributions/").content.decode()
    assert "<h1>My contributions</h1>" in english


def test_an_internal_answer_is_not_shown_and_queries_do_not_grow(
    client, draft, paragraph, citizen, wg
):
    first = comment_create(user=citizen, paragraph=paragraph, body="Eins")
    answers.answer_save(user=wg, comment=first, disposition="noted", reply="Intern")
    client.force_login(citizen)
    with CaptureQueriesContext(connection) as few:
        html = client.get("/meine-beitraege/").content.decode()
    assert "Intern" not in html
    for n in range(5):
        comment_create(user=citizen, paragraph=paragraph, body=f"Noch {n}")
    with CaptureQueriesContext(connection) as more:
        client.get("/meine-beitraege/")
    assert len(more) == len(few)


def test_my_contributions_need_a_login(client):
    assert client.get("/meine-beitraege/").status_code == 302
