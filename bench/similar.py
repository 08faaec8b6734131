"""Alike comments at national scale (issue 18): grouping a consultation the size of
"République numérique" from scratch, placing each new comment, and the websocket's `similar`
while a citizen types, each beside a naive baseline from the same run.

Run by hand:

    DEBUG=1 .venv/bin/python bench/similar.py [--scale 1.0] [--backend sqlite|postgres|both]

The data is bench/consultation.py's `build` (8,500 comments at scale 1.0, bulk_create, so no
comment is grouped yet). Each backend runs in a subprocess with a fresh database. Measured:

* rebuild: `comments.similar.similar_rebuild()` (what `manage.py similar_rebuild` does; goal
  <= 30 s). Baseline: the same groups found by comparing every comment with every earlier
  comment of its paragraph (pairwise, single linkage), on the same stemmed words.
* a new comment: `likeness_update` for --new comments written with `comment_create` (median
  and worst; goal <= 50 ms). Baseline: reading and stemming every comment of the paragraph
  again and comparing the new one with each (no stored words, no groups).
* while typing: `similar_to` for --rounds texts (the first words of random comments, and
  phrases of the draft; median and 95th percentile; goal <= 50 ms). Baseline: reading every
  published comment of the draft, stemming it and scoring it in a Python loop.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u

RESULT_PREFIX = u.RESULT_PREFIX


def child(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from consultation import build

    from comments.search import index_rebuild

    rng = random.Random(args.seed)
    built = build(args.scale, rng)
    index_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    draft = built["draft"]
    result = {"build": built["figures"], "database": connection.vendor}
    result["rebuild"] = measure_rebuild(draft)
    result["new"] = measure_new(draft, rng, args.new)
    result["typing"] = measure_typing(draft, rng, args.rounds)
    return result


def _rows(draft) -> list[tuple[int, int, str]]:
    from comments.models import Comment
    from comments.similar import likeness_terms

    values = Comment.objects.filter(draft=draft).order_by("pk")
    return [
        (pk, p, likeness_terms(b)) for pk, p, b in values.values_list("pk", "paragraph", "body")
    ]


def naive_groups(rows) -> int:
    """Single linkage by comparing each comment with every earlier one of its paragraph:
    returns the number of groups of two or more."""
    from rapidfuzz import fuzz, process

    from comments.similar import GROUP_CUTOFF

    earlier: dict[int, list[tuple[int, str]]] = {}
    group_of: dict[int, int] = {}
    for pk, paragraph, terms in rows:
        if not terms:
            continue
        mine = earlier.setdefault(paragraph, [])
        found = process.extractOne(
            terms,
            [t for _pk, t in mine],
            scorer=fuzz.token_sort_ratio,
            processor=None,
            score_cutoff=GROUP_CUTOFF,
        )
        group_of[pk] = group_of[mine[found[2]][0]] if found else pk
        mine.append((pk, terms))
    sizes = Counter(group_of.values())
    return sum(1 for n in sizes.values() if n > 1)


def measure_rebuild(draft) -> dict:
    from comments.similar import similar_rebuild

    t = time.perf_counter()
    comments, groups = similar_rebuild()
    ours = time.perf_counter() - t
    t = time.perf_counter()
    naive_n = naive_groups(_rows(draft))
    naive = time.perf_counter() - t
    u.log(f"rebuild {comments}: {ours:.1f} s, {groups} groups; pairwise {naive:.1f} s, {naive_n}")
    return {"comments": comments, "groups": groups, "s": ours, "naive_s": naive, "naive": naive_n}


def measure_new(draft, rng, count: int) -> dict:
    from django.contrib.auth import get_user_model
    from rapidfuzz import fuzz

    from comments import services
    from comments.models import Comment, CommentStatus, Likeness
    from comments.similar import GROUP_CUTOFF, likeness_terms, likeness_update

    user = get_user_model().objects.get(username="bench_wg")
    published = list(
        Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED, parent=None)
        .select_related("paragraph")
        .order_by("pk")
    )
    ours, naive = [], []
    for _ in range(count):
        model = rng.choice(published)
        body = model.body.replace("Ich finde", "Wir meinen") + " Danke."
        with services_unlimited():
            comment = services.comment_create(user=user, paragraph=model.paragraph, body=body)
        Likeness.objects.filter(pk=comment.pk).delete()
        t = time.perf_counter()
        likeness_update(comment)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        terms = likeness_terms(comment.body)
        others = Comment.objects.filter(paragraph=comment.paragraph).exclude(pk=comment.pk)
        any(
            fuzz.token_sort_ratio(terms, likeness_terms(b)) >= GROUP_CUTOFF
            for b in others.values_list("body", flat=True)
        )
        naive.append(time.perf_counter() - t)
    u.log(
        f"new comment: {statistics.median(ours) * 1000:.1f} ms; naive {statistics.median(naive) * 1000:.1f} ms"
    )
    return {
        "n": count,
        "median": statistics.median(ours),
        "max": max(ours),
        "naive_median": statistics.median(naive),
    }


class services_unlimited:
    """The bench writes many comments as one person: no rate limit meanwhile."""

    def __enter__(self):
        from django.conf import settings

        self.saved = settings.RATE_LIMITS
        settings.RATE_LIMITS = {name: 10**9 for name in self.saved}

    def __exit__(self, *exc):
        from django.conf import settings

        settings.RATE_LIMITS = self.saved


def measure_typing(draft, rng, rounds: int) -> dict:
    from rapidfuzz import fuzz

    from comments.models import Comment, CommentStatus
    from comments.similar import SUGGEST_CUTOFF, likeness_terms, similar_to

    published = Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED)
    bodies = list(published.values_list("body", flat=True)[:2000])
    paragraphs = list(draft.paragraphs.values_list("key", flat=True))
    texts = []
    for _ in range(rounds):
        words = rng.choice(bodies).split()
        texts.append(" ".join(words[: rng.randint(3, 12)]))
    ours, naive, offered = [], [], 0
    similar_to(draft_id=draft.pk, paragraph_key=str(paragraphs[0]), text=texts[0])  # warm-up
    for text in texts:
        key = str(rng.choice(paragraphs))
        t = time.perf_counter()
        found = similar_to(draft_id=draft.pk, paragraph_key=key, text=text)
        ours.append(time.perf_counter() - t)
        offered += len(found)
        t = time.perf_counter()
        terms = likeness_terms(text)
        scored = [
            (fuzz.token_set_ratio(terms, likeness_terms(body)), pk)
            for pk, body in published.values_list("pk", "body")
        ]
        sorted((s for s in scored if s[0] >= SUGGEST_CUTOFF), reverse=True)[:5]
        naive.append(time.perf_counter() - t)
    u.log(
        f"typing: {statistics.median(ours) * 1000:.1f} ms; naive {statistics.median(naive) * 1000:.1f} ms"
    )
    return {
        "n": rounds,
        "median": statistics.median(ours),
        "p95": u.percentile(ours, 95),
        "naive_median": statistics.median(naive),
        "offered": offered / rounds,
    }


def run_backend(backend: str, args, tmp: Path) -> dict:
    overrides = {"VAR_DIR": str(tmp / backend), "BENCH_BACKEND": backend}
    cmd = [u.PYTHON, __file__, "--_child", "--scale", str(args.scale), "--seed", str(args.seed)]
    cmd += ["--rounds", str(args.rounds), "--new", str(args.new)]
    return u.child_in_fresh_database(backend, "bench_similar", cmd, overrides, args.timeout)


def print_report(results: dict, args, wall: float) -> None:
    u.report_header(args, wall)
    for backend, r in results.items():
        b, g, n, t = r["build"], r["rebuild"], r["new"], r["typing"]
        print(f"\n## {backend}: {b['comments']} comments")
        rows = [
            [
                f"group all {g['comments']} from scratch",
                f"{g['s']:.2f} s ({g['groups']} groups)",
                f"{g['naive_s']:.2f} s ({g['naive']} groups)",
                "<= 30 s",
            ],
            [
                f"place a new comment (median of {n['n']}; worst)",
                f"{u.ms(n['median'])} ms; {u.ms(n['max'])} ms",
                f"{u.ms(n['naive_median'])} ms",
                "<= 50 ms",
            ],
            [
                f"similar while typing (median of {t['n']}; p95)",
                f"{u.ms(t['median'])} ms; {u.ms(t['p95'])} ms ({t['offered']:.1f} offered)",
                f"{u.ms(t['naive_median'])} ms",
                "<= 50 ms",
            ],
        ]
        print(u.table(["what", "ours", "naive baseline", "goal"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=40, help="typed texts")
    parser.add_argument("--new", type=int, default=30, help="new comments placed")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per backend")
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale <= 0 or args.rounds < 1 or args.new < 1:
        parser.error("--scale, --rounds and --new must be positive")
    if args._child:
        print(RESULT_PREFIX + json.dumps(child(args)), flush=True)
        return
    results, wall = u.measure_backends(parser, args, run_backend, "bench-similar-")
    print_report(results, args, wall)


if __name__ == "__main__":
    main()
