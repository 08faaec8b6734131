"""Group commit: the writes waiting at one moment share one transaction on the database thread.

Why. Each write from a socket used to cost a hop to the database thread and a COMMIT of its
own, and the thread, not the database, was the limit in a burst of votes (issue 14: busy 96 %
of the time). Here a write handed to `GroupCommit.run` waits only while the group before it is
being written; all the writes that arrived meanwhile then go to the database thread together,
in one transaction with a savepoint each, and one COMMIT.

Each write is still answered on its own: one that raises (refused, or a database error) rolls
back to its savepoint only, the others are kept, and its exception is raised to its own caller.
Answers are given after the COMMIT only, so nobody is told "saved" before it is; when the COMMIT
itself fails, every write of the group gets that error (nothing of it was saved).

The live events the group's writes leave for after COMMIT (`events.send_now`) are held and sent
from the event loop once the answers are out: per coalesced key (a paragraph's votes) only the
newest, so a burst of votes costs one channel-layer message per paragraph and group, and the
database thread never waits for the channel layer.

A group holds at most MAX_GROUP writes, fewer than a burst brings: while the database thread
writes one group, the event loop answers the one before and reads the frames for the next, so
both threads work at once. With groups as large as the burst (200 voters waiting for their
answers in a closed loop) the two threads took turns, each idle half the time (bench/votes.py,
SQLite: 513 acks/s at 55 % of a core with 200, 853 at 94 % with 40; issue 14).

Within a group the writes run in the order of their `order` keys (for votes: the paragraph, then
the person), not in arrival order: two processes' groups then take the rows' locks in the same
order and cannot deadlock each other on PostgreSQL.

A write may say beforehand what it will read (`run`'s `hints`): the first write of a group that
reads, say, a vote's rows then reads them for all the group's writes at once (`group_hints`),
one statement per group instead of one per write (issue 14: most of a grouped vote's time on the
database thread was the Python around its statements).

A write may leave work for the group's end (`at_group_end`): after all its writes, before the
COMMIT, once per group. The votes apply their tallies there, one `UPDATE … RETURNING` per
paragraph and group: a hot paragraph's tally row is then locked from that statement to the
COMMIT only, not from the group's first vote on (on PostgreSQL two processes' groups waited for
each other's whole group; issue 14).
"""

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

from channels.db import database_sync_to_async
from django.db import transaction

from . import events

logger = logging.getLogger(__name__)

MAX_GROUP = 40  # writes per transaction: see above


class GroupCommit:
    """The group commit of one event loop (`group_commit()` gives the running loop's)."""

    def __init__(self, max_group: int = MAX_GROUP) -> None:
        self.max_group = max_group
        self.waiting: list[tuple[tuple, Callable[[], Any], asyncio.Future, dict | None]] = []
        self.recent_sizes: deque[int] = deque(maxlen=100)  # for tests and benchmarks
        self._drain_task: asyncio.Task | None = None

    async def run(
        self, write: Callable[[], Any], order: tuple = (), hints: dict[str, Any] | None = None
    ) -> Any:
        """Run the synchronous `write` (no arguments) in the next group; return what it returns,
        or raise what it raised. It runs on the database thread inside a savepoint of the group's
        transaction, so it must not manage transactions of its own beyond `atomic()` blocks.
        `order`: where it goes in its group (tuples of one shape compare; ties keep arrival
        order): by the rows it locks, e.g. (paragraph key, person id) for a vote. `hints`: what
        it will read, by kind ({"vote": …, "receipt": …}), for the group's reads in one go
        (`group_hints`); only a saving, never a promise: a write must read what it needs anyway
        when its hint was not read."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((order, write, future, hints))
        if self._drain_task is None or self._drain_task.done():
            self._drain_task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.waiting:
            group = sorted(self.waiting[: self.max_group], key=lambda item: item[0])
            del self.waiting[: self.max_group]
            self.recent_sizes.append(len(group))
            try:
                outcomes, held = await database_sync_to_async(_write_group)(
                    [write for _, write, _, _ in group], [hints for *_, hints in group]
                )
            except Exception as exc:  # BEGIN or COMMIT failed: nothing of the group was saved
                logger.warning("a group of %d writes was not saved", len(group), exc_info=True)
                outcomes, held = [(False, exc)] * len(group), {}
            for (_, _, future, _), (ok, value) in zip(group, outcomes, strict=True):
                if future.done():  # its socket went away meanwhile
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
            await events.send_held(held)


class GroupEnd(Protocol):
    """Work a group's writes leave for its end (`at_group_end`)."""

    def finish(self, failed: set[int]) -> None:
        """Run after the group's writes, before COMMIT, in its transaction. `failed`: the
        numbers of the runs of writes that raised (rolled back): what they left here must be
        dropped. Raising fails the whole group (nothing of it is saved)."""


