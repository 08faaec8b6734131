"""Comments on a passage: stored as a TextQuoteSelector, refused when not in the paragraph,
sent over the websocket and the plain form, shown in the thread, found again in new versions."""

import json

import pytest
from django.urls import reverse

from comments import services
from comments.feedback.exports import export_rows
from comments.models import Comment
from deliberation.errors import ActionRefused
from drafts.anchoring import Quote
from drafts.services import draft_publish_version
from tests.comments.sockets import connect, receive, receive_type
from tests.data import DRAFT_TEXT

SENTENCE = "Die Stadt lebt vom Engagement ihrer Bürgerinnen und Bürger, die sich für ihr Viertel einsetzen."
PASSAGE = "Engagement ihrer Bürgerinnen und Bürger"


def test_a_quote_is_stored_with_its_context_and_position(draft, paragraph, citizen):
    comment = services.comment_create(
        user=citizen, paragraph=paragraph, body="Genau.", quote=Quote(PASSAGE)
    )
    start = SENTENCE.index(PASSAGE)
    assert (comment.quote_exact, comment.quote_start, comment.quote_end) == (
        PASSAGE,
        start,
        start + len(PASSAGE),
    )
    assert comment.quote_prefix == SENTENCE[max(0, start - 32) : start]
    assert comment.quote_suffix == SENTENCE[start + len(PASSAGE) :][:32]
    assert comment.quote_anchored


@pytest.mark.parametrize("exact", ["Engagement seiner Bürger", "x" * 2001])
def test_a_passage_the_paragraph_does_not_contain_is_refused(draft, paragraph, citizen, exact):
    with pytest.raises(ActionRefused) as refused:
        services.comment_create(
            user=citizen, paragraph=paragraph, body="Genau.", quote=Quote(exact)
        )
    assert refused.value.code == "invalid" and refused.value.field == "quote"
    assert not Comment.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_websocket_comment_takes_a_quote_and_broadcasts_it(draft, paragraph, citizen):
    author, *_ = await connect(draft.slug, citizen)
    await receive(author)
    base = {"action": "comment", "paragraph": str(paragraph.key), "body": "Ja", "parent": None}
    quote = {"exact": "Bürger", "prefix": "Bürgerinnen und ", "suffix": ", die"}
    await author.send_to(text_data=json.dumps({**base, "quote": quote, "request_id": "q"}))
    ack = await receive_type(author, "ack")
    stored = ack["comment"]["quote"]
    assert stored["exact"] == "Bürger" and stored["anchored"] is True
    # the second "Bürger" (after "Bürgerinnen und "), not the one inside "Bürgerinnen"
    assert stored["prefix"].endswith("Bürgerinnen und ") and stored["suffix"].startswith(", die")
    created = await receive_type(author, "comment.created")
    assert created["comment"]["quote"] == stored

    await author.send_to(
        text_data=json.dumps({**base, "quote": {"exact": "nicht drin"}, "request_id": "x"})
    )
    error = await receive_type(author, "error")
    assert (error["request_id"], error["code"]) == ("x", "invalid")

    await author.send_to(text_data=json.dumps({**base, "quote": "Bürger", "request_id": "b"}))
    error = await receive_type(author, "error")
    assert (error["request_id"], error["code"]) == ("b", "bad_message")

    await author.send_to(text_data=json.dumps({**base, "request_id": "n"}))
    ack = await receive_type(author, "ack")
    assert ack["comment"]["quote"] is None
    await author.disconnect()


