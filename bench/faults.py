"""Faults during a burst: kill -9 one of two Daphne processes, then restart Redis, while comments
and votes are written and readers follow. Counts what readers lost before and after resuming.

Run by hand (about 2 minutes):

    .venv/bin/python bench/faults.py [--readers 300] [--voters 50] [--heartbeat 2]

What runs: two `python -m deliberation.fastpath` processes (DEBUG=0) on loopback ports, a fresh
PostgreSQL database, and a redis-server of the bench's own on a free port (so that restarting it
touches nobody else's). Readers (anonymous sockets, split over both processes) follow the draft
as docs/protocol.md section 6 says a client must: after every (re)connect they resume from the
last seq they applied, they resume when a heartbeat's seq or `votes` is ahead of what they have,
and a closed socket reconnects (to the other process when its own does not answer). A commenter
writes a comment every 0.2 s through the process that is not killed; voters vote in a closed
loop and re-send an unanswered vote with the same request id after reconnecting (carried out
once, the contract says).

Timeline (seconds from the start of the burst): 4 kill -9 of process B, 6 B started again on
its port; 12 kill -9 of Redis, 16 Redis started again (empty: no groups, no presence); 24 the
writers stop; then three heartbeats' time for the last resumes. The heartbeat runs every
`--heartbeat` seconds (LIVE_HEARTBEAT_SECONDS; 20 in production) to keep the run short.

Reported, over all readers and all events of the draft (each comment written is one): events not received live
("needed a resume": the faults' cost), events never received even after resuming (goal 0),
readers that received no live event after Redis came back (silent: goal 0), readers whose newest
vote counts differ from the API's at the end; votes acknowledged against the API (exact).
The naive baseline in the same run: the same readers without resuming (a client that only
listens), i.e. what the faults would cost without the protocol's resume and heartbeat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u
import fanout as f
import votes as v

KILL_B, START_B, KILL_REDIS, START_REDIS, STOP = 4.0, 6.0, 12.0, 16.0, 24.0
CHOICES = ("agree", "disagree", "neutral", "none")
PATH = ["/ws/drafts/fanout/"]  # the draft bench/fanout.py's setup makes (set in main)


class RedisServer:
    """A redis-server of the bench's own, without persistence."""

    def __init__(self, tmp: Path) -> None:
        self.port, self.tmp, self.proc = u.free_port(), tmp, None

    def start(self) -> None:
        self.proc = u.start(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            env=dict(os.environ),
            log=self.tmp / "redis.log",
        )
        u.wait_port(self.port, self.proc, self.tmp / "redis.log")

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        u.stop(self.proc)


