"""Live fan-out of a new comment to N websocket viewers, against a plain `websockets` floor.

Run by hand (2 cores: the defaults take a few minutes):

    DEBUG=1 .venv/bin/python bench/fanout.py [--viewers 100,500,1000] [--comments 8] [--redis]

Scenarios, each with real servers on free loopback ports and a fresh database:

* floor: a plain `websockets` server that, on a message from one client, broadcasts a JSON text
  of the same shape and size as `comment.created` to every connection (websockets.broadcast);
* plain: one plain Daphne process (`daphne`, without the fan-out fast path of
  deliberation/fastpath.py), in-memory channel layer, SQLite: the "before" of the fast path;
* A: one Daphne process as production runs it (`python -m deliberation.fastpath`), in-memory
  channel layer, SQLite (a temp VAR_DIR);
* B: two Daphne processes, Redis channel layer, a fresh PostgreSQL database; viewers are split
  evenly over both, the author writes through the first. Runs when Redis and PostgreSQL answer
  (`--redis` makes it mandatory, `--no-redis` skips it).

For each N: N anonymous viewers connect (one client process, asyncio) and wait for `hello`; one
author, logged in over HTTP (POST /accounts/login/ with the CSRF token), sends a warm-up comment
and then `--comments` comments, pausing `--pause` s between them. Each figure is the time from
sending until the LAST viewer has that `comment.created` (matched by a unique marker in the
body). The floor and A are measured in turns: both have their N viewers connected, and their
comments alternate (floor, A, A, floor, ...), so a change of the machine's load during the round
weighs on both alike (`--sequential`: the floor alone first, as before). Memory: VmRSS of the
server process(es) once the author and one idle socket per process are connected (everything
imported) and after all hellos, divided by N. Servers are restarted for every N, so the RSS
figures do not reuse memory freed by the previous round.

Then the sustained vote rate: `--voters` logged-in voters (sessions made in the setup step with
Django's login()), each on its own socket, change their vote on one paragraph for
`--vote-seconds` seconds, waiting for each ack (request_id) and sending at most 4 frames/s per
socket, under the consumer's limit of 20 frames at once then 5 per second. Every vote is also
broadcast as `votes.changed` to all voters. At the end the totals of GET /api/drafts/<slug>/
must equal the last acknowledged choice of every voter ("exact"), and the newest `votes.changed`
(highest rev; they are coalesced per paragraph) each socket received must equal them as well.

The servers run with DEBUG=1 (as `make run`), LOG_LEVEL=WARNING and the per-user rate limits
lifted (RATE_LIMIT_VOTES etc.); the client and the servers share the machine's cores. With the
default 8 comments, the p99 is the maximum. `--skip floor,plain,single,votes` leaves scenarios
out;
`--server-env NAME=VALUE` adds environment for the Daphne processes (e.g. DEBUG=0 with
ALLOWED_HOSTS=127.0.0.1 and SECURE_SSL_REDIRECT=0 to run them as production does).
See bench/README.md for figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import http.cookiejar
import json
import os
import random
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u

SECRET_KEY = "bench-fanout-" + uuid.uuid4().hex  # shared by both Daphne processes of scenario B
AUTHOR, AUTHOR_PASSWORD = "bench_author", "Bench-Passwort-" + uuid.uuid4().hex[:12]
CHOICES = ("agree", "disagree", "neutral", "none")
FILLER = (
    "Ich finde, die Verwaltung sollte die Vorhabenliste früher veröffentlichen und auch "
    "Vorhaben aufnehmen, über die der Stadtrat noch nicht beraten hat."
)
VOTE_RATE_PER_SOCKET = 4.0  # frames/s; the consumer allows 20 at once, then 5 per second
WAIT_COMMENT = 20.0  # s: the longest we wait for one comment to reach every viewer
CONNECT_TIMEOUT = 60.0


# Child modes: the setup step and the floor server ------------------------------------------


def setup_child(voters: int) -> None:
    """In a fresh, migrated database: users, an open post-moderated draft, voters' sessions."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model, login
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpRequest

    from deliberation.accounts.confirmation import email_confirm
    from drafts.models import ModerationMode
    from drafts.services import draft_create, draft_open

    users = get_user_model()
    author = users.objects.create_user(
        AUTHOR, f"{AUTHOR}@example.org", os.environ["BENCH_AUTHOR_PASSWORD"]
    )
    email_confirm(user=author)  # writes at once, as a confirmed account does
    wg = users.objects.create_user("bench_wg", "bench_wg@example.org")
    text = (u.ROOT / "deliberation" / "demo" / "leitlinien_v1.md").read_text(encoding="utf-8")
    draft = draft_create(
        title="Fan-out benchmark",
        slug="fanout",
        text=text,
        user=wg,
        moderation=ModerationMode.POST,
    )
    draft_open(draft=draft)
    keys = [
        str(k)
        for k in draft.paragraphs.filter(archived=False)
        .exclude(kind="heading")
        .order_by("position")
        .values_list("key", flat=True)
    ]
    unusable = make_password(None)
    created = users.objects.bulk_create(
        [
            users(
                username=f"bench_voter{i:04d}",
                email=f"bench_voter{i:04d}@example.org",
                password=unusable,
            )
            for i in range(voters)
        ]
    )
    # Confirmed addresses, as the author's: what they write is published at once, not held.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        [EmailAddress(user=v, email=v.email, verified=True, primary=True) for v in created]
    )
    sessions = []
    for user in users.objects.filter(username__startswith="bench_voter").order_by("username"):
        request = HttpRequest()
        request.session = SessionStore()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        sessions.append(request.session.session_key)
    print(json.dumps({"slug": draft.slug, "keys": keys, "voter_sessions": sessions}))


