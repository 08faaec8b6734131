"""Sustained votes over websockets while many watch: group commit against one transaction per vote.

Run by hand (2 cores: about 4 minutes with the defaults):

    .venv/bin/python bench/votes.py [--voters 200] [--watchers 1000] [--seconds 10] [--no-redis]

Scenarios, each with its servers started for it, DEBUG=0 as production runs them (static files
collected, SQL not logged), the per-user rate limits lifted:

* 1 daphne (SQLite): one `python -m deliberation.fastpath` process, in-memory channel layer;
* 2 daphne+redis (PostgreSQL): two processes, Redis channel layer, a fresh PostgreSQL database,
  sockets split evenly over both (runs when Redis and PostgreSQL answer; `--no-redis` skips it).

In each, the baseline runs first in the same run: the same servers with LIVE_GROUP_COMMIT=0 (each
vote its own transaction on the database thread, its receipt claimed before it), then ours (the
votes waiting at one moment in one transaction, deliberation/groupcommit.py), each on its own
paragraph so both start from zero votes.

Method. `--watchers` anonymous sockets connect and stay idle except for reading (each keeps the
`votes.changed` with the highest rev); the RSS growth of the server processes over them, divided
by their number, is the memory per idle connection. Then `--voters` logged-in voters (sessions
made by the setup step of bench/fanout.py) connect and for `--seconds` each sends a vote (always
another choice than its last), waits for the answer and sends the next at once (closed loop: the
rate is what the server sustains). A figure is acks per second, the ack latency (send to answer)
median and p99. At the end the API's counts must equal the last acknowledged choice of every
voter ("exact"), and every watcher's newest `votes.changed` must equal the API's counts. CPU:
the server processes' and this client process's CPU time during the voting, each as a share of
one core (they share the machine's cores: a client near 100 % limits the rate, not the server),
and the servers' CPU milliseconds per ack.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u
import fanout as f

CHOICES = ("agree", "disagree", "neutral", "none")


def production_env(tmp: Path, label: str, **extra: str) -> dict[str, str]:
    """A server's environment as in production (DEBUG=0), on loopback, no rate limits."""
    return u.bench_env(
        DEBUG="0",
        SECRET_KEY=f.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        VAR_DIR=str(tmp / f"var-{label}"),
        **extra,
    )


@dataclass
class Round:
    label: str
    acks: int
    seconds: float
    latencies: list[float]
    errors: Counter
    timeouts: int
    exact: bool
    watchers_exact: int
    watchers: int
    idle_kb: float
    server_cpu: float
    client_cpu: float
    rss_kb: list[int]

    @property
    def rate(self) -> float:
        return self.acks / self.seconds


async def vote_round(label, servers, slug, key, sessions, watchers, seconds) -> Round:
    pids = [s.proc.pid for s in servers]
    path = f"/ws/drafts/{slug}/"
    # Warm up (imports, the first connection of each process) before measuring memory.
    warm = await f.connect_many(servers, len(servers), path, lambda ws: None)
    await f.close_all([ws for ws, _, _ in warm])
    await asyncio.sleep(0.5)
    rss_before = sum(u.rss_kb(pid) for pid in pids)
    watching = await f.connect_many(servers, watchers, path, lambda ws: f.Writer(ws, True))
    await asyncio.sleep(1.0)  # presence frames settle
    idle_kb = (sum(u.rss_kb(pid) for pid in pids) - rss_before) / max(1, watchers)
    voting = await f.connect_many(
        servers, len(sessions), path, lambda ws: f.Writer(ws, True), sessions=sessions
    )
    writers = [writer for _, _, writer in voting]
    last = ["none"] * len(writers)
    latencies: list[float] = []
    errors: Counter = Counter()
    timeouts = 0
    rng = random.Random(11)
    round_id = os.urandom(4).hex()  # request ids are remembered for ten minutes per person

    async def voter(i: int, writer, deadline: float) -> None:
        nonlocal timeouts
        n = 0
        while time.perf_counter() < deadline:
            choice = rng.choice([c for c in CHOICES if c != last[i]])
            message = {
                "action": "vote",
                "paragraph": key,
                "choice": choice,
                "request_id": f"{round_id}-{n}",
            }
            n += 1
            t = time.perf_counter()
            try:
                answer = await writer.call(message, 30)
            except TimeoutError:
                timeouts += 1
                return
            if answer["type"] == "ack":
                last[i] = answer["choice"]
                latencies.append(time.perf_counter() - t)
            else:
                errors[answer.get("code")] += 1

    try:
        cpu_before = sum(u.cpu_seconds(pid) for pid in pids)
        client_before = time.process_time()
        start = time.perf_counter()
        await asyncio.gather(*(voter(i, w, start + seconds) for i, w in enumerate(writers)))
        elapsed = time.perf_counter() - start
        server_cpu = (sum(u.cpu_seconds(pid) for pid in pids) - cpu_before) / elapsed
        client_cpu = (time.process_time() - client_before) / elapsed
        await asyncio.sleep(1.5)  # the last coalescing windows close
        api = await asyncio.to_thread(f.api_counts, servers[0], slug, key)
        counted = Counter(c for c in last if c != "none")
        expected = {c: counted.get(c, 0) for c in ("agree", "disagree", "neutral")}
        watchers_exact = sum(
            w.newest_votes[0] >= 0 and json.loads(w.newest_votes[1])["counts"] == api
            for _, _, w in watching
        )
        return Round(
            label,
            len(latencies),
            elapsed,
            latencies,
            errors,
            timeouts,
            timeouts == 0 and expected == api,
            watchers_exact,
            watchers,
            idle_kb,
            server_cpu,
            client_cpu,
            [u.rss_kb(pid) for pid in pids],
        )
    finally:
        everyone = writers + [w for _, _, w in watching]
        await f.close_all([w.ws for w in everyone])
        for w in everyone:
            w.task.cancel()


