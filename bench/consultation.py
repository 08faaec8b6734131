"""A consultation the size of France's "République numérique", and what it costs to use it.

Run by hand:

    DEBUG=1 .venv/bin/python bench/consultation.py [--scale 1.0] [--backend sqlite|postgres|both]

At scale 1.0: 30 paragraphs, 21,000 users, 8,500 comments (70 % top-level, 20 % replies,
10 % replies to replies; 94 % published, 2 % each pending, hidden, deleted; spread over the
paragraphs with Zipf-like weights, so one paragraph is much busier than the others) and
150,000 votes. Everything but the two drafts is written DIRECTLY with bulk_create (users with an
unusable password, comments, votes) and the counters in ParagraphTally are then rebuilt from
COUNT queries: that is setup only, never how the app writes. A second draft with the same 30
paragraphs and no feedback at all is the baseline, measured in the same run.

Each backend runs in a subprocess of this script with a fresh database (SQLite in a temp
VAR_DIR; PostgreSQL: a database created on 127.0.0.1:5432 and dropped at the end), DEBUG=1 and
the per-user rate limits lifted (RATE_LIMIT_VOTES, RATE_LIMIT_COMMENTS). Measured there:

* the pages, with Django's test Client (median of --gets GETs after one warm-up, the size of the
  answer, its SQL queries by CaptureQueriesContext), each against the same page of the empty
  draft: the reading page anonymous and logged in, the page with the busiest paragraph's thread
  open, that thread as a fragment, and the JSON API (draft, all comments);
* `comments.services.vote_cast`: --votes calls by random users on random paragraphs, each
  changing that user's vote (to another choice or "none");
* `comments.services.comment_create`: --comment-calls top-level comments by random users;
* for both, the time spent in `events.send_now` (handing the event to the channel layer), and
  the SQL queries of one call;
* at the end: every ParagraphTally row against fresh COUNTs, every support counter against its
  rows, and every event stream's log against its sequence number.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u

BASE = {"paragraphs": 30, "users": 21_000, "comments": 8_500, "votes": 150_000}
CHOICES = ("agree", "disagree", "neutral", "none")
RESULT_PREFIX = u.RESULT_PREFIX


# Text -------------------------------------------------------------------------------------


def source_blocks() -> list[str]:
    """Prose paragraphs of the demo draft: realistic German administrative text."""
    text = (u.ROOT / "deliberation" / "demo" / "leitlinien_v1.md").read_text(encoding="utf-8")
    blocks = [b.strip() for b in text.split("\n\n")]
    return [b for b in blocks if b and not b.startswith(("#", "-", "|", ">", "1."))]


def draft_text(paragraphs: int) -> str:
    blocks = source_blocks()
    return "\n\n".join(f"**Artikel {i + 1}.** {blocks[i % len(blocks)]}" for i in range(paragraphs))


def comment_bodies(rng: random.Random, count: int) -> list[str]:
    sentences = [s.strip() + "." for b in source_blocks() for s in b.split(".") if len(s) > 30]
    openers = [
        "Ich finde",
        "Meiner Meinung nach",
        "Wichtig ist:",
        "Bitte bedenken:",
        "Als Anwohnerin:",
        "Gute Idee, aber",
        "Dem widerspreche ich:",
        "Ergänzung:",
    ]
    bodies = []
    for _ in range(count):
        parts = [rng.choice(openers), *rng.sample(sentences, rng.randint(1, 4))]
        body = " ".join(parts)
        if rng.random() < 0.3:
            body += "\n\n" + rng.choice(sentences)
        if rng.random() < 0.1:
            body += " Siehe https://example.org/quelle"
        bodies.append(body)
    return bodies


# The child: one backend --------------------------------------------------------------------


def child(scale: float, args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    u.log(f"migrated in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(args.seed)
    built = build(scale, rng)
    result = {"build": built["figures"]}
    result["pages"] = measure_pages(built, args.gets)
    result["writes"] = measure_writes(built, rng, args.votes, args.comment_calls)
    result["checks"] = check_counters()
    from django.db import connection

    result["database"] = (
        connection.vendor
        + " "
        + ".".join(
            map(
                str,
                connection.Database.sqlite_version_info
                if connection.vendor == "sqlite"
                else divmod(connection.pg_version, 10000),
            )
        )
    )
    return result


def build(scale: float, rng: random.Random) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from comments.models import Comment, CommentStatus, ParagraphTally, ParagraphVote
    from deliberation.sanitizing import render_comment
    from drafts.models import ModerationMode, Paragraph
    from drafts.services import draft_create, draft_open

    users_n = max(10, round(BASE["users"] * scale))
    comments_n = max(10, round(BASE["comments"] * scale))
    paragraphs_n = BASE["paragraphs"]
    votes_n = min(round(BASE["votes"] * scale), users_n * paragraphs_n)
    figures = {
        "paragraphs": paragraphs_n,
        "users": users_n,
        "comments": comments_n,
        "votes": votes_n,
    }
    user_model = get_user_model()
    t0 = time.perf_counter()

    wg = user_model.objects.create_user("bench_wg", "bench_wg@example.org")
    text = draft_text(paragraphs_n)
    drafts = {}
    for slug, title in (("republique", "Projet de loi (Bench)"), ("leer", "Leerer Entwurf")):
        draft = draft_create(
            title=title, slug=slug, text=text, user=wg, moderation=ModerationMode.POST
        )
        draft_open(draft=draft)
        drafts[slug] = draft
    draft = drafts["republique"]
    paragraphs = list(Paragraph.objects.filter(draft=draft, archived=False).order_by("position"))
    empty_paragraphs = list(
        Paragraph.objects.filter(draft=drafts["leer"], archived=False).order_by("position")
    )
    assert len(paragraphs) == paragraphs_n, f"{len(paragraphs)} paragraphs, not {paragraphs_n}"

    unusable = "!bench-unusable-password"  # never matches a password: no hashing cost at all
    with transaction.atomic():
        user_model.objects.bulk_create(
            [
                user_model(username=f"buerger{i:06d}", email=f"b{i}@example.org", password=unusable)
                for i in range(users_n)
            ],
            batch_size=2000,
        )
    user_ids = list(
        user_model.objects.filter(username__startswith="buerger").values_list("pk", flat=True)
    )
    t_users = time.perf_counter()

    # Zipf-like weights over the paragraphs, in a shuffled order.
    ranks = list(range(1, paragraphs_n + 1))
    rng.shuffle(ranks)
    weights = [1 / r**0.9 for r in ranks]
    pool = [(b, render_comment(b)) for b in comment_bodies(rng, 300)]
    now = timezone.now()
    three_weeks = 21 * 24 * 3600

    def status_of():
        x = rng.random()
        if x < 0.94:
            return CommentStatus.PUBLISHED
        return (CommentStatus.PENDING, CommentStatus.HIDDEN, CommentStatus.DELETED)[
            min(2, int((x - 0.94) / 0.02))
        ]

    def new_comment(paragraph, parent=None):
        status = status_of()
        body, body_html = rng.choice(pool)
        if status == CommentStatus.DELETED:
            body, body_html = "", ""
        return Comment(
            draft=draft,
            paragraph=paragraph,
            author_id=rng.choice(user_ids),
            parent=parent,
            root=(parent.root or parent) if parent else None,
            depth=min(parent.depth + 1, 2) if parent else 0,
            body=body,
            body_html=body_html,
            version=draft.version,
            status=status,
        )

    top_n = round(comments_n * 0.7)
    reply_n = round(comments_n * 0.2)
    with transaction.atomic():
        top = Comment.objects.bulk_create(
            [new_comment(p) for p in rng.choices(paragraphs, weights, k=top_n)], batch_size=1000
        )
        published_top = [c for c in top if c.status == CommentStatus.PUBLISHED]
        replies = Comment.objects.bulk_create(
            [
                new_comment(parent.paragraph, parent)
                for parent in rng.choices(published_top, k=reply_n)
            ],
            batch_size=1000,
        )
        published_replies = [c for c in replies if c.status == CommentStatus.PUBLISHED]
        deeper = Comment.objects.bulk_create(
            [
                new_comment(parent.paragraph, parent)
                for parent in rng.choices(published_replies, k=comments_n - top_n - reply_n)
            ],
            batch_size=1000,
        )
        # auto_now_add stamped them all "now": spread them over three weeks, replies later.
        for c in top:
            c.created_at = now - timedelta(seconds=rng.uniform(3600, three_weeks))
        for c in replies + deeper:
            c.created_at = min(now, c.parent.created_at + timedelta(seconds=rng.uniform(60, 2e5)))
        Comment.objects.bulk_update(top + replies + deeper, ["created_at"], batch_size=1000)
    t_comments = time.perf_counter()

    pairs = rng.sample(range(users_n * paragraphs_n), votes_n)
    choices = rng.choices(["agree", "disagree", "neutral"], [0.55, 0.3, 0.15], k=votes_n)
    with transaction.atomic():
        ParagraphVote.objects.bulk_create(
            [
                ParagraphVote(
                    user_id=user_ids[pair // paragraphs_n],
                    paragraph=paragraphs[pair % paragraphs_n],
                    choice=choice,
                )
                for pair, choice in zip(pairs, choices, strict=True)
            ],
            batch_size=5000,
        )
    t_votes = time.perf_counter()

    # The counters, rebuilt from COUNT queries (setup only: the app updates them with F()).
    with transaction.atomic():
        tallies = {p.pk: ParagraphTally(paragraph=p) for p in paragraphs + empty_paragraphs}
        for row in (
            ParagraphVote.objects.values("paragraph_id", "choice")
            .annotate(n=Count("id"))
            .order_by()
        ):
            setattr(tallies[row["paragraph_id"]], row["choice"], row["n"])
        for row in (
            Comment.objects.filter(status=CommentStatus.PUBLISHED)
            .values("paragraph_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            tallies[row["paragraph_id"]].comments = row["n"]
        ParagraphTally.objects.all().delete()
        ParagraphTally.objects.bulk_create(tallies.values())
    t_end = time.perf_counter()

    busiest = max(paragraphs, key=lambda p: tallies[p.pk].comments)
    index = paragraphs.index(busiest)
    figures.update(
        {
            "seconds_users": t_users - t0,
            "seconds_comments": t_comments - t_users,
            "seconds_votes": t_votes - t_comments,
            "seconds_tally": t_end - t_votes,
            "seconds_total": t_end - t0,
            "busiest_comments": tallies[busiest.pk].comments,
            "busiest_top_level": Comment.objects.filter(
                paragraph=busiest, parent__isnull=True, status=CommentStatus.PUBLISHED
            ).count(),
        }
    )
    u.log(f"built in {t_end - t0:.1f} s: {figures}")
    return {
        "figures": figures,
        "draft": draft,
        "empty": drafts["leer"],
        "paragraphs": paragraphs,
        "busiest": busiest,
        "empty_busiest": empty_paragraphs[index],
        "user_ids": user_ids,
        "weights": weights,
    }


def measure_pages(built: dict, gets: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from comments.models import Comment, ParagraphVote

    draft, empty = built["draft"], built["empty"]
    key, empty_key = built["busiest"].key, built["empty_busiest"].key
    # A citizen who voted on several paragraphs, as the logged-in reader.
    voter_id = (
        ParagraphVote.objects.filter(paragraph__draft=draft)
        .values("user_id")
        .order_by("user_id")
        .first()["user_id"]
    )
    citizen = get_user_model().objects.get(pk=voter_id)
    # The quietest paragraph that has a thread: thread pages must need as many queries there.
    quiet = (
        Comment.objects.filter(draft=draft, parent__isnull=True, status="published")
        .values("paragraph__key")
        .annotate(n=Count("id"))
        .order_by("n", "paragraph__key")
        .first()["paragraph__key"]
    )
    pages = [
        ("reading page, anonymous", "/drafts/{slug}/", None),
        ("reading page, logged-in citizen", "/drafts/{slug}/", citizen),
        ("page with busiest thread open", "/drafts/{slug}/?thread={key}", None),
        ("thread fragment, busiest paragraph", "/drafts/{slug}/p/{key}/thread/", None),
        ("API draft with counts", "/api/drafts/{slug}/", None),
        ("API comments, first page of 1,000", "/api/drafts/{slug}/comments/", None),
    ]
    rows = []
    for label, pattern, user in pages:
        row = {"page": label}
        for which, d, k in (("full", draft, key), ("empty", empty, empty_key)):
            client = Client()
            if user is not None:
                client.force_login(user)
            url = pattern.format(slug=d.slug, key=k)
            response = client.get(url)  # warm-up (templates, caches)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(gets):
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            row[which] = {
                "url": url,
                "median": statistics.median(times),
                "p90": u.percentile(times, 90),
                "bytes": len(response.content),
                "queries": len(queries),
            }
        if "{key}" in pattern:
            client = Client()
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(pattern.format(slug=draft.slug, key=quiet))
            row["quiet_queries"] = len(queries)
        u.log(
            f"{label}: {row['full']['median'] * 1000:.1f} ms vs empty "
            f"{row['empty']['median'] * 1000:.1f} ms"
        )
        rows.append(row)
    return rows


def show_queries(label: str, queries) -> None:
    """With --show-queries: the SQL of one call, on stderr."""
    if os.environ.get("BENCH_SHOW_QUERIES"):
        u.log(f"{label}: {len(queries)} queries")
        for q in queries.captured_queries:
            print(f"      {q['sql'][:160]}", file=sys.stderr)


class SendTimer:
    """Wrap events.send_now to add up the time spent handing events to the channel layer."""

    def __init__(self):
        from deliberation import events

        self.events, self.original = events, events.send_now
        self.seconds, self.calls = 0.0, 0

    def __enter__(self):
        def timed(*a, **kw):
            t = time.perf_counter()
            try:
                return self.original(*a, **kw)
            finally:
                self.seconds += time.perf_counter() - t
                self.calls += 1

        self.events.send_now = timed
        return self

    def __exit__(self, *exc):
        self.events.send_now = self.original


def measure_writes(built: dict, rng: random.Random, votes: int, comment_calls: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from comments.models import ParagraphVote
    from comments.services import comment_create, vote_cast
    from drafts.models import Paragraph

    draft = built["draft"]
    paragraphs = list(
        Paragraph.objects.select_related("draft")
        .filter(draft=draft, archived=False)
        .order_by("position")
    )
    user_ids = built["user_ids"]
    pairs = [(rng.choice(user_ids), rng.randrange(len(paragraphs))) for _ in range(votes + 1)]
    users = get_user_model().objects.in_bulk({uid for uid, _ in pairs})
    current = {
        (uid, pid): choice
        for uid, pid, choice in ParagraphVote.objects.filter(
            user_id__in=list(users), paragraph__draft=draft
        ).values_list("user_id", "paragraph_id", "choice")
    }

    def one_vote(uid, index):
        paragraph = paragraphs[index]
        old = current.get((uid, paragraph.pk), "none")
        choice = rng.choice([c for c in CHOICES if c != old])
        vote_cast(user=users[uid], paragraph=paragraph, choice=choice)
        current[(uid, paragraph.pk)] = choice

    reset_queries()  # DEBUG keeps at most 9,000; a full log would make the capture read 0
    with CaptureQueriesContext(connection) as queries:
        one_vote(*pairs[-1])
    vote_queries = len(queries)
    show_queries("vote_cast", queries)
    times = []
    with SendTimer() as sent:
        start = time.perf_counter()
        for uid, index in pairs[:votes]:
            t = time.perf_counter()
            one_vote(uid, index)
            times.append(time.perf_counter() - t)
        wall = time.perf_counter() - start
    result = {
        "vote": {
            "calls": votes,
            "ops": votes / wall,
            "median": statistics.median(times),
            "p99": u.percentile(times, 99),
            "queries": vote_queries,
            "send_share": sent.seconds / wall,
            "send_each": sent.seconds / max(1, sent.calls),  # none since mails left the request
        }
    }
    u.log(f"vote_cast: {votes / wall:.0f}/s")

    bodies = comment_bodies(rng, 50)
    weights = built["weights"]
    authors = get_user_model().objects.in_bulk(rng.sample(user_ids, min(len(user_ids), 500)))
    author_list = list(authors.values())

    def one_comment(i):
        paragraph = rng.choices(paragraphs, weights)[0]
        comment_create(
            user=author_list[i % len(author_list)],
            paragraph=paragraph,
            body=f"{bodies[i % len(bodies)]} (#{i})",
        )

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        one_comment(comment_calls)
    comment_queries = len(queries)
    show_queries("comment_create", queries)
    times = []
    with SendTimer() as sent:
        start = time.perf_counter()
        for i in range(comment_calls):
            t = time.perf_counter()
            one_comment(i)
            times.append(time.perf_counter() - t)
        wall = time.perf_counter() - start
    result["comment"] = {
        "calls": comment_calls,
        "ops": comment_calls / wall,
        "median": statistics.median(times),
        "p99": u.percentile(times, 99),
        "queries": comment_queries,
        "send_share": sent.seconds / wall,
        "send_each": sent.seconds / max(1, sent.calls),  # none since mails left the request
    }
    u.log(f"comment_create: {comment_calls / wall:.0f}/s")
    return result


def check_counters() -> dict:
    from django.db.models import Count

    from comments.models import (
        Comment,
        CommentStatus,
        CommentSupport,
        ParagraphTally,
        ParagraphVote,
    )
    from deliberation.models import Event, EventStream

    votes = {}
    for row in (
        ParagraphVote.objects.values("paragraph_id", "choice").annotate(n=Count("id")).order_by()
    ):
        votes[(row["paragraph_id"], row["choice"])] = row["n"]
    comments = dict(
        Comment.objects.filter(status=CommentStatus.PUBLISHED)
        .values("paragraph_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("paragraph_id", "n")
    )
    wrong = []
    for tally in ParagraphTally.objects.all():
        pid = tally.paragraph_id
        for choice in ("agree", "disagree", "neutral"):
            if getattr(tally, choice) != votes.get((pid, choice), 0):
                wrong.append(f"paragraph {pid} {choice}")
        if tally.comments != comments.get(pid, 0):
            wrong.append(f"paragraph {pid} comments")
    tallied = set(ParagraphTally.objects.values_list("paragraph_id", flat=True))
    wrong += [f"paragraph {pid} has votes but no tally" for pid, _ in votes if pid not in tallied]
    supports = dict(
        CommentSupport.objects.values("comment_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("comment_id", "n")
    )
    bad_supports = sum(
        1
        for pk, n in Comment.objects.values_list("pk", "support_count")
        if n != supports.get(pk, 0)
    )
    gaps = []
    for name, seq in EventStream.objects.values_list("name", "seq"):
        logged = Event.objects.filter(stream=name).aggregate(n=Count("id"))["n"]
        if logged != seq:
            gaps.append(f"{name}: seq {seq}, {logged} logged")
    return {
        "tally_exact": not wrong,
        "tally_wrong": wrong[:10],
        "supports_exact": not bad_supports,
        "event_log_gapless": not gaps,
        "event_gaps": gaps[:5],
        "events": Event.objects.count(),
    }


# The parent ----------------------------------------------------------------------------


def run_backend(backend: str, args, tmp: Path) -> dict:
    overrides = {
        "VAR_DIR": str(tmp / backend),
        "BENCH_BACKEND": backend,
        "BENCH_SHOW_QUERIES": "1" if args.show_queries else None,
    }
    db = None
    if backend == "postgres":
        db = u.pg_create("bench_consultation")
        overrides["DATABASE_URL"] = u.pg_url(db)
    env = u.bench_env(**overrides)
    cmd = [
        u.PYTHON,
        __file__,
        "--_child",
        "--scale",
        str(args.scale),
        "--gets",
        str(args.gets),
        "--votes",
        str(args.votes),
        "--comment-calls",
        str(args.comment_calls),
        "--seed",
        str(args.seed),
    ]
    print(f"[{backend}] building and measuring in a fresh database ...", flush=True)
    try:
        return u.child_result(backend, cmd, env, args.timeout)
    finally:
        if db:
            u.pg_drop(db)


def fmt_page(cell: dict) -> str:
    return f"{cell['median'] * 1000:.1f} ms, {cell['bytes'] / 1024:.0f} KB, {cell['queries']} q"


def print_report(results: dict[str, dict], args, wall: float) -> None:
    backends = list(results)
    first = results[backends[0]]["build"]
    print(
        f"\n=== Consultation at scale {args.scale:g}: {first['paragraphs']} paragraphs, "
        f"{first['users']:,} users, {first['comments']:,} comments, {first['votes']:,} votes ==="
    )
    print(
        "Setup rows (users, comments, votes) written directly with bulk_create; ParagraphTally "
        "rebuilt from COUNT queries. Baseline: an empty draft of the same 30 paragraphs."
    )
    headers = ["measurement"] + [f"{b} ({results[b]['database']})" for b in backends]
    rows = [
        ["setup (users / comments / votes / tally)"]
        + [
            "{:.1f} / {:.1f} / {:.1f} / {:.1f} s".format(
                r["build"]["seconds_users"],
                r["build"]["seconds_comments"],
                r["build"]["seconds_votes"],
                r["build"]["seconds_tally"],
            )
            for r in results.values()
        ]
    ]
    for kind, label in (("vote", "vote_cast"), ("comment", "comment_create")):
        rows.append(
            [f"{label} ({results[backends[0]]['writes'][kind]['calls']} calls)"]
            + [
                "{:.0f} ops/s; {:.1f}/{:.1f} ms median/p99; {} q/call".format(
                    w["ops"], w["median"] * 1000, w["p99"] * 1000, w["queries"]
                )
                for w in (r["writes"][kind] for r in results.values())
            ]
        )
        rows.append(
            ["  of which send_now (channel layer)"]
            + [
                "{:.1f} ms/call = {:.0f}% of the time".format(
                    w["send_each"] * 1000, w["send_share"] * 100
                )
                for w in (r["writes"][kind] for r in results.values())
            ]
        )
    for index, page in enumerate(results[backends[0]]["pages"]):
        rows.append(
            [page["page"]] + [fmt_page(r["pages"][index]["full"]) for r in results.values()]
        )
        cells = []
        for r in results.values():
            full, empty = r["pages"][index]["full"], r["pages"][index]["empty"]
            if "quiet_queries" in r["pages"][index]:
                # An empty thread skips its queries; compare with the quietest thread instead.
                quiet = r["pages"][index]["quiet_queries"]
                same = (
                    f"queries constant ({quiet} on the quietest thread)"
                    if quiet == full["queries"]
                    else f"QUERIES GROW: {quiet} on the quietest"
                )
            else:
                same = (
                    "same queries"
                    if full["queries"] == empty["queries"]
                    else (f"QUERIES DIFFER: {empty['queries']} vs {full['queries']}")
                )
            cells.append(
                f"empty {fmt_page(empty)}: {full['median'] / empty['median']:.1f}x, {same}"
            )
        rows.append(["  baseline", *cells])
    rows.append(
        ["counters exact (tally vs COUNT)"]
        + [
            "yes" if r["checks"]["tally_exact"] else "NO: " + ", ".join(r["checks"]["tally_wrong"])
            for r in results.values()
        ]
    )
    rows.append(
        ["support counters exact"]
        + ["yes" if r["checks"]["supports_exact"] else "NO" for r in results.values()]
    )
    rows.append(
        ["event log gapless (seq = rows)"]
        + [
            (
                "yes"
                if r["checks"]["event_log_gapless"]
                else "NO: " + "; ".join(r["checks"]["event_gaps"])
            )
            + f" ({r['checks']['events']} events)"
            for r in results.values()
        ]
    )
    print(u.table(headers, rows))
    b = results[backends[0]]["build"]
    print(
        f"busiest paragraph: {b['busiest_comments']} published comments, "
        f"{b['busiest_top_level']} top-level threads (20 per page in the fragment)"
    )
    print(
        f"(pages: median of {args.gets} GETs with the test Client after one warm-up; "
        f"code {u.code_version()}; cores: {os.cpu_count()}; DEBUG=1; "
        f"load average before {args.load_before}, after {os.getloadavg()[0]:.2f}; "
        f"total {wall:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--gets", type=int, default=20, help="timed GETs per page")
    parser.add_argument("--votes", type=int, default=2000, help="vote_cast calls")
    parser.add_argument("--comment-calls", type=int, default=500, help="comment_create calls")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per backend")
    parser.add_argument(
        "--show-queries",
        action="store_true",
        help="print the SQL of one vote_cast and one comment_create",
    )
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale <= 0 or args.gets < 1 or args.votes < 1 or args.comment_calls < 1:
        parser.error("--scale, --gets, --votes and --comment-calls must be positive")

    if args._child:
        print(RESULT_PREFIX + json.dumps(child(args.scale, args)), flush=True)
        return

    results, wall = u.measure_backends(parser, args, run_backend, "bench-consultation-")
    print_report(results, args, wall)


if __name__ == "__main__":
    main()