def test_plain_form_takes_a_quote_and_the_thread_lists_it(client, draft, paragraph, citizen):
    client.force_login(citizen)
    url = reverse("comment_post", args=[draft.slug, paragraph.key])
    response = client.post(
        url, {"body": "Schön gesagt", "quote": "  Engagement ihrer\nBürgerinnen "}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.quote_exact == "Engagement ihrer Bürgerinnen"
    page = client.get(f"{draft.get_absolute_url()}?thread={paragraph.key}").content.decode()
    assert 'class="comment__quote"' in page and ">Engagement ihrer Bürgerinnen</a>" in page
    # the form offers the paragraph's sentences to pick from
    assert f'<datalist id="sentences-{paragraph.key}"><option value="{SENTENCE}">' in page


def test_plain_form_shows_a_refused_quote_next_to_the_field(client, draft, paragraph, citizen):
    client.force_login(citizen)
    url = reverse("comment_post", args=[draft.slug, paragraph.key])
    response = client.post(url, {"body": "Schön gesagt", "quote": "Nicht im Absatz"})
    assert response.status_code == 400
    assert "enthält die zitierte Stelle nicht" in response.content.decode()
    assert not Comment.objects.exists()


def test_api_and_exports_carry_the_quote(client, draft, paragraph, citizen):
    services.comment_create(user=citizen, paragraph=paragraph, body="Mit", quote=Quote(PASSAGE))
    services.comment_create(user=citizen, paragraph=paragraph, body="Ohne")
    api = client.get(f"/api/drafts/{draft.slug}/comments/").json()
    assert [c["quote"] and c["quote"]["exact"] for c in api] == [PASSAGE, None]
    assert set(api[0]["quote"]) == {"exact", "prefix", "suffix", "anchored"}
    rows = list(export_rows(draft=draft))
    assert [(r["quote"], r["quote_anchored"]) for r in rows] == [(PASSAGE, True), ("", None)]


def publish(draft, wg, text):
    draft_publish_version(draft=draft, text=text, message="Neu", user=wg)


def test_a_new_version_reanchors_kept_moved_and_lost_quotes(client, draft, paragraph, citizen, wg):
    kept = services.comment_create(
        user=citizen, paragraph=paragraph, body="a", quote=Quote("ihr Viertel")
    )
    lost = services.comment_create(
        user=citizen, paragraph=paragraph, body="b", quote=Quote("lebt vom Engagement")
    )
    edited = SENTENCE.replace("lebt vom Engagement", "gewinnt durch die Mitwirkung")
    edited = "Heute gilt: " + edited
    publish(draft, wg, DRAFT_TEXT.replace(SENTENCE, edited))
    kept.refresh_from_db(), lost.refresh_from_db()
    paragraph.refresh_from_db()
    assert paragraph.text == edited  # the same key: an edited paragraph
    assert kept.quote_anchored
    assert paragraph.text[kept.quote_start : kept.quote_end] == "ihr Viertel"
    assert not lost.quote_anchored and lost.quote_start is None
    assert lost.quote_lost_text == SENTENCE

    api = {c["id"]: c for c in client.get(f"/api/drafts/{draft.slug}/comments/").json()}
    assert api[lost.pk]["quote"]["anchored"] is False and api[kept.pk]["quote"]["anchored"]
    page = client.get(f"{draft.get_absolute_url()}?thread={paragraph.key}").content.decode()
    assert page.count("Die zitierte Stelle wurde geändert") == 1
    assert "<del" in page and "lebt vom Engagement" in page and "<ins" in page

    # Back to the first text: the lost passage is there again, and anchored again.
    publish(draft, wg, DRAFT_TEXT)
    lost.refresh_from_db()
    assert lost.quote_anchored and lost.quote_lost_text == ""
    assert SENTENCE[lost.quote_start : lost.quote_end] == "lebt vom Engagement"


def test_a_quote_on_a_removed_paragraph_is_not_anchored(draft, paragraph, citizen, wg):
    comment = services.comment_create(
        user=citizen, paragraph=paragraph, body="a", quote=Quote("ihr Viertel")
    )
    publish(draft, wg, DRAFT_TEXT.replace(SENTENCE, ""))
    comment.refresh_from_db()
    assert comment.paragraph.archived and not comment.quote_anchored
    assert comment.quote_lost_text == SENTENCE


def test_a_quote_follows_its_paragraph_to_the_successor_that_rewrote_it(
    client, draft, paragraph, citizen, wg
):
    comment = services.comment_create(
        user=citizen, paragraph=paragraph, body="a", quote=Quote("ihr Viertel")
    )
    rewrite = "Neu gefasst: Wer ihr Viertel gestalten will, findet bei der Stadt jede Hilfe."
    publish(draft, wg, DRAFT_TEXT.replace(SENTENCE, rewrite))
    paragraph.refresh_from_db()
    successor = paragraph.current
    assert paragraph.archived and successor is not None and successor.text == rewrite
    comment.refresh_from_db()
    assert comment.quote_anchored and comment.quote_in == successor.key
    assert rewrite[comment.quote_start : comment.quote_end] == "ihr Viertel"
    api = client.get(f"/api/drafts/{draft.slug}/comments/").json()
    assert [c["quote"]["anchored"] for c in api if c["id"] == comment.pk] == [True]
