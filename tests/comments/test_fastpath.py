"""The fan-out fast path (deliberation.fastpath) with real Daphne: same frames as the ASGI send,
and the plain ASGI send whenever the fast path is not there."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async

from deliberation import fastpath
from deliberation.models import Event
from tests.comments.sockets import next_of, open_socket, session_cookie
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

READERS = 12
COMMENTS = 3


async def raw_frames_of(socket, kind: str, count: int) -> list[str]:
    """The next `count` frames of type `kind`, as the exact text that arrived."""
    frames = []
    async with asyncio.timeout(10):
        while len(frames) < count:
            text = await socket.recv()
            if json.loads(text)["type"] == kind:
                frames.append(text)
    return frames


@pytest.mark.parametrize(
    ("module", "fast"), [("deliberation.fastpath", True), ("daphne", False)], ids=["fast", "plain"]
)
async def test_every_reader_gets_the_event_exactly_as_logged(
    draft, paragraph, citizen, tmp_path, module, fast
):
    cookie = await sync_to_async(session_cookie)(citizen)
    log = tmp_path / "daphne.log"
    with daphne(log=log, module=module) as (server,):
        author = await open_socket(server, draft.slug, cookie)
        readers = [await open_socket(server, draft.slug) for _ in range(READERS)]
        for socket in (author, *readers):
            await next_of(socket, "hello")
        # Comments sent back to back: later frames meet sockets with data still buffered, so
        # both ways of the fast path (written at once, or behind what waits) are taken.
        for number in range(COMMENTS):
            await author.send(
                json.dumps(
                    {
                        "action": "comment",
                        "paragraph": str(paragraph.key),
                        "body": f"Kommentar {number} " + "ä" * 3000,
                        "parent": None,
                        "request_id": number,
                    }
                )
            )
        received = [await raw_frames_of(socket, "comment.created", COMMENTS) for socket in readers]
        for socket in (author, *readers):
            await socket.close()
    logged = await sync_to_async(list)(
        Event.objects.filter(type="comment.created").order_by("seq").values_list("text", flat=True)
    )
    assert len(logged) == COMMENTS
    assert all(frames == logged for frames in received)
    said = log.read_text()
    assert ("live fast path on" in said) is fast


def test_untested_versions_turn_the_fast_path_off():
    assert fastpath.unavailable_reason(dict(fastpath.TESTED_WITH)) is None
    reason = fastpath.unavailable_reason({**fastpath.TESTED_WITH, "autobahn": "99.0"})
    assert "autobahn 99.0" in reason


def test_a_scope_without_the_extension_has_no_fast_path():
    assert fastpath.sender({"type": "websocket"}) is None
    assert (
        fastpath.sender({"type": "websocket", "extensions": {"websocket.http.response": {}}})
        is None
    )


def test_a_closed_connection_is_left_to_the_asgi_send():
    """A sender whose connection is gone answers False (the consumer then uses the ASGI send)."""

    class Gone:
        connections: dict = {}

    frame = fastpath.Frame('{"type": "presence"}')
    assert fastpath.Sender(Gone(), object()).send(frame) is False
