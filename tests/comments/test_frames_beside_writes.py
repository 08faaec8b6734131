"""A socket's frame reaches its handler without waiting for the database thread: while that
thread writes a group of votes, a frame that needs no database is answered at once (channels'
own dispatch queued a connection check there before every frame; comments/consumers.py)."""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async

from tests.comments.sockets import connect, receive_type

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_a_frame_is_answered_while_the_database_thread_is_busy(draft, citizen):
    socket, connected, _ = await connect(draft.slug, citizen)
    assert connected
    await receive_type(socket, "hello")
    release = threading.Event()
    busy = asyncio.ensure_future(database_sync_to_async(release.wait)(30))
    try:
        await socket.send_to(text_data="[]")  # not an object: refused without the database
        error = await receive_type(socket, "error", timeout=10)
    finally:
        release.set()
        await busy
    assert error["code"] == "bad_message"
    await socket.disconnect()
