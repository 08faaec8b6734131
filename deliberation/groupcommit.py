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

A write may promise to write nothing itself (`run`'s `deferred=True`): it reads, checks and
leaves its changes for the group's end, where they are written for all the group's writes at
once (a multi-row statement per kind: `deferring`). It then runs without a savepoint of its own
(a SAVEPOINT and a RELEASE less per write, and none of its statements). Optimistic: a deferred
write may refuse (ActionRefused: nothing of it was written, its run is dropped), but when one
raises anything else, leaves the transaction needing a rollback, or a finisher finds the
database not as the group read it (`RedoGroup`: another process's transaction changed the same
rows meanwhile), the whole group is rolled back and run again the careful way: every write in
its savepoint, writing at once, as a write that did not promise it (issue 14: on the database
thread a grouped vote's SAVEPOINT, write, receipt INSERT and RELEASE were most of its time; on
PostgreSQL each was a round trip).
"""

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

from channels.db import database_sync_to_async
from django.db import connection, transaction

from . import events
from .errors import ActionRefused

logger = logging.getLogger(__name__)

MAX_GROUP = 40  # writes per transaction: see above


class GroupCommit:
    """The group commit of one event loop (`group_commit()` gives the running loop's)."""

    def __init__(self, max_group: int = MAX_GROUP) -> None:
        self.max_group = max_group
        self.waiting: list[tuple[tuple, Callable[[], Any], asyncio.Future, dict | None, bool]] = []
        self.recent_sizes: deque[int] = deque(maxlen=100)  # for tests and benchmarks
        self._drain_task: asyncio.Task | None = None

    async def run(
        self,
        write: Callable[[], Any],
        order: tuple = (),
        hints: dict[str, Any] | None = None,
        deferred: bool = False,
    ) -> Any:
        """Run the synchronous `write` (no arguments) in the next group; return what it returns,
        or raise what it raised. It runs on the database thread inside a savepoint of the group's
        transaction, so it must not manage transactions of its own beyond `atomic()` blocks.
        `order`: where it goes in its group (tuples of one shape compare; ties keep arrival
        order): by the rows it locks, e.g. (paragraph key, person id) for a vote. `hints`: what
        it will read, by kind ({"vote": …, "receipt": …}), for the group's reads in one go
        (`group_hints`); only a saving, never a promise: a write must read what it needs anyway
        when its hint was not read. `deferred`: the write promises to write nothing itself while
        `deferring()` is True (its changes go to the group's end); it then runs without a
        savepoint (see the module's docstring)."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((order, write, future, hints, deferred))
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
                    [write for _, write, *_ in group],
                    [hints for *_, hints, _ in group],
                    [deferred for *_, deferred in group],
                )
            except Exception as exc:  # BEGIN or COMMIT failed: nothing of the group was saved
                logger.warning("a group of %d writes was not saved", len(group), exc_info=True)
                outcomes, held = [(False, exc)] * len(group), {}
            for (_, _, future, *_), (ok, value) in zip(group, outcomes, strict=True):
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
        dropped. RedoGroup: the group is run again the careful way; raising anything else fails
        the whole group (nothing of it is saved)."""

    def abandon(self) -> None:
        """The group is rolled back to be run again (RedoGroup): give back what was taken
        outside the database (the run again takes it anew). Must not raise."""


Finisher = TypeVar("Finisher", bound=GroupEnd)


class RetryWrite(Exception):
    """Raised by a write of a group: roll it back to its savepoint and run it again, at most
    RETRIES times in all (then its caller gets this exception). For a write that lost a race it
    can only see once it has run (a concurrent repeat's receipt: deliberation/idempotency.py)."""


RETRIES = 3


class RedoGroup(Exception):
    """Raised at a group's end by a finisher (or by a deferred write) that found the database
    not as the group read it, or a case the deferred way does not cover: the group is rolled
    back and run again, every write in its savepoint and writing at once."""


class _Group:
    def __init__(self) -> None:
        self.attempt = 0  # numbers each run of a write: what a run left for the end is its own
        self.ends: dict[Hashable, tuple[int, int, GroupEnd]] = {}
        self.hints: list[dict[str, Any]] = []
        self.deferring = False  # the running write's changes go to the group's end
        self.failed: set[int] = set()  # the numbers of the runs rolled back (or refused)


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


def deferring() -> bool:
    """In a write of a group (on the database thread): whether that write runs deferred (see
    the module's docstring): it must then change nothing in the database itself, but leave its
    changes to a finisher (`at_group_end`), which writes them for the whole group. False outside
    a group and in a group run the careful way."""
    group = getattr(_running, "group", None)
    return group is not None and group.deferring


def run_failed(attempt: int) -> bool:
    """In a write of a group: whether the run numbered `attempt` (`at_group_end`'s second
    value) of an earlier write was rolled back or refused, so that what it left is void."""
    group = getattr(_running, "group", None)
    return group is not None and attempt in group.failed


def group_hints(kind: str) -> list[Any]:
    """In a write of a group (on the database thread): the `kind` hints of all the group's
    writes (`GroupCommit.run`'s `hints`), in the group's order. Outside a group: []."""
    group = getattr(_running, "group", None)
    if group is None:
        return []
    return [hints[kind] for hints in group.hints if kind in hints]


def _write_group(
    writes: list[Callable[[], Any]],
    hints: list[dict | None] | None = None,
    deferred: list[bool] | None = None,
) -> tuple[list[tuple[bool, Any]], dict]:
    """On the database thread: every write (deferred, or in its savepoint and run again on
    RetryWrite), the finishers (`at_group_end`), one COMMIT; the group again the careful way on
    RedoGroup. `hints`: each write's (`GroupCommit.run`), or None; `deferred`: whether each may
    run deferred (None: none). Returns each write's (True, result) or (False, exception), and
    the live events held for after the COMMIT."""
    if deferred and any(deferred):
        try:
            return _write_group_once(writes, hints, deferred)
        except RedoGroup as exc:
            logger.info("a group of %d writes is run again the careful way: %s", len(writes), exc)
    return _write_group_once(writes, hints, None)


def _write_group_once(
    writes: list[Callable[[], Any]], hints: list[dict | None] | None, deferred: list[bool] | None
) -> tuple[list[tuple[bool, Any]], dict]:
    outcomes: list[tuple[bool, Any]] = []
    group = _running.group = _Group()
    group.hints = [found for found in hints or () if found]
    failed = group.failed
    try:
        with events.sends_held() as held, transaction.atomic():
            try:
                for write, defer in zip(writes, deferred or [False] * len(writes), strict=True):
                    if defer:
                        outcomes.append(_run_deferred(group, write))
                        continue
                    for retry in range(RETRIES):
                        group.attempt += 1
                        try:
                            with transaction.atomic():
                                outcomes.append((True, write()))
                            break
                        except Exception as exc:  # refused or failed: only this run rolled back
                            failed.add(group.attempt)
                            if not isinstance(exc, RetryWrite) or retry == RETRIES - 1:
                                outcomes.append((False, exc))
                                break
                for _, _, end in sorted(group.ends.values(), key=lambda item: item[:2]):
                    end.finish(failed)
            except RedoGroup:
                for _, _, end in group.ends.values():
                    end.abandon()
                raise
    finally:
        _running.group = None
    return outcomes, held


def _run_deferred(group: _Group, write: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a deferred write of the group: (True, result), or (False, ActionRefused) for a
    refusal (it wrote nothing). RedoGroup for anything the deferred way cannot answer alone:
    another exception (it may have left the transaction unusable: a failed statement aborts a
    PostgreSQL transaction), or a transaction marked for rollback."""
    for _retry in range(RETRIES):
        group.attempt += 1
        group.deferring = True
        outcome: tuple[bool, Any] | None = None  # None: run it again (RetryWrite)
        try:
            outcome = (True, write())
        except RetryWrite:
            pass
        except ActionRefused as exc:
            outcome = (False, exc)
        except RedoGroup:
            raise
        except Exception as exc:
            raise RedoGroup(f"a deferred write raised {type(exc).__name__}") from exc
        finally:
            group.deferring = False
        if connection.needs_rollback:  # an atomic block inside it saw an exception
            raise RedoGroup("a deferred write marked the transaction for rollback")
        if outcome is None or not outcome[0]:
            group.failed.add(group.attempt)
        if outcome is not None:
            return outcome
    raise RedoGroup("a deferred write asked to run again too often")


_group_commits: dict[int, tuple[asyncio.AbstractEventLoop, GroupCommit]] = {}


def group_commit() -> GroupCommit:
    """The group commit of the running event loop (one per process in Daphne)."""
    loop = asyncio.get_running_loop()
    owner, found = _group_commits.get(id(loop), (None, None))
    if owner is not loop or found is None:  # a new loop (tests start many) under a reused id
        found = GroupCommit()
        _group_commits[id(loop)] = (loop, found)
    return found
