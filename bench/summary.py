"""The working group's summary and exports on a consultation the size of "République numérique".

Run by hand:

    DEBUG=1 .venv/bin/python bench/summary.py [--scale 1.0] [--backend sqlite|postgres|both]

The data is built by bench/consultation.py's `build` (30 paragraphs, 21,000 users, 8,500
comments, 150,000 votes at scale 1.0, written with bulk_create; an empty draft of the same 30
paragraphs as the baseline). On top of it, here: a second version of both drafts (every sixth
paragraph reworded, so the summary has a comparison to show) and answers to 40 % of the published
comments (half of them published, the adopted ones linking version 2), also by bulk_create.

Each backend runs in a subprocess with a fresh database (SQLite in a temporary VAR_DIR;
PostgreSQL: a database created on 127.0.0.1:5432 and dropped at the end). Measured there, each
against the empty draft:

* pages with Django's test Client (median of --gets GETs after one warm-up, the SQL queries, the
  size): the summary /feedback/, the reading page for comparison, the triage list /answers/, the
  answer table, and, after closing both drafts, the public /results/;
* the exports (CSV and JSON streamed, Excel written): the time to read the whole answer, its
  size, tracemalloc's peak of Python allocations, and, in a fresh process per export (so that
  the build's memory hides nothing), the peak growth of the resident set (VmRSS sampled every
  2 ms by a thread, ru_maxrss as a cross-check).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u

RESULT_PREFIX = u.RESULT_PREFIX
PAGES = [
    ("summary /feedback/", "/drafts/{slug}/feedback/"),
    ("reading page (for comparison)", "/drafts/{slug}/"),
    ("triage /answers/ (25 per page)", "/drafts/{slug}/answers/"),
    ("answer table (every comment)", "/drafts/{slug}/answers/table/"),
]
EXPORTS = ("csv", "json", "xlsx")


# The child: one backend --------------------------------------------------------------------


def child(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from consultation import build  # the builder of bench/consultation.py, used as it is

    rng = random.Random(args.seed)
    built = build(args.scale, rng)
    extra = add_versions_and_answers(built, rng)
    result = {"build": {**built["figures"], **extra}}
    result["pages"] = measure_pages(built, args.gets)
    result["exports"] = measure_exports(built, args.export_runs)
    result["results_page"] = measure_results(built, args.gets)
    result["database"] = connection.vendor + (
        " " + ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else f" {connection.pg_version // 10000}"
    )
    return result


def add_versions_and_answers(built: dict, rng: random.Random) -> dict:
    from consultation import draft_text
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from comments.feedback.models import Answer
    from comments.models import Comment, CommentStatus
    from deliberation.roles import role_grant
    from deliberation.sanitizing import render_comment
    from drafts.services import draft_publish_version

    t0 = time.perf_counter()
    wg = get_user_model().objects.get(username="bench_wg")
    role_grant(user=wg, role="working_group")
    blocks = draft_text(built["figures"]["paragraphs"]).split("\n\n")
    changed = "\n\n".join(
        b + (" Dies gilt auch für Ortsbeiräte." if i % 6 == 0 else "") for i, b in enumerate(blocks)
    )
    for draft in (built["draft"], built["empty"]):
        draft_publish_version(draft=draft, text=changed, message="Fassung 2", user=wg)
    published = list(
        Comment.objects.filter(draft=built["draft"], status=CommentStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    chosen = rng.sample(published, round(len(published) * 0.4))
    dispositions = ["adopted", "partly_adopted", "not_adopted", "noted", "to_discuss"]
    replies = [(t, render_comment(t)) for t in ("Wird umgesetzt.", "Danke, siehe Fassung 2.")]
    now = timezone.now()
    with transaction.atomic():
        answers = []
        for number, pk in enumerate(chosen):
            disposition = rng.choice(dispositions)
            reply, reply_html = ("", "") if disposition == "noted" else rng.choice(replies)
            answers.append(
                Answer(
                    comment_id=pk,
                    disposition=disposition,
                    reply=reply,
                    reply_html=reply_html,
                    version_taken_up=2 if disposition in ("adopted", "partly_adopted") else None,
                    author=wg,
                    published_at=now - timedelta(hours=1) if number % 2 else None,
                )
            )
        Answer.objects.bulk_create(answers, batch_size=1000)
    u.log(f"version 2 and {len(chosen)} answers in {time.perf_counter() - t0:.1f} s")
    return {"answers": len(chosen), "answers_published": len(chosen) // 2}


def _client(user=None):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _time_gets(client, url: str, gets: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (templates, caches)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(gets):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "url": url,
        "median": statistics.median(times),
        "p90": u.percentile(times, 90),
        "bytes": len(response.content),
        "queries": len(queries),
    }


def measure_pages(built: dict, gets: int) -> list[dict]:
    from django.contrib.auth import get_user_model

    wg = get_user_model().objects.get(username="bench_wg")
    rows = []
    for label, pattern in PAGES:
        user = None if "reading" in label else wg
        row = {"page": label}
        for which, draft in (("full", built["draft"]), ("empty", built["empty"])):
            row[which] = _time_gets(_client(user), pattern.format(slug=draft.slug), gets)
        u.log(f"{label}: {row['full']['median'] * 1000:.0f} ms, {row['full']['queries']} queries")
        rows.append(row)
    return rows


def measure_results(built: dict, gets: int) -> dict:
    from drafts.services import draft_close

    for draft in (built["draft"], built["empty"]):
        draft_close(draft=draft)
    return {
        which: _time_gets(_client(), f"/drafts/{draft.slug}/results/", gets)
        for which, draft in (("full", built["draft"]), ("empty", built["empty"]))
    }


class RssPeak:
    """The peak of this process's resident set while the block runs, sampled by a thread."""

    def __init__(self, every: float = 0.002):
        self.every, self.peak, self.start = every, 0, 0
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, u.rss_kb(os.getpid()))
            time.sleep(self.every)

    def __enter__(self):
        self.start = self.peak = u.rss_kb(os.getpid())
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, u.rss_kb(os.getpid()))

    @property
    def growth_kb(self) -> int:
        return self.peak - self.start