def floor_payload(seq: int, body: str) -> str:
    """A `comment.created` text shaped like the app's (comments/serializers.py)."""
    return json.dumps(
        {
            "type": "comment.created",
            "seq": seq,
            "comment": {
                "id": 1000 + seq,
                "paragraph": "3f1c2a9e-6c1b-4a51-9d7e-2b0f4c8e7a10",
                "parent": None,
                "author": AUTHOR,
                "body_html": f"<p>{html.escape(body)}</p>",
                "created": "2026-03-21T18:00:00.123456+00:00",
                "version": 1,
                "supports": 0,
                "status": "published",
                "depth": 0,
                "edited": None,
                "channel": "online",
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def floor_child(port: int, lifetime: float) -> None:
    """The floor: on any message, websockets.broadcast one encoded text to every connection."""
    from websockets.asyncio.server import broadcast, serve

    async def main():
        connections = set()
        seq = 0

        async def handler(ws):
            nonlocal seq
            connections.add(ws)
            try:
                await ws.send(
                    json.dumps(
                        {
                            "type": "hello",
                            "seq": seq,
                            "version": 1,
                            "viewers": len(connections),
                            "user": None,
                        },
                        separators=(",", ":"),
                    )
                )
                async for message in ws:
                    seq += 1
                    broadcast(connections, floor_payload(seq, json.loads(message).get("body", "")))
            finally:
                connections.discard(ws)

        async with serve(
            handler, "127.0.0.1", port, compression=None, ping_interval=None, max_queue=None
        ):
            await asyncio.sleep(lifetime)  # bounded: the parent stops it long before

    asyncio.run(main())


# Servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    proc: object
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    # What websockets' connect() needs besides the address (a proxy's TLS, its address).
    connect_kwargs: dict = field(default_factory=dict)

    def open(self, path: str, timeout: float = 30):
        """GET `path` from this server (an HTTP response to read)."""
        return opener().open(f"{self.http}{path}", timeout=timeout)


def start_daphne(env: dict[str, str], tmp: Path, label: str, plain: bool = False) -> Server:
    """Daphne as production runs it (deliberation.fastpath), or `plain` Daphne."""
    port = u.free_port()
    log = tmp / f"daphne-{label}-{port}.log"
    command = [u.DAPHNE] if plain else u.FAST_DAPHNE
    if not plain:
        env = {**env, "LOG_LEVEL": "INFO"}  # the fast path's count of frames, said at the stop
    proc = u.start(
        [*command, "-b", "127.0.0.1", "-p", str(port), "deliberation.asgi:application"],
        env=env,
        log=log,
    )
    u.wait_port(port, proc, log)
    server = Server(port, proc, log)
    # Ready when Django answers (imports done), not only when the port listens.
    deadline = time.monotonic() + 30
    while True:
        try:
            with opener().open(f"{server.http}/api/drafts/", timeout=10) as response:
                response.read()
            return server
        except Exception:
            if time.monotonic() > deadline:
                raise SystemExit(f"Daphne did not answer:\n{u.tail(log)}") from None
            time.sleep(0.2)


def fast_path_counts(log: Path) -> str:
    """ "at once/behind/ASGI": the frames a stopped server's fast path wrote at once, queued
    behind buffered data, and left to the ASGI send (its last words, deliberation/fastpath.py),
    or "off" with the reason, or "?" when it said nothing."""
    text = log.read_text(errors="replace")
    off = re.search(r"live fast path off: (.*)", text)
    if off:
        return f"off ({off.group(1).strip()})"
    said = re.findall(
        r"live fast path: (\d+) frames written at once, (\d+) behind .*?(\d+) left", text
    )
    return "/".join(said[-1]) if said else "?"


def start_floor(tmp: Path) -> Server:
    port = u.free_port()
    log = tmp / f"floor-{port}.log"
    proc = u.start([u.PYTHON, __file__, "--_floor", str(port)], env=u.bench_env(), log=log)
    u.wait_port(port, proc, log)
    return Server(port, proc, log)


def opener(jar: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    handlers = [urllib.request.ProxyHandler({})]  # loopback only, never a proxy
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def http_login(server: Server, username: str, password: str) -> str:
    """Log in like a browser: GET the form for the CSRF token, POST it; the session key."""
    jar = http.cookiejar.CookieJar()
    web = opener(jar)
    with web.open(f"{server.http}/accounts/login/", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    with web.open(f"{server.http}/accounts/login/", data=data, timeout=30) as response:
        response.read()
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise SystemExit("login failed: no sessionid cookie")


def api_counts(server: Server, slug: str, key: str) -> dict[str, int]:
    with server.open(f"/api/drafts/{slug}/") as response:
        data = json.loads(response.read())
    for paragraph in data["paragraphs"]:
        if paragraph["key"] == key:
            return {c: paragraph["counts"][c] for c in ("agree", "disagree", "neutral")}
    raise SystemExit(f"paragraph {key} not in the API answer")


# Clients ---------------------------------------------------------------------------------


async def ws_connect(server: Server, path: str, session: str | None = None):
    from websockets.asyncio.client import connect

    headers = {"Cookie": f"sessionid={session}"} if session else None
    ws = await connect(
        f"{server.ws_base}{path}",
        origin=server.http,
        additional_headers=headers,
        compression=None,
        proxy=None,
        open_timeout=CONNECT_TIMEOUT,
        ping_interval=None,
        close_timeout=2,
        **server.connect_kwargs,
    )
    while True:  # the first frame is the hello (the floor's too)
        message = await asyncio.wait_for(ws.recv(), CONNECT_TIMEOUT)
        if '"type":"hello"' in message:
            return ws, json.loads(message)


@dataclass
class Round:
    """One comment on its way to every viewer."""

    target: int
    marker: str | None = None
    got: int = 0
    duplicates: int = 0
    closed: int = 0  # viewers whose connection ended during the round
    last: float = 0.0
    sample: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)


async def viewer_reader(ws, state: Round) -> None:
    from websockets.exceptions import ConnectionClosed

    seen = None
    with contextlib.suppress(ConnectionClosed):
        async for message in ws:
            marker = state.marker
            if marker is not None and marker in message:
                if seen == marker:
                    state.duplicates += 1
                    continue
                seen = marker
                state.got += 1
                if not state.sample:
                    state.sample = message
                if state.got >= state.target:
                    state.last = time.perf_counter()
                    state.done.set()
    state.closed += 1  # not reached when the round cancels the reader


class Writer:
    """A socket that sends actions and matches acks/errors by request_id."""

    def __init__(self, ws, tally_votes: bool = False):
        self.ws = ws
        self.pending: dict[str, asyncio.Future] = {}
        self.tally_votes = tally_votes
        self.newest_votes: tuple[int, str] = (-1, "")
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        with contextlib.suppress(ConnectionClosed):
            async for message in self.ws:
                head = message[:40]
                if '"type":"ack"' in head or '"type":"error"' in head:
                    data = json.loads(message)
                    future = self.pending.pop(data.get("request_id"), None)
                    if future is not None and not future.done():
                        future.set_result(data)
                elif self.tally_votes and head.startswith('{"type":"votes.changed"'):
                    # The counts with the highest rev win (frames are coalesced per paragraph).
                    start = message.rindex('"rev":') + len('"rev":')
                    rev = int(message[start : message.index("}", start)])
                    if rev > self.newest_votes[0]:
                        self.newest_votes = (rev, message)

    async def call(self, message: dict, timeout: float) -> dict:
        request_id = message["request_id"]
        future = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        await self.ws.send(json.dumps(message))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self.pending.pop(request_id, None)


async def close_all(sockets) -> None:
    sem = asyncio.Semaphore(200)

    async def close(ws):
        async with sem:
            with contextlib.suppress(Exception):
                await ws.close()

    await asyncio.gather(*(close(ws) for ws in sockets))


async def connect_many(servers, count, path, on_open, sessions=None, concurrency=50):
    """`count` sockets spread round-robin over `servers`: (socket, hello, on_open's result).

    `on_open` starts reading a socket as soon as its hello is in: a socket left unread while
    the others connect fills its receive queue (presence frames), stops reading, misses the
    server's pings and is closed by Daphne.
    """
    sem = asyncio.Semaphore(concurrency)

    async def one(i):
        # An overloaded server drops a few handshakes: each is tried up to five times.
        for attempt in range(5):
            try:
                async with sem:
                    session = sessions[i] if sessions else None
                    ws, hello = await ws_connect(servers[i % len(servers)], path, session)
                return ws, hello, on_open(ws)
            except Exception:
                if attempt == 4:
                    raise
                await asyncio.sleep(1 + attempt + random.random())

    results = await asyncio.gather(*(one(i) for i in range(count)), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    good = [r for r in results if not isinstance(r, BaseException)]
    if failures:
        await close_all([ws for ws, _, _ in good])
        raise RuntimeError(f"{len(failures)} of {count} connections failed: {failures[0]!r}")
    return good


@dataclass
class FanoutResult:
    latencies: list[float]
    missing: int = 0
    duplicates: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)
    connect_seconds: float = 0.0
    acks: list[float] = field(default_factory=list)  # s from send to the author's ack
    rss_per_conn_kb: float | None = None
    frame_bytes: int = 0
    fast_path: str = "-"  # frames written at once / behind buffered data / by the ASGI send

    @property
    def median(self):
        return u.median(self.latencies) if self.latencies else None

    @property
    def p99(self):
        return u.percentile(self.latencies, 99) if self.latencies else None


@dataclass
class Audience:
    """An author and N reading viewers on one scenario's servers, for a series of comments."""

    floor: bool
    key: str
    author: Writer
    state: Round
    result: FanoutResult
    sockets: list  # every socket to close at the end
    tasks: list  # every reader to cancel at the end
    timeouts: int = 0


async def open_audience(servers, pids, n, slug, key, session, floor) -> Audience:
    """Connect the author, one idle socket per further process, a warm-up comment, then the N
    viewers (RSS of the processes before and after them: the memory per connection)."""
    path = f"/ws/drafts/{slug}/"
    state = Round(target=n)
    author_ws, hello = await ws_connect(servers[0], path, session)
    sockets, tasks = [author_ws], []
    try:
        if not floor and hello.get("user") is None:
            raise SystemExit("the author's session was not accepted on the websocket")
        author = Writer(author_ws)
        tasks.append(author.task)
        # One idle socket per process, so the hub and the consumer code exist before RSS "before".
        for server in servers[1:]:
            ws, _ = await ws_connect(server, path)
            sockets.append(ws)
            tasks.append(asyncio.create_task(viewer_reader(ws, Round(target=1 << 30))))
        await send_comment(author, key, "warm-up " + uuid.uuid4().hex, floor)
        await asyncio.sleep(0.5)
        before = sum(u.rss_kb(pid) for pid in pids)
        t0 = time.perf_counter()
        opened = await connect_many(
            servers, n, path, lambda ws: asyncio.create_task(viewer_reader(ws, state))
        )
        connect_seconds = time.perf_counter() - t0
        sockets += [ws for ws, _, _ in opened]
        tasks += [task for _, _, task in opened]
        await asyncio.sleep(1.5)  # let the presence frames of the arrivals go out
        after = sum(u.rss_kb(pid) for pid in pids)
    except BaseException:
        await close_audience_parts(sockets, tasks)
        raise
    result = FanoutResult(
        latencies=[], connect_seconds=connect_seconds, rss_per_conn_kb=(after - before) / n
    )
    return Audience(floor, key, author, state, result, sockets, tasks)


async def measure_comment(audience: Audience, index: int) -> bool:
    """Send one comment and wait until the last viewer has it; False: stop the series (two
    comments did not reach every viewer)."""
    state, result = audience.state, audience.result
    marker = "mk" + uuid.uuid4().hex[:16]
    state.got, state.last = 0, 0.0
    state.done.clear()
    state.marker = marker
    t_send = time.perf_counter()
    ack = asyncio.create_task(
        send_comment(audience.author, audience.key, f"{marker} {FILLER}", audience.floor)
    )
    try:
        await asyncio.wait_for(state.done.wait(), WAIT_COMMENT)
        result.latencies.append(state.last - t_send)
    except TimeoutError:
        result.missing += state.target - state.got
        result.errors.append(f"comment {index}: {state.target - state.got} viewers missing")
        audience.timeouts += 1
    error, ack_seconds = await ack
    if error:
        result.errors.append(f"comment {index}: {error}")
    elif ack_seconds is not None:
        result.acks.append(ack_seconds)
    state.marker = None
    if audience.timeouts >= 2:  # bounded: a round that loses viewers stops after two misses
        result.errors.append(f"stopped after comment {index}")
        return False
    return True


def finish(audience: Audience) -> FanoutResult:
    result, state = audience.result, audience.state
    result.duplicates = state.duplicates
    result.dropped = state.closed
    result.frame_bytes = len(state.sample.encode())
    return result


async def close_audience_parts(sockets, tasks) -> None:
    for task in tasks:
        task.cancel()
    await close_all(sockets)


async def fanout_round(servers, pids, n, slug, key, session, comments, pause, floor):
    """One scenario alone: N viewers, then `comments` comments `pause` s apart."""
    audience = await open_audience(servers, pids, n, slug, key, session, floor)
    try:
        for i in range(comments):
            if not await measure_comment(audience, i):
                break
            await asyncio.sleep(pause)
        return finish(audience)
    finally:
        await close_audience_parts(audience.sockets, audience.tasks)


async def paired_round(floor_server, servers, pids, n, slug, key, session, comments, pause):
    """The floor and a Daphne scenario side by side: N viewers on each, then their comments
    in turns (floor, app, app, floor, ...), so that a change of the machine's load during the
    round weighs on both alike. (floor result, app result)."""
    floor = await open_audience(
        [floor_server], [floor_server.proc.pid], n, "floor", "p", None, floor=True
    )
    try:
        app = await open_audience(servers, pids, n, slug, key, session, floor=False)
        try:
            for i in range(comments):
                for audience in (floor, app) if i % 2 == 0 else (app, floor):
                    going = await measure_comment(audience, i)
                    await asyncio.sleep(pause)
                    if not going:
                        return finish(floor), finish(app)
            return finish(floor), finish(app)
        finally:
            await close_audience_parts(app.sockets, app.tasks)
    finally:
        await close_audience_parts(floor.sockets, floor.tasks)


async def send_comment(author: Writer, key: str, body: str, floor: bool):
    """Send one comment; for Daphne wait for the ack. (error text or None, seconds to ack)."""
    message = {
        "action": "comment",
        "paragraph": key,
        "body": body,
        "parent": None,
        "request_id": "c" + uuid.uuid4().hex[:12],
    }
    if floor:
        await author.ws.send(json.dumps(message))
        return None, None
    t = time.perf_counter()
    try:
        answer = await author.call(message, WAIT_COMMENT)
    except TimeoutError:
        return "no ack", None
    if answer["type"] != "ack":
        return f"{answer.get('code')}: {answer.get('message')}", None
    return None, time.perf_counter() - t


@dataclass
class VoteResult:
    voters: int
    seconds: float
    acks: int
    errors: Counter
    timeouts: int
    latencies: list[float]
    expected: dict
    api: dict
    sockets_agree: int
    server_cpu: float
    client_cpu: float

    @property
    def rate(self):
        return self.acks / self.seconds

    @property
    def exact(self):
        return self.timeouts == 0 and self.expected == self.api


async def vote_round(servers, pids, slug, key, sessions, seconds) -> VoteResult:
    path = f"/ws/drafts/{slug}/"
    conns = await connect_many(
        servers, len(sessions), path, lambda ws: Writer(ws, tally_votes=True), sessions=sessions
    )
    writers = [writer for _, _, writer in conns]
    if any(hello.get("user") is None for _, hello, _ in conns):
        await close_all([w.ws for w in writers])
        raise SystemExit("a voter's session was not accepted on the websocket")
    last_choice = ["none"] * len(writers)
    errors: Counter = Counter()
    latencies: list[float] = []
    timeouts = 0
    max_per_voter = int(seconds * VOTE_RATE_PER_SOCKET) + 1
    interval = 1 / VOTE_RATE_PER_SOCKET
    rng = random.Random(7)

    async def voter(i: int, writer: Writer, start: float) -> None:
        nonlocal timeouts
        await asyncio.sleep(rng.random() * interval)  # spread the starts over one interval
        for n in range(max_per_voter):
            t = time.perf_counter()
            if t - start >= seconds:
                return
            choice = rng.choice([c for c in CHOICES if c != last_choice[i]])
            message = {
                "action": "vote",
                "paragraph": key,
                "choice": choice,
                "request_id": f"v{i}-{n}",
            }
            try:
                answer = await writer.call(message, 20)
            except TimeoutError:
                timeouts += 1  # the vote may or may not have counted: "exact" becomes "no"
                return
            if answer["type"] == "ack":
                last_choice[i] = answer["choice"]
                latencies.append(time.perf_counter() - t)
            else:
                errors[answer.get("code")] += 1
            await asyncio.sleep(max(0.0, t + interval - time.perf_counter()))

    try:
        cpu_before = sum(u.cpu_seconds(pid) for pid in pids)
        client_before = time.process_time()
        start = time.perf_counter()
        await asyncio.gather(*(voter(i, w, start) for i, w in enumerate(writers)))
        elapsed = time.perf_counter() - start
        server_cpu = (sum(u.cpu_seconds(pid) for pid in pids) - cpu_before) / elapsed
        client_cpu = (time.process_time() - client_before) / elapsed
        await asyncio.sleep(1.0)  # the last broadcasts
        api = await asyncio.to_thread(api_counts, servers[0], slug, key)
        counted = Counter(c for c in last_choice if c != "none")
        expected = {c: counted.get(c, 0) for c in ("agree", "disagree", "neutral")}
        agree = 0
        for w in writers:
            if w.newest_votes[0] >= 0:
                counts = json.loads(w.newest_votes[1])["counts"]
                agree += counts == api
        return VoteResult(
            len(writers),
            elapsed,
            len(latencies),
            errors,
            timeouts,
            latencies,
            expected,
            api,
            agree,
            server_cpu,
            client_cpu,
        )
    finally:
        await close_all([w.ws for w in writers])
        for w in writers:
            w.task.cancel()


# Scenarios -------------------------------------------------------------------------------


def prepare_database(env: dict[str, str], voters: int) -> dict:
    u.run([u.PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=env)
    if env.get("DEBUG") == "0":  # as in production: pages need the collected static files
        u.run([u.PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env)
    out = u.run(
        [u.PYTHON, __file__, "--_setup", "--voters", str(voters)],
        env={**env, "BENCH_AUTHOR_PASSWORD": AUTHOR_PASSWORD},
    )
    return json.loads(out.strip().splitlines()[-1])


def run_daphne_scenario(
    label, env, processes, tmp, args, viewer_counts, plain=False, floor_server=None, floor=None
):
    """Each N on freshly started servers; with `floor_server`, in turns with the floor (its
    results go into `floor`)."""
    print(f"\n[{label}] migrating a fresh database and creating the draft ...", flush=True)
    setup = prepare_database(env, args.voters)
    slug, keys = setup["slug"], setup["keys"]
    results: dict[int, FanoutResult | str] = {}
    for n in viewer_counts:
        servers = [start_daphne(env, tmp, f"{label}{i}", plain) for i in range(processes)]
        try:
            # With DEBUG=0 the session cookie is Secure and never sent back over plain HTTP:
            # the author is then a voter whose session the setup made.
            session = (
                setup["voter_sessions"][0]
                if env.get("DEBUG") == "0"
                else http_login(servers[0], AUTHOR, AUTHOR_PASSWORD)
            )
            pids = [s.proc.pid for s in servers]
            if floor_server is not None:
                print(f"[{label}] {n} viewers, in turns with the floor ...", flush=True)
                floor[n], results[n] = asyncio.run(
                    paired_round(
                        floor_server,
                        servers,
                        pids,
                        n,
                        slug,
                        keys[0],
                        session,
                        args.comments,
                        args.pause,
                    )
                )
                report_round("floor", n, floor[n])
            else:
                print(f"[{label}] {n} viewers ...", flush=True)
                results[n] = asyncio.run(
                    fanout_round(
                        servers,
                        pids,
                        n,
                        slug,
                        keys[0],
                        session,
                        args.comments,
                        args.pause,
                        floor=False,
                    )
                )
            report_round(label, n, results[n])
        except RuntimeError as exc:
            results[n] = str(exc)
            print(f"[{label}] {n} viewers: {exc}", flush=True)
        finally:
            for s in servers:
                u.stop(s.proc)
            if isinstance(results.get(n), FanoutResult) and not plain:
                results[n].fast_path = " + ".join(fast_path_counts(s.log) for s in servers)
    vote = None
    if args.vote_seconds > 0 and args.voters > 0 and not plain:
        servers = [start_daphne(env, tmp, f"{label}v{i}") for i in range(processes)]
        try:
            print(f"[{label}] {args.voters} voters for {args.vote_seconds:g} s ...", flush=True)
            vote = asyncio.run(
                vote_round(
                    servers,
                    [s.proc.pid for s in servers],
                    slug,
                    keys[1],
                    setup["voter_sessions"],
                    args.vote_seconds,
                )
            )
        finally:
            for s in servers:
                u.stop(s.proc)
    return results, vote


def run_floor(server, args, viewer_counts):
    """The floor alone, for each N (when it is not measured in turns with 1 Daphne)."""
    results = {}
    for n in viewer_counts:
        print(f"[floor] {n} viewers ...", flush=True)
        try:
            results[n] = asyncio.run(
                fanout_round(
                    [server],
                    [server.proc.pid],
                    n,
                    "floor",
                    "p",
                    None,
                    args.comments,
                    args.pause,
                    floor=True,
                )
            )
            report_round("floor", n, results[n])
        except RuntimeError as exc:
            results[n] = str(exc)
            print(f"[floor] {n} viewers: {exc}", flush=True)
    return results


def report_round(label, n, r: FanoutResult) -> None:
    print(
        f"[{label}] {n} viewers: connected in {r.connect_seconds:.1f} s, "
        f"median {u.ms(r.median)} ms, p99 {u.ms(r.p99)} ms over {len(r.latencies)} comments"
        + (f", ack median {u.ms(u.median(r.acks))} ms" if r.acks else "")
        + (f", {r.duplicates} duplicate deliveries" if r.duplicates else "")
        + (f", {r.dropped} connections closed by the server" if r.dropped else "")
        + (f", problems: {'; '.join(r.errors)}" if r.errors else ""),
        flush=True,
    )


def cell(r, floor=None) -> str:
    if r is None:
        return "not run"
    if isinstance(r, str):
        return "failed"
    if not r.latencies:
        return f"timeout ({r.missing} missing)"
    text = f"{u.ms(r.median)}/{u.ms(r.p99)}"
    if floor is not None and not isinstance(floor, str) and floor.latencies:
        text += f" ({r.median / floor.median:.2f}x)"
    if r.missing:
        text += f" [{r.missing} missing]"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--viewers", default="100,500,1000", help="comma-separated viewer counts (2000 is optional)"
    )
    parser.add_argument("--comments", type=int, default=8, help="measured comments per count")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between comments")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--redis", action="store_true", help="scenario B is required")
    group.add_argument("--no-redis", action="store_true", help="skip scenario B")
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--vote-seconds", type=float, default=10.0)
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated scenarios to leave out: floor, plain (1 Daphne without the "
        "fan-out fast path), single (1 Daphne), votes",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the Daphne processes, e.g. DEBUG=0 (repeatable)",
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="measure the floor alone before the servers, not in turns with 1 Daphne",
    )
    parser.add_argument("--_setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_floor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._setup:
        return setup_child(args.voters)
    if args._floor:
        return floor_child(args._floor, lifetime=3600)

    viewer_counts = [int(v) for v in args.viewers.split(",") if v.strip()]
    if args.comments < 1 or not viewer_counts or min(viewer_counts) < 1:
        parser.error("need at least one comment and positive viewer counts")
    limit = u.raise_fd_limit(max(viewer_counts) + args.voters + 1000)
    if limit < max(viewer_counts) + 200:
        parser.error(f"the open-file limit is {limit}: too low for {max(viewer_counts)} viewers")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    scenarios = {"floor", "plain", "single", "votes"}
    if skip - scenarios:
        parser.error(f"--skip: unknown {', '.join(sorted(skip - scenarios))}")
    if "votes" in skip:
        args.vote_seconds = 0
    try:
        extra = dict(item.split("=", 1) for item in args.server_env)
    except ValueError:
        parser.error("--server-env takes NAME=VALUE")
    args.extra_env = extra
    run_b = not args.no_redis and u.redis_available() and u.postgres_available()
    if args.redis and not run_b:
        parser.error(
            "--redis: Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432 must answer"
        )

    started = time.monotonic()
    args.load_before = f"{os.getloadavg()[0]:.2f}"  # other work on the machine skews figures
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            floor_server = None if "floor" in skip else start_floor(tmp)
            # The floor goes in turns with 1 Daphne when both run (--sequential: one after the
            # other, as before), so that both meet the same load of the machine.
            paired = floor_server is not None and "single" not in skip and not args.sequential
            floor = (
                run_floor(floor_server, args, viewer_counts) if floor_server and not paired else {}
            )
            plain = {}
            if "plain" not in skip:
                env_p = u.bench_env(VAR_DIR=str(tmp / "var-p"), SECRET_KEY=SECRET_KEY, **extra)
                plain, _ = run_daphne_scenario(
                    "1 plain daphne", env_p, 1, tmp, args, viewer_counts, plain=True
                )
            single, vote_a = {}, None
            if "single" not in skip:
                env_a = u.bench_env(VAR_DIR=str(tmp / "var-a"), SECRET_KEY=SECRET_KEY, **extra)
                single, vote_a = run_daphne_scenario(
                    "1 daphne",
                    env_a,
                    1,
                    tmp,
                    args,
                    viewer_counts,
                    floor_server=floor_server if paired else None,
                    floor=floor,
                )
            double, vote_b = {}, None
            if run_b:
                db = u.pg_create("bench_fanout")
                redis_db = u.redis_claim_db()
                env_b = u.bench_env(
                    VAR_DIR=str(tmp / "var-b"),
                    SECRET_KEY=SECRET_KEY,
                    DATABASE_URL=u.pg_url(db),
                    REDIS_URL=u.redis_url(redis_db),
                    **extra,
                )
                try:
                    double, vote_b = run_daphne_scenario(
                        "2 daphne+redis", env_b, 2, tmp, args, viewer_counts
                    )
                finally:
                    u.redis_release_db(redis_db)
                    u.pg_drop(db)
        finally:
            u.cleanup()

    print_report(
        args,
        viewer_counts,
        floor,
        plain,
        single,
        double,
        vote_a,
        vote_b,
        run_b,
        time.monotonic() - started,
    )


def print_report(args, counts, floor, plain, single, double, vote_a, vote_b, run_b, wall) -> None:
    def rss(r):
        return f"{r.rss_per_conn_kb:.0f}" if isinstance(r, FanoutResult) else "-"

    print(
        "\n=== Fan-out of one new comment: ms from send until the LAST viewer has it "
        f"(median/p99 of {args.comments} comments) ==="
    )
    rows = []
    for n in counts:
        rows.append(
            [
                str(n),
                cell(floor.get(n)),
                cell(plain.get(n), floor.get(n)),
                cell(single.get(n), floor.get(n)),
                cell(double.get(n), floor.get(n)) if run_b else "not run",
                rss(single.get(n)) + " / " + (rss(double.get(n)) if run_b else "-"),
                rss(floor.get(n)),
            ]
        )
    print(
        u.table(
            [
                "viewers",
                "floor median/p99",
                "1 plain daphne (ratio)",
                "1 daphne median/p99 (ratio)",
                "2 daphne+redis median/p99 (ratio)",
                "RSS KB/conn (1 / 2 daphne)",
                "floor RSS KB/conn",
            ],
            rows,
        )
    )
    sizes = {
        name: r.frame_bytes
        for name, res in (("floor", floor), ("daphne", single))
        for r in res.values()
        if isinstance(r, FanoutResult)
    }
    print(
        f"frame size of comment.created: app {sizes.get('daphne', '?')} B, "
        f"floor {sizes.get('floor', '?')} B"
    )
    one_k = single.get(1000)
    if (
        isinstance(one_k, FanoutResult)
        and one_k.latencies
        and isinstance(floor.get(1000), FanoutResult)
    ):
        ratio = one_k.median / floor[1000].median
        print(
            f"goal (1,000 viewers on one process within 1.3x the floor): "
            f"{'met' if ratio <= 1.3 else 'NOT met'} ({ratio:.2f}x)"
        )

    def detail(r, what):
        if not isinstance(r, FanoutResult):
            return "-"
        if what == "connect":
            return f"{r.connect_seconds:.1f}"
        if what == "fast":
            return r.fast_path
        return u.ms(u.median(r.acks)) if r.acks else "-"

    print(
        "\nDetails: seconds until all N hellos (50 handshakes at a time); ms from send to the "
        "author's ack (the write: parse, comment_create, commit, hand-off to the layer); frames "
        "of the fast path, said by each server when it stopped: written at once / behind "
        "buffered data / left to the ASGI send"
    )
    rows = [
        [
            str(n),
            detail(floor.get(n), "connect"),
            detail(single.get(n), "connect"),
            detail(double.get(n), "connect") if run_b else "-",
            detail(single.get(n), "ack"),
            detail(double.get(n), "ack") if run_b else "-",
            detail(single.get(n), "fast"),
            detail(double.get(n), "fast") if run_b else "-",
        ]
        for n in counts
    ]
    print(
        u.table(
            [
                "viewers",
                "connect s floor",
                "connect s 1 daphne",
                "connect s 2 daphne",
                "ack ms 1 daphne",
                "ack ms 2 daphne",
                "fast path frames 1 daphne",
                "fast path frames 2 daphne",
            ],
            rows,
        )
    )

    def trouble(r) -> str:
        if isinstance(r, str):
            return r
        parts = list(r.errors)
        if r.duplicates:
            parts.append(f"{r.duplicates} duplicate deliveries")
        if r.dropped:
            parts.append(f"{r.dropped} connections closed by the server")
        return "; ".join(parts)

    problems = [
        f"{label} {n}: {trouble(r)}"
        for label, res in (
            ("floor", floor),
            ("1 plain daphne", plain),
            ("1 daphne", single),
            ("2 daphne", double),
        )
        for n, r in res.items()
        if trouble(r)
    ]
    for p in problems:
        print("problem:", p)

    if vote_a is None and vote_b is None:
        print("\n(votes not measured)")
    else:
        print_votes(args, vote_a, vote_b)
    for label, v in (("1 daphne", vote_a), ("2 daphne+redis", vote_b)):
        if v is not None:
            print(
                f"{label}: {v.acks} acks in {v.seconds:.1f} s; API {v.api}, "
                f"expected from last choices {v.expected}"
            )
    print(
        f"\n(code {u.code_version()}; cores: {os.cpu_count()}; servers DEBUG={args.extra_env.get('DEBUG', '1')}, rate limits "
        f"lifted{''.join(f', {k}={v}' for k, v in args.extra_env.items())}; "
        f"load average before {args.load_before}, after {os.getloadavg()[0]:.2f}; "
        f"total {wall:.0f} s)"
    )


def print_votes(args, vote_a, vote_b) -> None:
    print(
        f"\n=== Sustained votes over websockets: {args.voters} voters, each <= "
        f"{VOTE_RATE_PER_SOCKET:g} frames/s (consumer limit: 20 at once, then 5/s), "
        "waiting for each ack ==="
    )
    rows = []
    for label, v in (("1 daphne (SQLite)", vote_a), ("2 daphne+redis (PostgreSQL)", vote_b)):
        if v is None:
            rows.append([label, "not run", "", "", "", "", "", ""])
            continue
        rows.append(
            [
                label,
                f"{v.rate:.0f}",
                f"{u.ms(u.median(v.latencies)) if v.latencies else '-'}/"
                f"{u.ms(u.percentile(v.latencies, 99)) if v.latencies else '-'}",
                ", ".join(f"{k} {c}" for k, c in v.errors.items()) or "0",
                str(v.timeouts),
                f"{v.server_cpu * 100:.0f}% / {v.client_cpu * 100:.0f}%",
                "yes" if v.exact else "no",
                f"{v.sockets_agree}/{v.voters}",
            ]
        )
    print(
        u.table(
            [
                "servers",
                "acks/s",
                "ack ms median/p99",
                "errors",
                "timeouts",
                "CPU (% of a core) servers / client",
                "exact",
                "newest votes.changed = API",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
