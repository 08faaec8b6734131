"""The moderation queue live between two moderators, and the double-decision race."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from comments import services
from comments.models import Comment
from comments.moderation import services as moderation
from comments.moderation.models import ModerationAction
from deliberation.asgi import application
from deliberation.hub import get_hub
from tests.races import at_once

pytestmark = pytest.mark.django_db(transaction=True)


async def queue_socket(user):
    communicator = WebsocketCommunicator(
        application, "/ws/moderation/", headers=[(b"origin", b"http://localhost")]
    )
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


async def next_of(communicator, kind):
    while True:
        message = json.loads(await communicator.receive_from(timeout=3))
        if message["type"] == kind:
            return message


async def test_queue_updates_live_between_two_moderators(pre_draft, citizen, moderator, make_user):
    other = await sync_to_async(make_user)("mod2", role="moderator")
    first, _ = await queue_socket(moderator)
    second, _ = await queue_socket(other)
    await next_of(first, "hello"), await next_of(second, "hello")
    paragraph = await sync_to_async(lambda: pre_draft.paragraphs.exclude(kind="heading").first())()
    comment = await sync_to_async(services.comment_create)(
        user=citizen, paragraph=paragraph, body="Neu in der Warteschlange"
    )
    for socket in (first, second):
        pending = await next_of(socket, "comment.pending")
        assert pending["comment"]["id"] == comment.pk and pending["draft"] == pre_draft.slug
    await sync_to_async(moderation.comment_release)(moderator=moderator, comment=comment)
    decided = await next_of(second, "moderation.decided")
    assert decided == {
        "type": "moderation.decided",
        "draft": pre_draft.slug,
        "comment": comment.pk,
        "action": "release",
        "status": "published",
        "by": "mod",
    }
    await first.disconnect(), await second.disconnect()


async def test_queue_socket_refuses_citizens(citizen):
    _, connected = await queue_socket(citizen)
    assert not connected


def test_double_decision_race_exactly_one_wins(pre_draft, citizen, moderator, make_user):
    other = make_user("mod2", role="moderator")
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Wer entscheidet?")
    outcomes = at_once(
        lambda: moderation.comment_release(moderator=moderator, comment=comment),
        lambda: moderation.comment_reject(moderator=other, comment=comment, reason="spam"),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert ModerationAction.objects.count() == 1
    assert Comment.objects.get(pk=comment.pk).status in ("published", "rejected")


async def test_queue_socket_joins_before_it_says_hello(pre_draft, citizen, moderator, monkeypatch):
    """The page reloads the queue on hello: anything after hello must come as an event."""
    hub, joined = get_hub(), asyncio.Event()
    join = hub.subscribe

    async def held_join(stream, socket):
        await joined.wait()
        await join(stream, socket)

    monkeypatch.setattr(hub, "subscribe", held_join)
    socket, connected = await queue_socket(moderator)
    assert connected
    assert await socket.receive_nothing(timeout=0.3), "no hello while not listening yet"
    joined.set()
    await next_of(socket, "hello")
    paragraph = await sync_to_async(lambda: pre_draft.paragraphs.exclude(kind="heading").first())()
    comment = await sync_to_async(services.comment_create)(
        user=citizen, paragraph=paragraph, body="direkt nach hello"
    )
    assert (await next_of(socket, "comment.pending"))["comment"]["id"] == comment.pk
    await socket.disconnect()
