"""The websocket protocol end to end: real Daphne processes, a real websocket client library."""

import asyncio
import json
import os

import pytest
import websockets
from asgiref.sync import sync_to_async

from tests.comments.sockets import next_of, open_socket, session_cookie
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


async def test_comment_reaches_every_reader_through_real_daphne(draft, paragraph, citizen):
    cookie = await sync_to_async(session_cookie)(citizen)
    with daphne() as (server,):
        author = await open_socket(server, draft.slug, cookie)
        reader = await open_socket(server, draft.slug)
        hello_author, hello_reader = await next_of(author, "hello"), await next_of(reader, "hello")
        assert hello_author["user"]["name"] == "anna" and hello_reader["user"] is None
        await author.send(
            json.dumps(
                {
                    "action": "comment",
                    "paragraph": str(paragraph.key),
                    "body": "Über Daphne",
                    "parent": None,
                    "request_id": 1,
                }
            )
        )
        created = await next_of(reader, "comment.created")
        assert created["comment"]["body_html"] == "<p>Über Daphne</p>"
        assert created["seq"] == (await next_of(author, "comment.created"))["seq"]
        await reader.send(
            json.dumps({"action": "vote", "paragraph": str(paragraph.key), "choice": "agree"})
        )
        assert (await next_of(reader, "error"))["code"] == "not_authenticated"
        await author.close(), await reader.close()


async def test_foreign_origin_is_refused_by_real_daphne(draft):
    with daphne() as (server,):
        with pytest.raises(websockets.exceptions.InvalidStatus) as info:
            await open_socket(server, draft.slug, origin="http://evil.example")
        assert info.value.response.status_code == 403


async def test_reconnecting_client_resumes_without_gaps(draft, paragraph, citizen):
    from comments import services

    with daphne() as (server,):
        reader = await open_socket(server, draft.slug)
        last = (await next_of(reader, "hello"))["seq"]
        await reader.close()
        for body in ("verpasst eins", "verpasst zwei"):
            await sync_to_async(services.comment_create)(
                user=citizen, paragraph=paragraph, body=body
            )
        reader = await open_socket(server, draft.slug)
        hello = await next_of(reader, "hello")
        assert hello["seq"] == last + 2
        await reader.send(json.dumps({"action": "resume", "since": last}))
        missed = [await next_of(reader, "comment.created") for _ in range(2)]
        assert [m["seq"] for m in missed] == [last + 1, last + 2]
        await reader.close()


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: runs in CI's PostgreSQL + Redis pass"
)
async def test_two_daphne_processes_behind_redis_behave_as_one(draft, paragraph, citizen):
    cookie = await sync_to_async(session_cookie)(citizen)
    with daphne(count=2, REDIS_URL=os.environ["REDIS_URL"]) as (server_a, server_b):
        author = await open_socket(server_a, draft.slug, cookie)
        reader = await open_socket(server_b, draft.slug)
        await next_of(author, "hello"), await next_of(reader, "hello")
        # Presence counts readers on both processes (sent at most once a second).
        async with asyncio.timeout(10):
            while (await next_of(reader, "presence", timeout=10))["viewers"] != 2:
                pass
        await author.send(
            json.dumps(
                {
                    "action": "comment",
                    "paragraph": str(paragraph.key),
                    "body": "Von A nach B",
                    "parent": None,
                }
            )
        )
        on_b = await next_of(reader, "comment.created")
        on_a = await next_of(author, "comment.created")
        assert on_b["comment"]["body_html"] == "<p>Von A nach B</p>"
        assert on_b["seq"] == on_a["seq"]
        await author.close(), await reader.close()
