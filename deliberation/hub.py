"""One hub per process: subscribes once per stream, writes already-encoded text to local sockets.

A channel-layer group member per socket costs a queue, a task wake-up and a JSON encoding per
socket (see docs/ARCHITECTURE figures). Here each process joins a stream's group once, and every
event's text, encoded once by `events`, goes straight to each local socket.

Presence (how many read a draft now) is counted per process; with Redis each process writes its
count into a shared hash, so every process can sum them. It is sent at most once a second.

Group memberships live in the channel layer (in Redis, with several processes) and vanish when
Redis restarts: the hub joins its groups again every few seconds, and at once after the layer
failed and answers again. A heartbeat with each draft's latest seq (and the sum of its vote revs,
added by the comments app) goes to the local sockets every `LIVE_HEARTBEAT` seconds straight
from the database, so a reader that missed an event (a broadcast lost while Redis was away) or a
coalesced `votes.changed` notices within one beat and resumes.
"""

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections import defaultdict
from typing import Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from .events import encode, group_name, heartbeats
from .fastpath import Frame

logger = logging.getLogger(__name__)

PRESENCE_INTERVAL = 1.0  # seconds: at most one presence frame per stream and second
PRESENCE_TTL = 30  # seconds: a process that stopped reporting no longer counts
YIELD_EVERY = 250  # sockets written before the loop may serve others
GROUP_RECHECK = 5.0  # seconds: join every group again (a Redis restart forgets them all)
RETRY = 1.0  # seconds: pause after the channel layer failed
CANCEL_ROUNDS = 20  # times a stopping loop is cancelled again (see _firmly)
COALESCE_WINDOW = 0.2  # seconds: at most one frame per coalesced key (contract: within 250 ms)


class Socket(Protocol):
    def deliver_now(self, frame: Frame) -> bool: ...

    async def deliver(self, frame: Frame) -> None: ...


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.process_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.sockets: dict[str, set[Socket]] = defaultdict(set)
        self.channel_name: str | None = None
        self.dirty: set[str] = set()
        self.sent_viewers: dict[str, int] = {}
        self._tasks: list[asyncio.Task] = []
        # (stream, key) -> [rev sent, (rev, text) waiting or None], while a key's window is open
        self._windows: dict[tuple[str, str], list] = {}
        self._flushes: set[asyncio.Task] = set()
        self._lock = asyncio.Lock()
        self._rejoin = asyncio.Event()  # set when the layer failed: join everything again soon
        self._redis = None
        if getattr(settings, "REDIS_URL", ""):
            import redis.asyncio as redis_asyncio

            self._redis = redis_asyncio.from_url(settings.REDIS_URL, **settings.REDIS_OPTIONS)

    async def _start(self) -> None:
        if self.channel_name is None:
            # The default prefix matters: channels_redis serves every process-local channel from
            # one shared list per process, and only channels under that prefix are read from it.
            self.channel_name = await self.layer.new_channel()
            for coroutine in (
                self._receive_loop(),
                self._presence_loop(),
                self._membership_loop(),
                self._heartbeat_loop(),
            ):
                self._tasks.append(asyncio.create_task(_firmly(coroutine)))

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

    async def leave(self, socket: Socket) -> None:
        """Take `socket` off every stream it is on (nothing happens for one on none)."""
        for stream in [stream for stream, sockets in self.sockets.items() if socket in sockets]:
            await self.unsubscribe(stream, socket)

    async def _receive_loop(self) -> None:
        while _not_cancelled():
            try:
                message = await self.layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub could not receive; retrying")
                self._rejoin.set()  # the layer may have lost our groups (a restarted Redis)
                await asyncio.sleep(RETRY)
                continue
            await self.dispatch(message)

    async def dispatch(self, message: dict) -> None:
        """Fan out a layer message: at once, or coalesced when it carries a `coalesce` key."""
        stream, text = message.get("stream", ""), message.get("text", "")
        if message.get("coalesce") is None:
            await self.fan_out(stream, text)
        else:
            await self.coalesce(stream, message["coalesce"], message.get("rev", 0), text)

    async def coalesce(self, stream: str, key: str, rev: int, text: str) -> None:
        """Send the newest `rev` of `key`'s frames, at most one every COALESCE_WINDOW seconds.

        The first frame after a quiet spell goes out at once; frames arriving within the window
        wait, and only the one with the highest rev is sent when it closes (opening the next).
        A rev not above the one already sent is dropped: it arrived late (from another process).
        """
        slot = (stream, key)
        window = self._windows.get(slot)
        if window is not None:
            if rev > window[0] and (window[1] is None or rev > window[1][0]):
                window[1] = (rev, text)
            return
        self._windows[slot] = [rev, None]
        asyncio.get_running_loop().call_later(COALESCE_WINDOW, self._close_window, slot)
        await self.fan_out(stream, text)

    def _close_window(self, slot: tuple[str, str]) -> None:
        _, waiting = self._windows.pop(slot)
        if waiting is not None:
            task = asyncio.create_task(self.coalesce(*slot, *waiting))
            self._flushes.add(task)  # held until done: the loop keeps only weak references
            task.add_done_callback(self._flushes.discard)

    async def fan_out(self, stream: str, text: str) -> None:
        """Hand the event's encoded `text` to every local socket on `stream`, as one `Frame`:
        `deliver_now` (a plain call, the hot path), and `deliver` when that could not."""
        frame = Frame(text)  # its websocket frame is built once, for all sockets
        for count, socket in enumerate(list(self.sockets.get(stream, ())), start=1):
            try:
                if not socket.deliver_now(frame):
                    await socket.deliver(frame)
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
        while _not_cancelled():
            await asyncio.sleep(PRESENCE_INTERVAL)
            # Every few seconds report all streams, so other processes' sums stay fresh.
            if self._redis is not None and time.time() - last_report > PRESENCE_TTL / 3:
                self.dirty.update(self.sockets)
                last_report = time.time()
            dirty, self.dirty = self.dirty, set()
            for stream in dirty:
                if not _is_public(stream):
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

    # Membership and heartbeat ---------------------------------------------------------------

    async def _membership_loop(self) -> None:
        """Join every stream's group again every few seconds, and soon after a layer failure.

        Joining is idempotent and cheap (one ZADD in Redis); a group a restarted Redis forgot
        is back within GROUP_RECHECK seconds, or RETRY seconds after Redis answers again.
        """
        while _not_cancelled():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._rejoin.wait(), GROUP_RECHECK)
            self._rejoin.clear()
            try:
                for stream in list(self.sockets):
                    await self.layer.group_add(group_name(stream), self.channel_name)
            except Exception:
                logger.warning("hub could not join its groups; retrying", exc_info=True)
                await asyncio.sleep(RETRY)
                self._rejoin.set()

    async def _heartbeat_loop(self) -> None:
        """Every LIVE_HEARTBEAT seconds, tell each local reader its draft's latest seq (and what
        the apps add to it: `events.heartbeats`)."""
        while _not_cancelled():
            await asyncio.sleep(settings.LIVE_HEARTBEAT)
            streams = [stream for stream in self.sockets if _is_public(stream)]
            if not streams:
                continue
            try:
                frames = await database_sync_to_async(heartbeats)(streams)
            except Exception:
                logger.warning("no heartbeat: could not read the latest seqs", exc_info=True)
                continue
            for stream in streams:
                await self.fan_out(stream, encode(frames[stream]))


