"""Writes no page can show are refused in every write path: headings, and a closed record."""

import json

import pytest
from asgiref.sync import sync_to_async

from comments import services
from comments.models import Comment, ParagraphVote
from deliberation.confirming import CONFIRM_FIELD
from deliberation.errors import ActionRefused
from drafts.services import draft_close
from tests.comments.sockets import connect, receive_type


@pytest.fixture
def heading(draft):
    return draft.paragraphs.filter(kind="heading").order_by("position").first()


@pytest.mark.django_db
@pytest.mark.parametrize("write", ["comment", "vote"])
def test_the_services_refuse_headings(heading, citizen, write):
    with pytest.raises(ActionRefused) as info:
        if write == "comment":
            services.comment_create(user=citizen, paragraph=heading, body="Zur Überschrift")
        else:
            services.vote_cast(user=citizen, paragraph=heading, choice="agree")
    assert info.value.code == "invalid" and "Überschrift" in info.value.message
    assert not Comment.objects.exists() and not ParagraphVote.objects.exists()


@pytest.mark.django_db
def test_forms_refuse_headings_with_the_reason(draft, heading, citizen, login):
    client = login(citizen)
    page = client.post(
        f"/drafts/{draft.slug}/p/{heading.key}/comment/", {"body": "Zur Überschrift"}, follow=True
    )
    assert "Überschriften" in page.content.decode()
    page = client.post(
        f"/drafts/{draft.slug}/p/{heading.key}/vote/", {"choice": "agree"}, follow=True
    )
    assert "Überschriften" in page.content.decode()
    assert not Comment.objects.exists() and not ParagraphVote.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_the_websocket_refuses_headings(draft, heading, citizen):
    socket, *_ = await connect(draft.slug, citizen, query="?lang=en")
    await receive_type(socket, "hello")
    for frame in (
        {"action": "comment", "paragraph": str(heading.key), "body": "x", "parent": None},
        {"action": "vote", "paragraph": str(heading.key), "choice": "agree"},
    ):
        await socket.send_to(text_data=json.dumps({**frame, "request_id": frame["action"]}))
        error = await receive_type(socket, "error")
        assert error["code"] == "invalid" and "Headings" in error["message"]
    assert not await sync_to_async(Comment.objects.exists)()
    await socket.disconnect()


@pytest.mark.django_db
def test_own_comment_cannot_be_deleted_once_the_consultation_closed(
    draft, paragraph, citizen, login
):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Bleibt stehen")
    draft_close(draft=draft)
    with pytest.raises(ActionRefused) as info:
        services.comment_delete(user=citizen, comment=comment)
    assert info.value.code == "closed"
    client = login(citizen)
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    assert "eingefroren" in page and f"/comments/{comment.pk}/delete/" not in page
    page = client.post(
        f"/drafts/{draft.slug}/comments/{comment.pk}/delete/",
        {CONFIRM_FIELD: "yes"},
        follow=True,
    ).content.decode()
    assert "eingefroren" in page
    comment.refresh_from_db()
    assert comment.status == "published" and comment.body == "Bleibt stehen"
