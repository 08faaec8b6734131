"""Shared helpers of the benchmarks: subprocesses, fresh databases, /proc figures, tables.

Everything here stays on loopback addresses, and everything a benchmark starts (server
processes, PostgreSQL databases, Redis keys) is registered here and removed on exit, also when
the benchmark fails or is interrupted (try/finally in the callers, plus atexit and SIGTERM here).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
DAPHNE = str(VENV_BIN / "daphne")  # plain Daphne, as before the fan-out fast path
FAST_DAPHNE = [PYTHON, "-m", "deliberation.fastpath"]  # as production runs it
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
PG_ADMIN_DSN = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Rate limits are per user and minute; a benchmark that measures throughput must not hit them.
NO_LIMIT = "100000000"

_children: list[subprocess.Popen] = []
_databases: list[str] = []
_redis_dbs: list[int] = []


def _set_pdeathsig() -> None:
    """In the child before exec: get SIGTERM when the benchmark dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def bench_env(**overrides: str | None) -> dict[str, str]:
    """The environment of a benchmark server or child: DEBUG=1, quiet logs, no rate limits.

    DATABASE_URL and REDIS_URL are removed unless given: each run gets its own database.
    """
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update(
        {
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "deliberation.settings",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "RATE_LIMIT_VOTES": NO_LIMIT,
            "RATE_LIMIT_COMMENTS": NO_LIMIT,
            "RATE_LIMIT_SUPPORTS": NO_LIMIT,
            "RATE_LIMIT_SOCKET_FRAMES": NO_LIMIT,
        }
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start(cmd: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a child in its own session, output to `log`; it is stopped on exit."""
    handle = open(log, "ab")  # noqa: SIM115 - closed with the process in stop()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_set_pdeathsig,
    )
    proc._bench_log = handle  # type: ignore[attr-defined]
    _children.append(proc)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    """Stop one child we started: SIGTERM, then SIGKILL after `timeout` seconds."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout)
    with contextlib.suppress(Exception):
        proc._bench_log.close()  # type: ignore[attr-defined]
    if proc in _children:
        _children.remove(proc)


def run(cmd: list[str], *, env: dict[str, str], timeout: float = 600) -> str:
    """Run a short child to completion; its stdout, or SystemExit with its output on failure."""
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_set_pdeathsig,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd[:4])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    """Wait until something listens on 127.0.0.1:`port`, or fail with the child's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}:\n{tail(log)}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"server did not listen on {port} within {timeout}s:\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# PostgreSQL and Redis -----------------------------------------------------------------------


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return True
    except Exception:
        return False


def pg_create(prefix: str) -> str:
    """Create a fresh, uniquely named database; it is dropped on exit."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _databases.append(name)
    return name


def pg_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if name in _databases:
        _databases.remove(name)


def pg_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=2).ping())
    except Exception:
        return False


def redis_claim_db(preferred: tuple[int, ...] = (11, 12, 13, 14, 15, 10, 9, 8)) -> int:
    """An empty Redis database number (CI uses 7); it is emptied again on exit."""
    import redis

    for number in preferred:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=2)
        if client.dbsize() == 0:
            _redis_dbs.append(number)
            return number
    raise SystemExit("no empty Redis database among " + ", ".join(map(str, preferred)))


def redis_release_db(number: int) -> None:
    """Delete what the benchmark servers wrote (the database was empty when claimed)."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=5)
    for pattern in ("asgi*", "presence:*", ":1:*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start_at in range(0, len(keys), 500):
            client.delete(*keys[start_at : start_at + 500])
    if number in _redis_dbs:
        _redis_dbs.remove(number)


def redis_url(number: int) -> str:
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"


def cleanup() -> None:
    """Stop every child and drop every database this benchmark made (idempotent)."""
    for proc in list(_children):
        with contextlib.suppress(Exception):
            stop(proc)
    for name in list(_databases):
        try:
            pg_drop(name)
        except Exception as exc:
            print(f"could not drop database {name}: {exc}", file=sys.stderr)
    for number in list(_redis_dbs):
        with contextlib.suppress(Exception):
            redis_release_db(number)


def _on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


atexit.register(cleanup)
with contextlib.suppress(ValueError):  # not the main thread
    signal.signal(signal.SIGTERM, _on_sigterm)
    # Ctrl+C stops a run even when started from a shell that ignores SIGINT for it.
    signal.signal(signal.SIGINT, signal.default_int_handler)


# /proc figures ----------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def raise_fd_limit(wanted: int) -> int:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(wanted, soft), hard) if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def code_version() -> str:
    """The commit measured, and whether the work tree had changes (read-only git calls)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


# Figures and tables -------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    value = seconds * 1000
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        return " | ".join(
            str(c).rjust(w) if i else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)])


# The benchmarks that build a consultation per backend in a child process --------------------

RESULT_PREFIX = "RESULT "  # the child's line with its JSON result


def child_result(backend: str, cmd: list[str], env: dict[str, str], timeout: float) -> dict:
    """Run a benchmark's child process and return the JSON of its last RESULT_PREFIX line;
    SystemExit with the end of its output when it failed or printed none."""
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
        preexec_fn=_set_pdeathsig,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"[{backend}] failed ({proc.returncode}):\n{proc.stdout[-3000:]}")
    return json.loads(lines[-1][len(RESULT_PREFIX) :])


def log(message: str) -> None:
    """A progress line of a benchmark's child, on stderr, tagged with its backend."""
    print(f"  [{os.environ.get('BENCH_BACKEND', '?')}] {message}", file=sys.stderr, flush=True)


def child_in_fresh_database(
    backend: str, prefix: str, cmd: list[str], overrides: dict, timeout: float
) -> dict:
    """Run a benchmark's child `cmd` (see child_result) on a fresh database: for "postgres" one
    named after `prefix`, dropped afterwards; for "sqlite" the one under the overrides' VAR_DIR.
    Returns the child's JSON result."""
    db = None
    if backend == "postgres":
        db = pg_create(prefix)
        overrides = {**overrides, "DATABASE_URL": pg_url(db)}
    print(f"[{backend}] building and measuring in a fresh database ...", flush=True)
    try:
        return child_result(backend, cmd, bench_env(**overrides), timeout)
    finally:
        if db:
            pg_drop(db)


def report_header(args, wall: float) -> None:
    """The first lines of a report: the code measured, the scale, the machine's load before and
    after (other work on the machine skews figures) and the time it all took."""
    print()
    print(
        f"code {code_version()}, scale {args.scale}, load {args.load_before} before, "
        f"{os.getloadavg()[0]:.2f} after, {wall:.0f} s in all"
    )


def measure_backends(parser, args, run_backend, prefix: str) -> tuple[dict, float]:
    """Run `run_backend(backend, args, tmp)` for "sqlite", "postgres" or both (args.backend;
    without a PostgreSQL answering, SQLite only), noting the load average before in
    args.load_before. Returns ({backend: result}, wall seconds)."""
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if "postgres" in backends and not postgres_available():
        if args.backend == "postgres":
            parser.error("PostgreSQL on 127.0.0.1:5432 does not answer")
        print("PostgreSQL does not answer: measuring SQLite only", flush=True)
        backends.remove("postgres")
    started = time.monotonic()
    args.load_before = f"{os.getloadavg()[0]:.2f}"  # other work on the machine skews figures
    results = {}
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        try:
            for backend in backends:
                results[backend] = run_backend(backend, args, Path(tmp))
        finally:
            cleanup()
    return results, time.monotonic() - started
