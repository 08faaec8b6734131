"""The websocket's `similar` action end to end: a real Daphne process, a real websocket client."""

import json

import pytest
from asgiref.sync import sync_to_async

from comments import services
from comments.models import CommentStatus
from tests.comments.sockets import next_of, open_socket, session_cookie
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ALIKE = "Der Radweg an der Hauptstraße ist zu schmal und gefährlich für Kinder."
UNLIKE = "Die Öffnungszeiten der Bibliothek sollten am Samstag länger sein."
HELD_BACK = "Der Radweg an der Hauptstraße ist viel zu schmal, gefährlich für Kinder!"


def _write(user, paragraph, body, status=None):
    comment = services.comment_create(user=user, paragraph=paragraph, body=body)
    if status:
        comment.status = status
        comment.save(update_fields=["status"])
    return comment


async def test_similar_answers_anonymous_and_citizens_with_published_alike_ones_first(
    draft, paragraph, citizen, other_citizen
):
    write = sync_to_async(_write)
    unlike = await write(citizen, paragraph, UNLIKE)
    alike = await write(other_citizen, paragraph, ALIKE)
    pending = await write(citizen, paragraph, HELD_BACK, CommentStatus.PENDING)
    await sync_to_async(services.comment_support)(user=citizen, comment=alike, on=True)
    cookie = await sync_to_async(session_cookie)(citizen)
    frame = {
        "action": "similar",
        "paragraph": str(paragraph.key),
        "body": "Radwege an der Hauptstraße sind zu schmal",
        "request_id": "s1",
    }
    with daphne() as (server,):
        for socket, supported in (
            (await open_socket(server, draft.slug), False),
            (await open_socket(server, draft.slug, cookie), True),
        ):
            await next_of(socket, "hello")
            await socket.send(json.dumps(frame))
            ack = await next_of(socket, "ack")
            assert ack["request_id"] == "s1"
            ids = [item["id"] for item in ack["similar"]]
            assert ids[0] == alike.pk, "the alike one first"
            assert pending.pk not in ids, "never what is not published"
            assert unlike.pk not in ids, "an unrelated text is not offered"
            assert ack["similar"][0] == {
                "id": alike.pk,
                "body_html": alike.body_html,
                "supports": 1,
                "supported": supported,
            }, "the citizen who supports it sees so; an anonymous reader never does"
            for key in (1, "not-a-uuid"):
                await socket.send(json.dumps({"action": "similar", "paragraph": key, "body": "x"}))
                assert (await next_of(socket, "error"))["code"] == "bad_message", key
            await socket.close()
        # Its author is never offered their own comment: they could not support it.
        author = await open_socket(
            server, draft.slug, await sync_to_async(session_cookie)(other_citizen)
        )
        await next_of(author, "hello")
        await author.send(json.dumps(frame))
        assert alike.pk not in [item["id"] for item in (await next_of(author, "ack"))["similar"]]
        await author.close()


async def test_similar_frames_are_rate_limited_like_every_frame(draft, paragraph, settings):
    from tests.comments.sockets import connect, receive_type

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "socket": 1}  # no refill to speak of
    socket, *_ = await connect(draft.slug)  # anonymous
    await receive_type(socket, "hello")
    frame = {"action": "similar", "paragraph": str(paragraph.key), "body": "Radweg zu schmal"}
    answers = []
    for n in range(25):
        await socket.send_to(text_data=json.dumps({**frame, "request_id": n}))
        answers.append(json.loads(await socket.receive_from(timeout=5)))
    assert [a["type"] for a in answers[:20]] == ["ack"] * 20, "a burst of 20"
    assert {a["code"] for a in answers[20:]} == {"rate_limited"}
    await socket.disconnect()
