"""The working group at national scale (issue 18): search over the comments of a consultation
the size of "République numérique" and one answer to 500 of them, each figure beside a naive
baseline from the same run.

Run by hand:

    DEBUG=1 .venv/bin/python bench/working_group.py [--scale 1.0] [--backend sqlite|postgres|both]

The data is built by bench/consultation.py's `build` (21,000 users, 8,500 comments, 150,000
votes at scale 1.0, written with bulk_create, so the SQLite search index is then filled by
`comments.search.index_rebuild`, timed: what `manage.py search_index` does; then ANALYZE, as
autovacuum would after such a load). Each backend runs
in a subprocess with a fresh database (SQLite in a temporary VAR_DIR; PostgreSQL: a database
created on 127.0.0.1:5432 and dropped at the end). Measured there:

* search: for each query word list (--rounds times, median), what the search page runs for an
  anonymous reader: the number of hits and the newest 20 (comments.search.comments_search on
  the published comments). Baseline: the same with one `body__icontains` per word (a scan,
  which also finds fewer: no word forms). The search page and the API with `?q=` through
  Django's test Client for comparison.
* the answer table as .docx (feedback.docx): the internal edition of every published comment,
  our writer (the table's XML as one string) against python-docx cell by cell; the public
  edition (published answers only) beside it. Then as the site makes it: the GET that queues
  the build (303), the real worker (`manage.py worker`) building it until it is ready, and the
  same GET again with nothing changed (the ready file, nothing rebuilt), beside the in-request
  build of the same run.
* a group answer: one published answer to --group (500) comments with
  `group_answer_save`, against answering another 500 one by one with `answer_save` (each
  writes the answers, the `comment.updated` events and the authors' notifications).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u

RESULT_PREFIX = u.RESULT_PREFIX
# Words of the demo draft's prose that the built comments quote, in other forms than written.
QUERIES = [
    "Beteiligung",
    "Bürgerinnen Bürger",
    "Verwaltungen",
    "Informationen rechtzeitig",
    "Vorhaben",
    "Entscheidungen",
    "Stadtteile",
    "Ergebnisse",
    "Radwege",  # hardly any hit
    "Bäume Parks",  # none
]


def child(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from consultation import build

    from comments.search import index_rebuild

    built = build(args.scale, random.Random(args.seed))
    t0 = time.perf_counter()
    indexed = index_rebuild()
    rebuild_s = time.perf_counter() - t0
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them
        cursor.execute("ANALYZE")
    result = {
        "build": built["figures"],
        "index_rebuild_s": rebuild_s,
        "indexed": indexed,
        "database": connection.vendor,
    }
    result["search"] = measure_search(built["draft"], args.rounds)
    result["pages"] = measure_pages(built["draft"], args.rounds)
    result["group"] = measure_group_answer(built["draft"], args.group)
    result["docx"] = measure_docx(built["draft"])
    result["docx_worker"] = measure_docx_worker(built["draft"], args.timeout)
    return result


def _timed(fn, rounds: int) -> tuple[float, object]:
    fn()  # warm-up
    times, value = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def measure_search(draft, rounds: int) -> list[dict]:
    from django.contrib.auth.models import AnonymousUser

    from comments.search import comments_search
    from comments.selectors import readable_comments

    base = readable_comments(user=AnonymousUser(), draft=draft)
    order = ("-created_at", "-pk")

    def ours(words):
        qs = comments_search(base, text=words, language="de").order_by(*order)
        return qs.count(), [c.pk for c in qs[:20]]

    def naive(words):
        qs = base
        for word in words.split():
            qs = qs.filter(body__icontains=word)
        qs = qs.order_by(*order)
        return qs.count(), [c.pk for c in qs[:20]]

    rows = []
    for words in QUERIES:
        ours_s, (ours_n, _) = _timed(lambda w=words: ours(w), rounds)
        naive_s, (naive_n, _) = _timed(lambda w=words: naive(w), rounds)
        rows.append(
            {
                "query": words,
                "ours": ours_s,
                "hits": ours_n,
                "naive": naive_s,
                "naive_hits": naive_n,
            }
        )
        u.log(f"{words!r}: {ours_s * 1000:.1f} ms ({ours_n}) vs naive {naive_s * 1000:.1f} ms")
    return rows


def measure_pages(draft, rounds: int) -> dict:
    from django.test import Client

    client = Client()
    out = {}
    for label, url in (
        ("search page ?q=Beteiligung", f"/drafts/{draft.slug}/search/?q=Beteiligung"),
        ("API ?q=Beteiligung (all hits)", f"/api/drafts/{draft.slug}/comments/?q=Beteiligung"),
    ):
        seconds, response = _timed(lambda url=url: client.get(url), rounds)
        assert response.status_code == 200, (url, response.status_code)
        out[label] = seconds
    return out


def measure_group_answer(draft, size: int) -> dict:
    """One published answer to `size` unanswered comments (group_answer_save), against
    answering another `size` one by one (answer_save each, as the list's form does): both
    write the answers, the events for readers and the authors' notifications."""
    from django.contrib.auth import get_user_model

    from comments.feedback.group_services import group_answer_save
    from comments.feedback.services import answer_save
    from comments.models import Comment, CommentStatus
    from deliberation.roles import role_grant

    wg = get_user_model().objects.get(username="bench_wg")
    role_grant(user=wg, role="working_group")
    free = list(
        Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED, answer__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: 2 * size]
    )
    grouped, single = free[:size], free[size : 2 * size]
    reply = "Danke, das nehmen wir in die nächste Fassung auf."
    t = time.perf_counter()
    _group, count = group_answer_save(
        user=wg, draft=draft, comment_ids=grouped, disposition="adopted", reply=reply, publish=True
    )
    group_s = time.perf_counter() - t
    t = time.perf_counter()
    for comment in Comment.objects.filter(pk__in=single).order_by("pk"):
        answer_save(user=wg, comment=comment, disposition="adopted", reply=reply, publish=True)
    single_s = time.perf_counter() - t
    u.log(f"group answer to {count}: {group_s:.2f} s; one by one {len(single)}: {single_s:.2f} s")
    return {"size": count, "group_s": group_s, "single_n": len(single), "single_s": single_s}