def _download(client, url: str) -> tuple[int, int, bool]:
    """Read the whole answer as a browser would; (bytes, newline count, streamed?)."""
    response = client.get(url)
    assert response.status_code == 200, url
    size = lines = 0
    content = response.streaming_content if response.streaming else [response.content]
    for chunk in content:
        chunk = chunk if isinstance(chunk, bytes) else chunk.encode()
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines, response.streaming


def measure_exports(built: dict, runs: int) -> list[dict]:
    import gc
    import tracemalloc

    from django.contrib.auth import get_user_model

    wg = get_user_model().objects.get(username="bench_wg")
    client = _client(wg)
    rows = []
    for kind in EXPORTS:
        row = {"kind": kind}
        for which, draft in (("empty", built["empty"]), ("full", built["draft"])):
            url = f"/drafts/{draft.slug}/feedback.{kind}"
            _download(client, url)  # warm-up
            times = []
            for _ in range(runs):
                gc.collect()
                t = time.perf_counter()
                size, lines, streamed = _download(client, url)
                times.append(time.perf_counter() - t)
            gc.collect()
            tracemalloc.start()
            _download(client, url)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            row[which] = {
                "seconds": statistics.median(times),
                "bytes": size,
                "lines": lines,
                "streamed": streamed,
                "tracemalloc_peak_kb": peak // 1024,
            }
        u.log(f"{kind}: {row['full']['seconds']:.2f} s, {row['full']['bytes'] / 1e6:.1f} MB")
        rows.append(row)
    return rows


def memory_child(kind: str, slug: str) -> dict:
    """In a fresh process: how much the resident set grows while one export is read."""
    import gc
    import resource

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    client = _client(get_user_model().objects.get(username="bench_wg"))
    _download(client, f"/drafts/leer/feedback.{kind}")  # imports, templates, connections
    gc.collect()
    before_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with RssPeak() as rss:
        size, _lines, _streamed = _download(client, f"/drafts/{slug}/feedback.{kind}")
    after_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rss_before_kb": rss.start,
        "rss_growth_kb": rss.growth_kb,
        "maxrss_growth_kb": max(0, after_max - before_max),
        "bytes": size,
    }


# The parent ----------------------------------------------------------------------------


