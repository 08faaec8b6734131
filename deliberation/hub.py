"""One hub per process: subscribes once per stream, writes already-encoded text to local sockets.

A channel-layer group member per socket costs a queue, a task wake-up and a JSON encoding per
socket (see docs/ARCHITECTURE figures). Here each process joins a stream's group once, and every
event's text, encoded once by `events`, goes straight to each local socket.

Presence (how many read a draft now) is counted per process; with Redis each process writes its
count into a shared hash, so every process can sum them. It is sent at most once a second.
"""

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections import defaultdict
from typing import Protocol

from channels.layers import get_channel_layer
from django.conf import settings

from .events import encode, group_name

logger = logging.getLogger(__name__)

PRESENCE_INTERVAL = 1.0  # seconds: at most one presence frame per stream and second
PRESENCE_TTL = 30  # seconds: a process that stopped reporting no longer counts
YIELD_EVERY = 250  # sockets written before the loop may serve others
GROUP_REFRESH = 3600  # seconds: re-join groups well before channels_redis lets them expire


class Socket(Protocol):
    async def deliver(self, text: str) -> None: ...


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.process_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.sockets: dict[str, set[Socket]] = defaultdict(set)
        self.channel_name: str | None = None
        self.dirty: set[str] = set()
        self.sent_viewers: dict[str, int] = {}
        self._tasks: list[asyncio.Task] = []
        self._lock = asyncio.Lock()
        self._redis = None
        if getattr(settings, "REDIS_URL", ""):
            import redis.asyncio as redis_asyncio

            self._redis = redis_asyncio.from_url(settings.REDIS_URL)

    async def _start(self) -> None:
        if self.channel_name is None:
            # The default prefix matters: channels_redis serves every process-local channel from
            # one shared list per process, and only channels under that prefix are read from it.
            self.channel_name = await self.layer.new_channel()
            for coroutine in (self._receive_loop(), self._presence_loop(), self._refresh_loop()):
                self._tasks.append(asyncio.create_task(coroutine))

    async def subscribe(self, stream: str, socket: Socket) -> None:
        async with self._lock:
            await self._start()
            if not self.sockets[stream]:
                await self.layer.group_add(group_name(stream), self.channel_name)
            self.sockets[stream].add(socket)
        self.dirty.add(stream)

    async def unsubscribe(self, stream: str, socket: Socket) -> None:
        async with self._lock:
            sockets = self.sockets.get(stream)
            if not sockets or socket not in sockets:
                return
            sockets.discard(socket)
            if not sockets:
                del self.sockets[stream]
                with contextlib.suppress(Exception):
                    await self.layer.group_discard(group_name(stream), self.channel_name)
        self.dirty.add(stream)

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub could not receive; retrying")
                await asyncio.sleep(1)
                continue
            await self.fan_out(message.get("stream", ""), message.get("text", ""))

    async def fan_out(self, stream: str, text: str) -> None:
        for count, socket in enumerate(list(self.sockets.get(stream, ())), start=1):
            try:
                await socket.deliver(text)
            except Exception:
                logger.exception("could not deliver to a socket on %s", stream)
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let acks and handshakes through during a long fan-out

    # Presence -----------------------------------------------------------------------------

    def local_viewers(self, stream: str) -> int:
        return len(self.sockets.get(stream, ()))

    async def viewers(self, stream: str) -> int:
        """Readers of `stream` in all processes (this one alone without Redis)."""
        if self._redis is None:
            return self.local_viewers(stream)
        now = time.time()
        key = f"presence:{stream}"
        await self._redis.hset(key, self.process_id, f"{self.local_viewers(stream)}:{now}")
        await self._redis.expire(key, PRESENCE_TTL)
        total, stale = 0, []
        for field, value in (await self._redis.hgetall(key)).items():
            count, _, stamp = value.decode().partition(":")
            if now - float(stamp) < PRESENCE_TTL:
                total += int(count)
            else:
                stale.append(field)  # a process that stopped without saying goodbye
        if stale:
            await self._redis.hdel(key, *stale)
        return total

    async def _presence_loop(self) -> None:
        last_report = 0.0
        while True:
            await asyncio.sleep(PRESENCE_INTERVAL)
            # Every few seconds report all streams, so other processes' sums stay fresh.
            if self._redis is not None and time.time() - last_report > PRESENCE_TTL / 3:
                self.dirty.update(self.sockets)
                last_report = time.time()
            dirty, self.dirty = self.dirty, set()
            for stream in dirty:
                if not stream.startswith("draft.") or stream.count(".") > 1:
                    continue  # only a draft's public stream carries presence
                try:
                    viewers = await self.viewers(stream)
                    if self.sent_viewers.get(stream) == viewers:
                        continue  # unchanged: a frame to every reader would say nothing new
                    self.sent_viewers[stream] = viewers
                    text = encode({"type": "presence", "viewers": viewers})
                    await self.layer.group_send(
                        group_name(stream), {"type": "hub.event", "stream": stream, "text": text}
                    )
                except Exception:
                    logger.exception("could not send presence on %s", stream)

    async def _refresh_loop(self) -> None:
        while True:
            await asyncio.sleep(GROUP_REFRESH)
            for stream in list(self.sockets):
                with contextlib.suppress(Exception):
                    await self.layer.group_add(group_name(stream), self.channel_name)


_hubs: dict[int, Hub] = {}


def get_hub() -> Hub:
    """The hub of the running event loop (one per process in Daphne; one per test loop in tests)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub.layer is not get_channel_layer():
        hub = _hubs[id(loop)] = Hub()
    return hub