class Reader:
    """A client that follows the draft by the protocol (or, `resumes=False`, only listens)."""

    def __init__(self, servers: list, index: int, resumes: bool) -> None:
        self.servers, self.index, self.resumes = servers, index, resumes
        self.live: set[int] = set()
        self.replayed: set[int] = set()
        self.applied = 0  # the highest seq with nothing missing before it (what resume asks from)
        self.revs: dict[str, int] = {}
        self.counts: dict[str, dict] = {}
        self.resuming: set[str] = set()
        self.reconnects = 0
        self.last_live = 0.0  # perf_counter of the last event received live
        self.ws = None

    def _advance(self) -> None:
        seen = self.live | self.replayed
        while self.applied + 1 in seen:
            self.applied += 1

    async def _resume(self) -> None:
        if not self.resumes or self.ws is None:
            return
        request_id = uuid.uuid4().hex[:10]
        self.resuming.add(request_id)
        await self.ws.send(
            json.dumps({"action": "resume", "since": self.applied, "request_id": request_id})
        )

    def _votes(self, counts: dict) -> None:
        for key, value in (counts or {}).items():
            if value["rev"] > self.revs.get(key, -1):
                self.revs[key] = value["rev"]
                self.counts[key] = {c: value[c] for c in ("agree", "disagree", "neutral")}

    async def run(self, stop: asyncio.Event) -> None:
        from websockets.exceptions import ConnectionClosed

        attempt = 0
        while not stop.is_set():
            server = self.servers[(self.index + attempt) % len(self.servers)]
            try:
                self.ws, hello = await f.ws_connect(server, PATH[0])
            except Exception:
                attempt += 1
                await asyncio.sleep(0.3 + random.random() * 0.5)
                continue
            self._votes(hello.get("counts"))
            if hello["seq"] > self.applied:
                await self._resume()
            try:
                async for text in self.ws:
                    message = json.loads(text)
                    kind = message.get("type")
                    if kind not in ("heartbeat", "hello") and isinstance(message.get("seq"), int):
                        if self.resuming:
                            self.replayed.add(message["seq"])
                        else:
                            self.live.add(message["seq"])
                            self.last_live = time.perf_counter()
                        self._advance()
                    elif kind == "votes.changed":
                        self._votes(
                            {message["paragraph"]: {**message["counts"], "rev": message["rev"]}}
                        )
                    elif kind == "heartbeat":
                        if message["seq"] > self.applied or message.get("votes", 0) > sum(
                            self.revs.values()
                        ):
                            await self._resume()
                    elif kind == "ack" and message.get("request_id") in self.resuming:
                        self.resuming.discard(message["request_id"])
                        self._votes(message.get("counts"))
                        self._advance()
            except ConnectionClosed:
                pass
            self.ws = None
            self.resuming.clear()
            self.reconnects += 1
            attempt += 1
            await asyncio.sleep(0.2 + random.random() * 0.8)  # backoff with jitter

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def burst(servers, redis, restart_b, sessions, key, readers_n, voters_n, heartbeat):
    stop_readers, stop_writers = asyncio.Event(), asyncio.Event()
    readers = [Reader(servers, i, resumes=i % 4 != 3) for i in range(readers_n)]
    reader_tasks = [asyncio.create_task(r.run(stop_readers)) for r in readers]
    await asyncio.sleep(5)  # all connected (they retry on their own)
    marks: dict[str, float] = {}
    acked: dict[int, str] = {}
    errors: Counter = Counter()
    start = time.perf_counter()

    async def commenter():
        author, n = None, 0
        while not stop_writers.is_set():
            try:
                if author is None:
                    ws, _ = await f.ws_connect(servers[0], PATH[0], sessions[0])
                    author = f.Writer(ws)
                answer = await author.call(
                    {
                        "action": "comment",
                        "paragraph": key,
                        "body": f"Kommentar {n}",
                        "parent": None,
                        "request_id": f"c{n}",
                    },
                    10,
                )
                if answer["type"] == "ack":
                    n += 1
                else:
                    errors[f"comment {answer.get('code')}"] += 1
            except Exception:
                errors["comment: connection"] += 1
                author = None
            await asyncio.sleep(0.2)

    async def voter(i: int):
        writer, n, pending = None, 0, None
        rng = random.Random(i)
        tries_after_stop = 0
        # After the stop a vote still unanswered is sent again (same request id) until answered:
        # it may have been counted, and "exact" compares the last answered choices.
        while not stop_writers.is_set() or (pending is not None and tries_after_stop < 20):
            if stop_writers.is_set():
                tries_after_stop += 1
            try:
                if writer is None:
                    ws, _ = await f.ws_connect(servers[i % 2], PATH[0], sessions[1 + i])
                    writer = f.Writer(ws)
                if pending is None:
                    pending = {
                        "action": "vote",
                        "paragraph": key,
                        "request_id": f"v{i}-{n}",
                        "choice": rng.choice([c for c in CHOICES if c != acked.get(i, "none")]),
                    }
                answer = await writer.call(pending, 10)
                if answer["type"] == "ack":
                    acked[i] = answer["choice"]
                    pending, n = None, n + 1
                elif answer.get("code") == "unavailable":
                    errors["vote unavailable (retried)"] += 1
                    await asyncio.sleep(0.2)
                else:
                    errors[f"vote {answer.get('code')}"] += 1
                    pending, n = None, n + 1
            except Exception:
                errors["vote: connection (re-sent with its request id)"] += 1
                writer = None
                await asyncio.sleep(0.3 + rng.random() * 0.5)

    async def faults():
        await asyncio.sleep(KILL_B)
        os.kill(servers[1].proc.pid, signal.SIGKILL)
        marks["B killed"] = time.perf_counter() - start
        await asyncio.sleep(START_B - KILL_B)
        servers[1] = await asyncio.to_thread(restart_b)
        marks["B back"] = time.perf_counter() - start
        await asyncio.sleep(KILL_REDIS - START_B)
        redis.kill()
        marks["Redis killed"] = time.perf_counter() - start
        await asyncio.sleep(START_REDIS - KILL_REDIS)
        await asyncio.to_thread(redis.start)
        marks["Redis back"] = time.perf_counter() - start
        marks["_redis_back_at"] = time.perf_counter()

    writers = [asyncio.create_task(commenter())] + [
        asyncio.create_task(voter(i)) for i in range(voters_n)
    ]
    await faults()
    await asyncio.sleep(STOP - START_REDIS)
    stop_writers.set()
    await asyncio.gather(*writers, return_exceptions=True)
    await asyncio.sleep(3 * heartbeat + 2)  # the last heartbeats and resumes
    probe, hello = await f.ws_connect(servers[0], PATH[0])
    marks["_latest_seq"] = hello["seq"]
    await probe.close()
    stop_readers.set()
    await asyncio.gather(*(r.close() for r in readers), return_exceptions=True)
    for task in reader_tasks:
        task.cancel()
    return readers, acked, errors, marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=300)
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--heartbeat", type=float, default=2.0)
    args = parser.parse_args()
    if not u.postgres_available():
        raise SystemExit("needs PostgreSQL on 127.0.0.1:5432")
    u.raise_fd_limit(args.readers * 2 + args.voters + 1000)
    started, load_before = time.monotonic(), os.getloadavg()[0]
    db = u.pg_create("bench_faults")
    tmp_dir = tempfile.TemporaryDirectory(prefix="bench-faults-")
    tmp = Path(tmp_dir.name)
    try:
        redis = RedisServer(tmp)
        redis.start()
        env = v.production_env(
            tmp,
            "faults",
            DATABASE_URL=u.pg_url(db),
            REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
            LIVE_HEARTBEAT_SECONDS=str(args.heartbeat),
        )
        print("[faults] a fresh database, the draft and the voters ...", flush=True)
        setup = f.prepare_database(env, args.voters + 1)
        PATH[0] = f"/ws/drafts/{setup['slug']}/"
        servers = [f.start_daphne(env, tmp, f"faults{i}") for i in range(2)]
        port_b = servers[1].port

        def restart_b():
            log = tmp / "daphne-b-again.log"
            proc = u.start(
                [
                    *u.FAST_DAPHNE,
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port_b),
                    "deliberation.asgi:application",
                ],
                env=env,
                log=log,
            )
            u.wait_port(port_b, proc, log)
            return f.Server(port_b, proc, log)

        print(
            f"[faults] {args.readers} readers, {args.voters} voters and a commenter; "
            f"kill -9 of B at {KILL_B:g} s, Redis at {KILL_REDIS:g} s ...",
            flush=True,
        )
        readers, acked, errors, marks = asyncio.run(
            burst(
                servers,
                redis,
                restart_b,
                setup["voter_sessions"],
                setup["keys"][0],
                args.readers,
                args.voters,
                args.heartbeat,
            )
        )
        with servers[0].open(f"/api/drafts/{setup['slug']}/comments/") as response:
            comments = json.loads(response.read())
        api = f.api_counts(servers[0], setup["slug"], setup["keys"][0])
    finally:
        u.cleanup()
        u.pg_drop(db)
        tmp_dir.cleanup()

    total = len(comments)
    all_seqs = set(range(1, marks["_latest_seq"] + 1))  # every event of the draft, any type
    counted = Counter(c for c in acked.values() if c != "none")
    expected = {c: counted.get(c, 0) for c in ("agree", "disagree", "neutral")}
    print(
        f"\n=== Faults during a burst: {args.readers} readers over 2 Daphne + PostgreSQL + "
        f"Redis, {total} comments, {len(acked)} voters; heartbeat {args.heartbeat:g} s ==="
    )
    print("when (s): " + ", ".join(f"{n} {at:.1f}" for n, at in marks.items() if n[0] != "_"))
    rows = []
    for label, group in (
        ("following the protocol (resume, heartbeat)", [r for r in readers if r.resumes]),
        ("naive: only listening", [r for r in readers if not r.resumes]),
    ):
        missed_live = sum(len(all_seqs - r.live) for r in group)
        lost = sum(len(all_seqs - r.live - r.replayed) for r in group)
        # Comments go on for 8 s after Redis is back: a reader with nothing live after two
        # heartbeats from then on is a silent one.
        settled = marks["_redis_back_at"] + 2 * args.heartbeat
        silent = sum(r.last_live < settled for r in group)
        wrong_counts = sum(r.counts.get(setup["keys"][0]) != api for r in group)
        rows.append(
            [
                label,
                str(len(group)),
                str(missed_live),
                str(lost),
                str(silent),
                str(wrong_counts),
                str(sum(r.reconnects for r in group)),
            ]
        )
    print(
        u.table(
            [
                "readers",
                "n",
                "events not received live (sum)",
                "events lost after resume (goal 0)",
                "silent after Redis returned (goal 0)",
                "vote counts != API at the end",
                "reconnects",
            ],
            rows,
        )
    )
    print(
        f"votes: API {api}, from the last acknowledged choices {expected}: "
        f"{'exact' if api == expected else 'NOT exact'}; writers' errors: {dict(errors) or 'none'}"
    )
    print(
        f"\n(code {u.code_version()}; cores: {os.cpu_count()}; load average before {load_before:.2f}, "
        f"after {os.getloadavg()[0]:.2f}; total {time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