def run_backend(backend: str, args, tmp: Path) -> dict:
    overrides = {"VAR_DIR": str(tmp / backend), "BENCH_BACKEND": backend}
    db = None
    if backend == "postgres":
        db = u.pg_create("bench_summary")
        overrides["DATABASE_URL"] = u.pg_url(db)
    env = u.bench_env(**overrides)
    cmd = [u.PYTHON, __file__, "--_child", "--scale", str(args.scale), "--gets", str(args.gets)]
    cmd += ["--export-runs", str(args.export_runs), "--seed", str(args.seed)]
    print(f"[{backend}] building and measuring in a fresh database ...", flush=True)
    try:
        result = u.child_result(backend, cmd, env, args.timeout)
        # Memory: each export once more, in a fresh process, so nothing from the build (which
        # pushed this process's resident set far up) hides what the export itself needs.
        memory = {}
        for kind in EXPORTS:
            for which, slug in (("full", "republique"), ("empty", "leer")):
                memory[f"{kind}/{which}"] = u.child_result(
                    backend, [u.PYTHON, __file__, "--_memory", kind, slug], env, args.timeout
                )
        log_line = ", ".join(
            f"{k} +{v['rss_growth_kb'] / 1024:.1f} MB" for k, v in memory.items() if "full" in k
        )
        print(f"[{backend}] resident set growth per export: {log_line}", flush=True)
        result["memory"] = memory
    finally:
        if db:
            u.pg_drop(db)
    return result


def _page(cell: dict) -> str:
    return f"{u.ms(cell['median'])} ms, {cell['queries']} q, {cell['bytes'] / 1024:.0f} KB"


def _export(cell: dict, memory: dict) -> str:
    return (
        f"{cell['seconds']:.2f} s, {cell['bytes'] / 1e6:.2f} MB; RSS "
        f"+{memory['rss_growth_kb'] / 1024:.1f} MB, py peak {cell['tracemalloc_peak_kb'] / 1024:.1f} MB"
    )


def print_report(results: dict[str, dict], args, wall: float) -> None:
    first = results[next(iter(results))]["build"]
    print(
        f"\n=== Summary and exports at scale {args.scale:g}: {first['paragraphs']} paragraphs, "
        f"{first['users']:,} users, {first['comments']:,} comments, {first['votes']:,} votes, "
        f"{first['answers']:,} answers ({first['answers_published']:,} published), 2 versions ==="
    )
    headers = ["measurement"]
    for backend, r in results.items():
        headers += [f"{backend} ({r['database']}): full", f"{backend}: empty draft"]
    rows = []
    for index, page in enumerate(results[next(iter(results))]["pages"]):
        cells = [page["page"]]
        for r in results.values():
            full, empty = r["pages"][index]["full"], r["pages"][index]["empty"]
            cells += [_page(full), _page(empty)]
        rows.append(cells)
    cells = ["results page (closed draft)"]
    for r in results.values():
        cells += [_page(r["results_page"]["full"]), _page(r["results_page"]["empty"])]
    rows.append(cells)
    for index, export in enumerate(results[next(iter(results))]["exports"]):
        how = "written, then sent" if export["kind"] == "xlsx" else "streamed"
        cells = [f"export {export['kind']} ({how})"]
        for r in results.values():
            kind = export["kind"]
            cells += [
                _export(r["exports"][index]["full"], r["memory"][f"{kind}/full"]),
                _export(r["exports"][index]["empty"], r["memory"][f"{kind}/empty"]),
            ]
        rows.append(cells)
    print(u.table(headers, rows))
    for backend, r in results.items():
        summary, reading = r["pages"][0], r["pages"][1]
        same = summary["full"]["queries"] == summary["empty"]["queries"]
        print(
            f"[{backend}] summary: {summary['full']['median'] / reading['full']['median']:.1f}x "
            f"the reading page; queries {'the same' if same else 'DIFFER'} with and without "
            f"feedback ({summary['full']['queries']} vs {summary['empty']['queries']})"
        )
    print(
        f"(pages: median of {args.gets} GETs with the test Client after one warm-up, "
        f"logged in as the working group except the reading and results pages; exports: median "
        f"of {args.export_runs} full reads; RSS = growth of the resident set (VmRSS sampled every "
        f"2 ms) while one export is read, in a fresh process after a warm-up on the empty draft; "
        f"py peak = tracemalloc's peak of Python allocations during one export; cores: {os.cpu_count()}; "
        f"DEBUG=1; load average before {args.load_before}, after {os.getloadavg()[0]:.2f}; "
        f"total {wall:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--gets", type=int, default=10, help="timed GETs per page (>= 10)")
    parser.add_argument("--export-runs", type=int, default=3, help="timed reads per export")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per backend")
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_memory", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale <= 0 or args.gets < 1 or args.export_runs < 1:
        parser.error("--scale, --gets and --export-runs must be positive")

    if args._child:
        print(RESULT_PREFIX + json.dumps(child(args)), flush=True)
        return
    if args._memory:
        print(RESULT_PREFIX + json.dumps(memory_child(*args._memory)), flush=True)
        return

    results, wall = u.measure_backends(parser, args, run_backend, "bench-summary-")
    print_report(results, args, wall)


if __name__ == "__main__":
    main()
