"""The fan-out fast path (deliberation.fastpath) with real Daphne: same frames as the ASGI send,
and the plain ASGI send whenever the fast path is not there."""

import asyncio
import base64
import json
import os
import re
import socket

import pytest
from asgiref.sync import sync_to_async

from deliberation import fastpath
from deliberation.models import Event
from tests.comments.sockets import next_of, open_socket, session_cookie
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

READERS = 12
COMMENTS = 3
SLOW_COMMENTS = 20  # 10 KB each
REPLAYS = 16  # of all of them: 3.2 MB, more than the kernel holds for a reader that reads nothing


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
        # Comments sent back to back (the way behind buffered data: the test after this one).
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
        await raw_frames_of(author, "ack", COMMENTS)  # answered before the server stops
        for socket in (author, *readers):
            await socket.close()
    logged = await sync_to_async(list)(
        Event.objects.filter(type="comment.created").order_by("seq").values_list("text", flat=True)
    )
    assert len(logged) == COMMENTS
    assert all(frames == logged for frames in received)
    said = log.read_text()
    assert ("live fast path on" in said) is fast
    if fast:
        # Said when the server stopped: every frame of the fan-out took the fast path.
        at_once, behind, aside = (
            int(n) for n in re.search(r"live fast path: (\d+) .*?(\d+) .*?(\d+)", said).groups()
        )
        # The author's frames too, and the acks of its comments (answers take the fast path).
        assert at_once + behind == READERS * COMMENTS + 2 * COMMENTS
        assert at_once > 0
        assert aside == 0


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


class StalledReader:
    """A websocket client that reads nothing after its handshake until `frames` is called, with
    a small receive buffer: the server's frames fill the kernel's buffers, then Twisted's."""

    def __init__(self, server: str, slug: str) -> None:
        host, port = server.split(":")
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect
        self.sock.settimeout(10)
        self.sock.connect((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /ws/drafts/{slug}/ HTTP/1.1\r\nHost: {server}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://{server}\r\n\r\n"
            ).encode()
        )
        self.data = b""
        while b"\r\n\r\n" not in self.data:
            self.data += self.sock.recv(4096)
        head, _, self.data = self.data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101")

    def send(self, message: dict) -> None:
        """One text frame, masked as a client's must be."""
        payload, mask = json.dumps(message).encode(), os.urandom(4)
        assert len(payload) < 126
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)

    def frames(self, kind: str, count: int) -> list[str]:
        """Read on until `count` text frames of type `kind` came; their texts."""
        found = []
        while len(found) < count:
            text = self._next_text()
            if json.loads(text)["type"] == kind:
                found.append(text)
        return found

    def _next_text(self) -> str:
        header = self._take(2)
        length = header[1] & 0x7F  # a server's frames are not masked
        if length == 126:
            length = int.from_bytes(self._take(2), "big")
        elif length == 127:
            length = int.from_bytes(self._take(8), "big")
        payload = self._take(length)
        assert header[0] == 0x81  # one whole text frame (autobahn does not fragment here)
        return payload.decode()

    def _take(self, size: int) -> bytes:
        while len(self.data) < size:
            chunk = self.sock.recv(65536)
            assert chunk, "the server closed the connection"
            self.data += chunk
        taken, self.data = self.data[:size], self.data[size:]
        return taken


async def test_a_reader_that_stops_reading_gets_every_frame_in_order_afterwards(
    draft, paragraph, citizen, tmp_path
):
    """Frames for a reader whose TCP buffers are full queue behind what Twisted holds (the fast
    path's second way), and arrive in order, exactly as logged, once it reads again."""
    cookie = await sync_to_async(session_cookie)(citizen)
    log = tmp_path / "daphne.log"
    limits = {"RATE_LIMIT_COMMENTS": "1000", "RATE_LIMIT_SOCKET_FRAMES": "100000"}

    async def comment(number: int) -> None:
        body = f"Kommentar {number} " + "ä" * 4000
        await author.send(
            json.dumps(
                {
                    "action": "comment",
                    "paragraph": str(paragraph.key),
                    "body": body,
                    "parent": None,
                    "request_id": number,
                }
            )
        )
        await next_of(author, "ack", timeout=10)

    with daphne(log=log, **limits) as (server,):
        author = await open_socket(server, draft.slug, cookie)
        stalled = await asyncio.to_thread(StalledReader, server, draft.slug)
        await next_of(author, "hello")
        for number in range(SLOW_COMMENTS):
            await comment(number)
        # Each replay writes every comment again through the ASGI send: more than the kernel
        # takes for a reader that reads nothing, so Twisted keeps the rest.
        for _ in range(REPLAYS):
            await asyncio.to_thread(stalled.send, {"action": "resume", "since": 0})
        await asyncio.sleep(1)
        await comment(SLOW_COMMENTS)  # its frame finds the reader's transport holding data
        total = SLOW_COMMENTS * (1 + REPLAYS) + 1
        received = await asyncio.to_thread(stalled.frames, "comment.created", total)
        stalled.sock.close()
        await author.close()
    logged = await sync_to_async(list)(
        Event.objects.filter(type="comment.created").order_by("seq").values_list("text", flat=True)
    )
    assert received == logged[:-1] * (1 + REPLAYS) + logged[-1:]
    behind = int(re.search(r"live fast path: \d+ .*?(\d+) behind", log.read_text()).group(1))
    assert behind > 0