Finisher = TypeVar("Finisher", bound=GroupEnd)


class RetryWrite(Exception):
    """Raised by a write of a group: roll it back to its savepoint and run it again, at most
    RETRIES times in all (then its caller gets this exception). For a write that lost a race it
    can only see once it has run (a concurrent repeat's receipt: deliberation/idempotency.py)."""


RETRIES = 3


class _Group:
    def __init__(self) -> None:
        self.attempt = 0  # numbers each run of a write: what a run left for the end is its own
        self.ends: dict[Hashable, tuple[int, int, GroupEnd]] = {}
        self.hints: list[dict[str, Any]] = []


_running = threading.local()


def at_group_end(key: Hashable, make: Callable[[], Finisher], stage: int = 0):
    """In a write of a group (on the database thread): (the group's finisher under `key`, made
    by `make()` at its first use, whose `finish(failed)` runs at the group's end; the number of
    this run of the write, which `failed` holds if the run was rolled back). Finishers run by
    `stage`, then in the order they were made. Outside a group: None (the caller then does the
    work at once)."""
    group = getattr(_running, "group", None)
    if group is None:
        return None
    found = group.ends.get(key)
    if found is None:
        found = group.ends[key] = (stage, len(group.ends), make())
    return found[2], group.attempt


def group_hints(kind: str) -> list[Any]:
    """In a write of a group (on the database thread): the `kind` hints of all the group's
    writes (`GroupCommit.run`'s `hints`), in the group's order. Outside a group: []."""
    group = getattr(_running, "group", None)
    if group is None:
        return []
    return [hints[kind] for hints in group.hints if kind in hints]


def _write_group(
    writes: list[Callable[[], Any]], hints: list[dict | None] | None = None
) -> tuple[list[tuple[bool, Any]], dict]:
    """On the database thread: every write in its savepoint (run again on RetryWrite), the
    finishers (`at_group_end`), one COMMIT. `hints`: each write's (`GroupCommit.run`), or None.
    Returns each write's (True, result) or (False, exception), and the live events held for
    after the COMMIT."""
    outcomes: list[tuple[bool, Any]] = []
    failed: set[int] = set()
    group = _running.group = _Group()
    group.hints = [found for found in hints or () if found]
    try:
        with events.sends_held() as held, transaction.atomic():
            for write in writes:
                for retry in range(RETRIES):
                    group.attempt += 1
                    try:
                        with transaction.atomic():
                            outcomes.append((True, write()))
                        break
                    except Exception as exc:  # refused or failed: only this run is rolled back
                        failed.add(group.attempt)
                        if not isinstance(exc, RetryWrite) or retry == RETRIES - 1:
                            outcomes.append((False, exc))
                            break
            for _, _, end in sorted(group.ends.values(), key=lambda item: item[:2]):
                end.finish(failed)
    finally:
        _running.group = None
    return outcomes, held


_group_commits: dict[int, tuple[asyncio.AbstractEventLoop, GroupCommit]] = {}


def group_commit() -> GroupCommit:
    """The group commit of the running event loop (one per process in Daphne)."""
    loop = asyncio.get_running_loop()
    owner, found = _group_commits.get(id(loop), (None, None))
    if owner is not loop or found is None:  # a new loop (tests start many) under a reused id
        found = GroupCommit()
        _group_commits[id(loop)] = (loop, found)
    return found