async def _firmly(coroutine) -> None:
    """Run `coroutine` (one of the hub's loops) as a task of its own and, once this task is
    cancelled, cancel that one again until it has stopped (CANCEL_ROUNDS times at most, half a
    second apart), then re-raise the CancelledError.

    One cancel() is not always enough: Python 3.11's `asyncio.timeout` (redis-py's reads use
    it) turns a cancellation that arrives as its timer expires into a TimeoutError and
    uncancels the task (fixed in 3.12), and redis-py may then retry the command, so channels'
    receive went on waiting. The event loop's shutdown (Daphne's, the test runner's) cancels
    each task once and waits for all of them: it waited for ever on such a loop."""
    task = asyncio.ensure_future(coroutine)
    try:
        await asyncio.wait({task})
    except asyncio.CancelledError:
        for _ in range(CANCEL_ROUNDS):
            if task.done():
                break
            task.cancel()
            await asyncio.wait({task}, timeout=0.5)
        raise
    task.result()


def _not_cancelled() -> bool:
    """False once this loop's task was asked to stop. Python 3.11's `asyncio.wait_for` and
    libraries' receive calls can swallow a CancelledError; a loop that asked only `while True`
    then ran on and `asyncio.run`'s shutdown (and the test runner's) waited for it for ever."""
    task = asyncio.current_task()
    return task is None or not task.cancelling()


def _is_public(stream: str) -> bool:
    """A draft's public stream ("draft.<id>"), not the moderators' or the moderation queue's."""
    return stream.startswith("draft.") and stream.count(".") == 1


class HubSocketMixin:
    """For a consumer whose socket the hub serves: it leaves the hub on every way out.

    A consumer that raises (in connect, receive or anywhere) never gets its `disconnect` call,
    so the unsubscribing happens around the whole ASGI application instance instead.
    """

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            await get_hub().leave(self)

    def deliver_now(self, frame: Frame) -> bool:
        """Deliver `frame` without awaiting anything; False: not done, the hub then awaits
        `deliver`. A socket with a faster way (the server's fast path) overrides it."""
        return False


_hubs: dict[int, Hub] = {}


def get_hub() -> Hub:
    """The hub of the running event loop (one per process in Daphne; one per test loop in tests)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub.layer is not get_channel_layer():
        hub = _hubs[id(loop)] = Hub()
    return hub
