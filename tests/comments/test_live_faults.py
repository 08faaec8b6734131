"""The live layer under faults: a Redis restart, an idle Redis, hostile frames, lost events."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError

from comments import services
from comments.models import Flag
from deliberation import events
from deliberation.hub import get_hub
from tests.comments.test_consumers import connect, receive_type
from tests.comments.test_live_daphne import next_of, open_socket, session_cookie
from tests.servers import daphne, redis_server

pytestmark = [pytest.mark.django_db(transaction=True)]


def vote(paragraph, choice):
    return json.dumps({"action": "vote", "paragraph": str(paragraph.key), "choice": choice})


@pytest.mark.slow
async def test_readers_hear_writes_again_soon_after_redis_restarts(draft, paragraph, citizen):
    cookie = await sync_to_async(session_cookie)(citizen)
    with redis_server() as redis, daphne(REDIS_URL=redis.url) as (server,):
        voter = await open_socket(server, draft.slug, cookie)
        reader = await open_socket(server, draft.slug)
        await next_of(voter, "hello"), await next_of(reader, "hello")
        await voter.send(vote(paragraph, "agree"))
        await next_of(reader, "votes.changed")
        redis.restart()  # every group membership is gone with it
        # Vote once a second until the reader hears one live: the hub must join again by itself.
        choices = ["disagree", "agree"]
        heard = None
        for attempt in range(30):
            await voter.send(vote(paragraph, choices[attempt % 2]))
            try:
                heard = await next_of(reader, "votes.changed", timeout=1)
                break
            except TimeoutError:
                continue
        assert heard is not None, "no live event reached the reader after Redis restarted"
        await voter.close(), await reader.close()


@pytest.mark.slow
async def test_an_idle_process_on_redis_logs_nothing(draft, paragraph, citizen, tmp_path):
    log = tmp_path / "daphne.log"
    cookie = await sync_to_async(session_cookie)(citizen)
    with redis_server() as redis, daphne(log=log, REDIS_URL=redis.url) as (server,):
        voter = await open_socket(server, draft.slug, cookie)
        reader = await open_socket(server, draft.slug)
        await next_of(voter, "hello"), await next_of(reader, "hello")
        await asyncio.sleep(12)  # idle: longer than Redis' blocking pop and the socket timeout
        await voter.send(vote(paragraph, "agree"))
        assert (await next_of(reader, "votes.changed"))["counts"]["agree"] == 1
        await voter.close(), await reader.close()
    assert "could not receive" not in log.read_text()


# A consumer that raises --------------------------------------------------------------------


def hostile_frames(paragraph):
    frames = [
        ("[" * 5000 + "]" * 5000, "bad_message"),  # deeper than the JSON parser goes
        # A lone surrogate is no character: in a body, and in a request_id that would be echoed.
        (
            '{"action": "comment", "paragraph": "KEY", "body": "a\\ud800", "parent": null}',
            "bad_message",
        ),
        ('{"action": "vote", "request_id": "\\udfff", "paragraph": "KEY"}', "bad_message"),
        ('{"action": "resume", "since": 0, "x": ' + "[" * 3000 + "]" * 3000 + "}", "bad_message"),
    ]
    return [(frame.replace("KEY", str(paragraph.key)), code) for frame, code in frames]


async def test_hostile_frames_are_refused_and_the_socket_lives(draft, paragraph, citizen):
    socket, *_ = await connect(draft.slug, citizen)
    await receive_type(socket, "hello")
    for frame, code in hostile_frames(paragraph):
        await socket.send_to(text_data=frame)
        assert (await receive_type(socket, "error"))["code"] == code
    await socket.send_to(text_data=json.dumps({"action": "resume", "since": 0, "request_id": 2}))
    assert (await receive_type(socket, "ack"))["request_id"] == 2  # still alive
    await socket.disconnect()
    assert get_hub().local_viewers(events.stream_name(draft)) == 0


async def test_a_nul_in_a_report_note_is_dropped(draft, paragraph, citizen, other_citizen):
    comment = await sync_to_async(services.comment_create)(
        user=other_citizen, paragraph=paragraph, body="Da"
    )
    socket, *_ = await connect(draft.slug, citizen)
    await receive_type(socket, "hello")
    frame = {"action": "flag", "comment": comment.pk, "reason": "other", "note": "a\x00b"}
    await socket.send_to(text_data=json.dumps(frame))
    await receive_type(socket, "ack")
    assert await sync_to_async(Flag.objects.values_list("note", flat=True).get)() == "ab"
    await socket.disconnect()


async def test_a_failing_database_gets_unavailable_and_the_socket_lives(
    draft, paragraph, citizen, monkeypatch
):
    socket, *_ = await connect(draft.slug, citizen, query="?lang=en")
    await receive_type(socket, "hello")

    def fail(**kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(services, "vote_cast", fail)
    await socket.send_to(text_data=vote(paragraph, "agree"))
    error = await receive_type(socket, "error")
    assert error["code"] == "unavailable" and "nothing was saved" in error["message"]
    monkeypatch.undo()
    await socket.send_to(text_data=vote(paragraph, "agree"))
    assert (await receive_type(socket, "ack"))["counts"]["agree"] == 1
    await socket.disconnect()


async def test_a_socket_whose_consumer_raises_leaves_the_hub(draft, monkeypatch):
    def fail(stream):
        raise OperationalError("the database went away")

    monkeypatch.setattr(events, "latest_seq", fail)  # fails after the socket joined the hub
    socket, *_ = await connect(draft.slug, AnonymousUser())
    with pytest.raises(OperationalError):
        await socket.receive_from()
    assert get_hub().local_viewers(events.stream_name(draft)) == 0


# Heartbeat ---------------------------------------------------------------------------------


async def test_a_heartbeat_tells_readers_of_an_event_whose_broadcast_was_lost(
    draft, paragraph, citizen, settings, monkeypatch
):
    settings.LIVE_HEARTBEAT = 0.2
    reader, *_ = await connect(draft.slug, AnonymousUser())
    hello = await receive_type(reader, "hello")
    monkeypatch.setattr(events, "send_now", lambda stream, text: None)  # lost after COMMIT
    await sync_to_async(services.comment_create)(user=citizen, paragraph=paragraph, body="Weg")
    beat = await receive_type(reader, "heartbeat")
    while beat["seq"] == hello["seq"]:  # a beat from before the comment
        beat = await receive_type(reader, "heartbeat")
    assert beat == {"type": "heartbeat", "seq": hello["seq"] + 1}
    await reader.disconnect()


def test_control_characters_in_forms_are_dropped_not_stored(
    client, draft, paragraph, citizen, other_citizen, moderator
):
    """PostgreSQL refuses a NUL in text (a 500 there); every path stores the cleaned text."""
    from comments.models import Comment, UserBlock

    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Da")
    client.force_login(other_citizen)
    client.post(
        f"/drafts/{draft.slug}/comments/{comment.pk}/report/", {"reason": "other", "note": "a\x00b"}
    )
    assert Flag.objects.get().note == "ab"
    client.force_login(moderator)
    response = client.post(
        f"/moderation/items/{comment.pk}/decide/",
        {"action": "hide", "reason": "other", "note": "c\x00d"},
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).moderation_note == "cd"
    response = client.post(
        f"/moderation/users/{citizen.pk}/block/",
        {"duration": "permanent", "justification": "e\x00f"},
    )
    assert response.status_code == 302
    assert UserBlock.objects.get().justification == "ef"