def measure_docx(draft) -> dict:
    """The answer table as .docx (comments/feedback/docx_table.py), the internal edition (every
    published comment: the largest), written as the view writes it, against python-docx's
    object model cell by cell (table.add_row, cell.text) for the same rows."""
    from django.utils import translation

    from comments.feedback.docx_table import answer_table_docx, naive_answer_table_docx
    from comments.models import Comment, CommentStatus

    rows = Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED).count()
    with translation.override("de"):
        t = time.perf_counter()
        ours = answer_table_docx(draft=draft, internal=True)
        ours_s = time.perf_counter() - t
        public = time.perf_counter()
        answer_table_docx(draft=draft, internal=False)
        public_s = time.perf_counter() - public
        t = time.perf_counter()
        naive = naive_answer_table_docx(draft=draft, internal=True)
        naive_s = time.perf_counter() - t
    u.log(f"docx of {rows} comments: {ours_s:.1f} s ({len(ours)} bytes); naive {naive_s:.1f} s")
    return {
        "rows": rows,
        "ours_s": ours_s,
        "public_s": public_s,
        "bytes": len(ours),
        "naive_s": naive_s,
        "naive_bytes": len(naive),
    }


def _wait(condition, worker, log: Path, timeout: float) -> float:
    """perf_counter() once `condition()` holds (polled every 20 ms); SystemExit with the
    worker's log if it stops or `timeout` seconds pass."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if worker.poll() is not None or time.perf_counter() > deadline:
            raise SystemExit(f"the worker did not finish:\n{u.tail(log)}")
        time.sleep(0.02)
    return time.perf_counter()


def measure_docx_worker(draft, timeout: float) -> dict:
    """The internal edition as the site makes it now (comments/feedback/export_services.py):
    the working group's GET of feedback.docx?internal=1 (it queues the build and answers 303),
    the real worker (`manage.py worker`, a process of its own on the same database) building
    it, until the export is ready, then the download; and the same GET again with nothing
    changed, which hands out the ready file without building."""
    import os

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from comments.feedback.models import ExportStatus, TableExport
    from deliberation.models import ScheduledRun
    from deliberation.notifications.schedule import JOBS
    from deliberation.roles import role_grant

    wg = get_user_model().objects.get(username="bench_wg")
    role_grant(user=wg, role="working_group")
    client = Client()
    client.force_login(wg)
    url = f"/drafts/{draft.slug}/feedback.docx?internal=1"
    log = Path(os.environ["VAR_DIR"]) / "worker.log"
    worker = u.start(
        [u.PYTHON, "manage.py", "worker", "--interval", "0.1"],
        env=u.bench_env(VAR_DIR=os.environ["VAR_DIR"], DATABASE_URL=os.environ.get("DATABASE_URL")),
        log=log,
    )
    busy = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    try:
        # Its start-up: Django, then the first round of periodic jobs, finished.
        _wait(lambda: ScheduledRun.objects.count() >= len(JOBS), worker, log, timeout)
        _wait(
            lambda: not DBTaskResult.objects.filter(status__in=busy).exists(), worker, log, timeout
        )
        t0 = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT="text/html")
        request_s = time.perf_counter() - t0
        assert response.status_code == 303, response.status_code
        export = TableExport.objects.latest("pk")
        finished = [ExportStatus.READY, ExportStatus.FAILED]
        ready_at = _wait(
            lambda: TableExport.objects.filter(pk=export.pk, status__in=finished).exists(),
            worker,
            log,
            timeout,
        )
        export.refresh_from_db()
        assert export.status == ExportStatus.READY, export.error
        t = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT="text/html")
        body = b"".join(response.streaming_content)
        again_s = time.perf_counter() - t
        assert response.status_code == 200 and body.startswith(b"PK"), response.status_code
    finally:
        u.stop(worker)
    builds = TableExport.objects.count()
    build_s = (export.finished_at - export.started_at).total_seconds()
    u.log(
        f"docx through the worker: request {request_s * 1000:.0f} ms, ready after "
        f"{ready_at - t0:.1f} s (built in {build_s:.1f} s); unchanged again: {again_s * 1000:.0f} ms"
    )
    return {
        "request_s": request_s,
        "ready_s": ready_at - t0,
        "build_s": build_s,
        "again_s": again_s,
        "bytes": export.size,
        "builds": builds,
    }


def run_backend(backend: str, args, tmp: Path) -> dict:
    overrides = {"VAR_DIR": str(tmp / backend), "BENCH_BACKEND": backend}
    cmd = [u.PYTHON, __file__, "--_child", "--scale", str(args.scale)]
    cmd += ["--rounds", str(args.rounds), "--seed", str(args.seed), "--group", str(args.group)]
    return u.child_in_fresh_database(backend, "bench_working_group", cmd, overrides, args.timeout)


def print_report(results: dict, args, wall: float) -> None:
    u.report_header(args, wall)
    for backend, r in results.items():
        b = r["build"]
        print(f"\n## {backend}: {b['comments']} comments, {b['users']} users, {b['votes']} votes")
        print(f"search index rebuilt in {r['index_rebuild_s']:.1f} s ({r['indexed']} comments)")
        rows = [
            [
                row["query"],
                u.ms(row["ours"]),
                str(row["hits"]),
                u.ms(row["naive"]),
                str(row["naive_hits"]),
            ]
            for row in r["search"]
        ]
        print(u.table(["query", "search", "hits", "naive icontains", "hits"], rows))
        ours = statistics.median(row["ours"] for row in r["search"])
        naive = statistics.median(row["naive"] for row in r["search"])
        print(f"median over the queries: search {u.ms(ours)}, naive {u.ms(naive)} (goal <= 100 ms)")
        for label, seconds in r["pages"].items():
            print(f"{label}: {u.ms(seconds)}")
        g = r["group"]
        print(
            f"one published answer to {g['size']} comments: {g['group_s']:.2f} s (goal <= 2 s); "
            f"one by one, {g['single_n']} comments: {g['single_s']:.2f} s"
        )
        d = r["docx"]
        print(
            f"answer table .docx, internal edition, {d['rows']} comments: {d['ours_s']:.1f} s "
            f"({d['bytes'] / 1e6:.1f} MB; goal <= 30 s), public edition {d['public_s']:.1f} s; "
            f"naive python-docx cell by cell: {d['naive_s']:.1f} s"
        )
        w = r["docx_worker"]
        print(
            f"the same through the worker (GET feedback.docx?internal=1 → 303, manage.py worker "
            f"builds, ready): request {u.ms(w['request_s'])} ms, ready after {w['ready_s']:.1f} s "
            f"(build in the worker {w['build_s']:.1f} s, {w['bytes'] / 1e6:.1f} MB); "
            f"asked again, nothing changed: {u.ms(w['again_s'])} ms (the ready file, "
            f"{w['builds']} build in all); in-request build above: {d['ours_s']:.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=15, help="timed runs per query")
    parser.add_argument("--group", type=int, default=500, help="comments in the group answer")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per backend")
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale <= 0 or args.rounds < 1:
        parser.error("--scale and --rounds must be positive")
    if args._child:
        print(RESULT_PREFIX + json.dumps(child(args)), flush=True)
        return
    results, wall = u.measure_backends(parser, args, run_backend, "bench-working-group-")
    print_report(results, args, wall)


if __name__ == "__main__":
    main()
