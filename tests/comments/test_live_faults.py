"""The live layer under faults: a Redis restart, an idle Redis, hostile frames, lost events."""

import asyncio
import json

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError

from comments import services, voting
from comments.moderation.models import Flag
from deliberation import events
from deliberation.hub import get_hub
from tests.comments.sockets import (
    connect,
    next_of,
    open_socket,
    receive,
    receive_type,
    session_cookie,
)
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
async def test_the_first_sockets_and_votes_after_a_redis_restart_are_served(
    draft, paragraph, citizen, tmp_path
):
    """Pooled connections to the Redis that went away are stale: the first command on each
    failed, so the first handshakes after a restart got HTTP 500 or 1011 and the first writes
    `unavailable`. They are tried again on a fresh connection (redis-py's retry)."""
    log = tmp_path / "daphne.log"
    cookie = await sync_to_async(session_cookie)(citizen)
    with redis_server() as redis, daphne(REDIS_URL=redis.url, log=log) as (server,):
        for _ in range(3):  # connections in the pools of the layer, the hub and the cache
            warm = await open_socket(server, draft.slug, cookie)
            await next_of(warm, "hello")
            await warm.send(vote(paragraph, "agree"))
            await next_of(warm, "ack")
            await warm.close()
        redis.restart()
        await asyncio.sleep(0.5)
        for choice in ("disagree", "neutral", "agree"):
            socket = await open_socket(server, draft.slug, cookie)
            await next_of(socket, "hello")
            await socket.send(vote(paragraph, choice))
            answer = json.loads(await socket.recv())
            while answer["type"] not in ("ack", "error"):
                answer = json.loads(await socket.recv())
            assert answer["type"] == "ack", answer
            await socket.close()
    assert "Exception inside application" not in log.read_text()


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

    monkeypatch.setattr(voting, "vote_cast_at", fail)
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
    assert beat == {"type": "heartbeat", "seq": hello["seq"] + 1, "votes": 0}
    await reader.disconnect()


def test_control_characters_in_forms_are_dropped_not_stored(
    client, draft, paragraph, citizen, other_citizen, moderator
):
    """PostgreSQL refuses a NUL in text (a 500 there); every path stores the cleaned text."""
    from comments.models import Comment
    from comments.moderation.models import UserBlock

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


# Resume ------------------------------------------------------------------------------------


async def replay(socket, since):
    """The frames a `resume` sends before its ack (or the error instead)."""
    while not await socket.receive_nothing(timeout=0.3):  # the live events are not the replay
        await socket.receive_from()
    await socket.send_to(text_data=json.dumps({"action": "resume", "since": since}))
    frames = []
    while True:
        frame = await receive(socket)
        if frame["type"] in ("ack", "error"):
            return frames, frame
        if frame["type"] not in ("presence", "heartbeat"):
            frames.append(frame)


async def test_a_replay_shows_comments_as_they_are_now(
    draft, paragraph, citizen, other_citizen, moderator
):
    from comments.moderation import services as moderation
    from deliberation.accounts.services import account_delete

    def write():
        edited = services.comment_create(user=citizen, paragraph=paragraph, body="Vorher")
        services.comment_edit(user=citizen, comment=edited, body="Nachher")
        hidden = services.comment_create(user=citizen, paragraph=paragraph, body="Verborgen")
        moderation.comment_hide(moderator=moderator, comment=hidden, reason="spam")
        withdrawn = services.comment_create(user=citizen, paragraph=paragraph, body="Zurück")
        services.comment_delete(user=citizen, comment=withdrawn)
        services.comment_create(user=other_citizen, paragraph=paragraph, body="Von Bernd")
        account_delete(user=other_citizen)

    reader, *_ = await connect(draft.slug, AnonymousUser())
    since = (await receive_type(reader, "hello"))["seq"]
    await sync_to_async(write)()
    frames, ack = await replay(reader, since)
    assert ack["type"] == "ack" and ack["replayed"] == len(frames)
    replayed = json.dumps(frames, ensure_ascii=False)
    # A deleted account's comments go like a deleted comment: text and name.
    for gone in ("Vorher", "Verborgen", "Zurück", "bernd", "Von Bernd"):
        assert gone not in replayed
    assert "Nachher" in replayed
    created = [f["comment"] for f in frames if f["type"] == "comment.created"]
    assert [c["status"] for c in created] == ["published", "hidden", "deleted", "deleted"]
    assert [f["seq"] for f in frames] == list(range(since + 1, since + 1 + len(frames)))
    await reader.disconnect()


async def test_a_long_replay_is_a_resync_and_replays_count_against_the_limit(
    draft, paragraph, citizen, settings, monkeypatch
):
    from comments import consumers

    monkeypatch.setattr(events, "REPLAY_LIMIT", 3, raising=False)
    monkeypatch.setattr(
        consumers, "REPLAY_PER_TOKEN", 1, raising=False
    )  # each replayed event costs a frame
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "socket": 1}  # (next to) no refill

    def votes():  # four logged events (votes are not logged: they are coalesced)
        for number in range(4):
            services.comment_create(user=citizen, paragraph=paragraph, body=f"Nummer {number}")

    reader, *_ = await connect(draft.slug, AnonymousUser())
    hello = await receive_type(reader, "hello")
    await sync_to_async(votes)()
    latest = hello["seq"] + 4
    frames, ack = await replay(reader, latest - 4)
    assert [f["type"] for f in frames] == ["resync"] and ack["replayed"] == 0
    answers = [await replay(reader, latest - 3) for _ in range(6)]
    # 20 frames at once: the first resync took 1; each replay of 3 events takes 4.
    assert [len(frames) for frames, _ in answers] == [3, 3, 3, 3, 0, 0]
    assert [ack.get("code") for _, ack in answers][4:] == ["rate_limited", "rate_limited"]
    await reader.disconnect()


@pytest.mark.slow
async def test_a_message_over_one_mebibyte_is_closed_with_1009(draft):
    with daphne() as (server,):
        socket = await open_socket(server, draft.slug)
        await next_of(socket, "hello")
        await socket.send("x" * (1024 * 1024 + 1))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                while True:
                    await socket.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


@pytest.mark.parametrize(
    "url",
    [
        "/moderation/?draft=a%00b&reason=a%00",
        "/moderation/log/?actor=a%00b&action=a%00&draft=x%00",
        "/moderation/log.csv?actor=a%00b&action=a%00&draft=x%00",
        "/api/drafts/leitlinien/comments/?q=a%00b&paragraph=a%00b",
        "/api/drafts/leitlinien/comments/?since=a%00b",
        "/drafts/leitlinien/?version=a%00&thread=a%00",
        "/drafts/leitlinien/answers/table/?paragraph=a%00",
        "/drafts/leitlinien/contributions/new/?rows=%00&session=%00",
    ],
)
def test_a_nul_in_a_query_is_never_a_server_error(client, draft, moderator, wg, url):
    """On PostgreSQL a NUL that reaches a query is an error; every filter cleans its text."""
    wg.groups.add(*moderator.groups.all())
    client.force_login(wg)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code < 500
    if response.streaming:
        b"".join(response.streaming_content)