def scenario(name, processes, env_extra, tmp, args) -> list[Round]:
    env = production_env(tmp, name.split()[0], **env_extra)
    print(f"\n[{name}] a fresh database, the draft and {args.voters} voters ...", flush=True)
    setup = f.prepare_database(env, args.voters)
    rounds = []
    for index, (label, group_commit) in enumerate(
        (("one transaction per vote (baseline)", "0"), ("group commit", "1"))
    ):
        run_env = {**env, "LIVE_GROUP_COMMIT": group_commit}
        servers = [f.start_daphne(run_env, tmp, f"{name[0]}{index}{i}") for i in range(processes)]
        try:
            print(f"[{name}] {label}: {args.watchers} watchers, then voting ...", flush=True)
            result = asyncio.run(
                vote_round(
                    label,
                    servers,
                    setup["slug"],
                    setup["keys"][index + 1],
                    setup["voter_sessions"],
                    args.watchers,
                    args.seconds,
                )
            )
            print(f"[{name}] {label}: {result.rate:.0f} acks/s", flush=True)
            rounds.append(result)
        finally:
            for s in servers:
                u.stop(s.proc)
    return rounds


def report(results: dict[str, list[Round]], args, load_before: str, wall: float) -> None:
    print(
        f"\n=== Votes over websockets: {args.voters} voters in a closed loop for "
        f"{args.seconds:g} s while {args.watchers} watch (DEBUG=0) ==="
    )
    rows = []
    for name, rounds in results.items():
        for r in rounds:
            lat = r.latencies
            rows.append(
                [
                    name,
                    r.label,
                    f"{r.rate:.0f}",
                    f"{u.ms(u.median(lat)) if lat else '-'}/"
                    f"{u.ms(u.percentile(lat, 99)) if lat else '-'}",
                    ", ".join(f"{k} {c}" for k, c in r.errors.items()) or "0",
                    str(r.timeouts),
                    "yes" if r.exact else "NO",
                    f"{r.watchers_exact}/{r.watchers}",
                    f"{r.idle_kb:.1f}",
                    f"{r.server_cpu * 100:.0f}% / {r.client_cpu * 100:.0f}%",
                    f"{r.server_cpu * 1000 / max(r.rate, 1e-9):.2f}",
                    " / ".join(f"{kb // 1024}" for kb in r.rss_kb),
                ]
            )
    print(
        u.table(
            [
                "servers",
                "vote write",
                "acks/s",
                "ack ms median/p99",
                "errors",
                "timeouts",
                "exact",
                "watchers' newest = API",
                "KB per idle socket",
                "CPU server / client",
                "server CPU ms per ack",
                "RSS MB per process",
            ],
            rows,
        )
    )
    goals = {"1 daphne (SQLite)": 1500, "2 daphne+redis (PostgreSQL)": 1200}
    for name, rounds in results.items():
        ours = rounds[-1] if rounds else None
        if ours is None or len(rounds) < 2:
            continue
        p99 = u.percentile(ours.latencies, 99) * 1000 if ours.latencies else float("inf")
        print(
            f"{name}: group commit {ours.rate:.0f} acks/s = {ours.rate / max(rounds[0].rate, 1e-9):.2f}x "
            f"the baseline's {rounds[0].rate:.0f}; goal >= {goals[name]}/s: "
            f"{'met' if ours.rate >= goals[name] else 'NOT met'}; p99 ack {p99:.0f} ms, goal <= 300: "
            f"{'met' if p99 <= 300 else 'NOT met'}; idle socket {ours.idle_kb:.1f} KB, goal <= 32: "
            f"{'met' if ours.idle_kb <= 32 else 'NOT met'}"
        )
    print(
        f"\n(code {u.code_version()}; cores: {os.cpu_count()}; load average before {load_before}, "
        f"after {os.getloadavg()[0]:.2f}; total {wall:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--redis", action="store_true", help="the Redis scenario is required")
    group.add_argument("--no-redis", action="store_true", help="skip the Redis scenario")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite scenario")
    args = parser.parse_args()
    if args.voters < 1 or args.seconds <= 0 or args.watchers < 0:
        parser.error("need voters, a positive duration and no negative watchers")
    u.raise_fd_limit(args.voters + args.watchers + 1000)
    run_b = not args.no_redis and u.redis_available() and u.postgres_available()
    if args.redis and not run_b:
        parser.error(
            "--redis: Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432 must answer"
        )
    started, load_before = time.monotonic(), f"{os.getloadavg()[0]:.2f}"
    results: dict[str, list[Round]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-votes-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            if not args.no_sqlite:
                results["1 daphne (SQLite)"] = scenario("1 daphne (SQLite)", 1, {}, tmp, args)
            if run_b:
                db, redis_db = u.pg_create("bench_votes"), u.redis_claim_db()
                try:
                    results["2 daphne+redis (PostgreSQL)"] = scenario(
                        "2 daphne+redis (PostgreSQL)",
                        2,
                        {"DATABASE_URL": u.pg_url(db), "REDIS_URL": u.redis_url(redis_db)},
                        tmp,
                        args,
                    )
                finally:
                    u.redis_release_db(redis_db)
                    u.pg_drop(db)
        finally:
            u.cleanup()
    report(results, args, load_before, time.monotonic() - started)


if __name__ == "__main__":
    main()
