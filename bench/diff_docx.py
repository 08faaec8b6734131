"""A large draft's new version in Word with the changes marked, through the site's view
(`/drafts/<slug>/versions/<a>/diff/<b>.docx`, drafts/docx_diff.py), beside the diff page in HTML
of the same two versions in the same run: whether the .docx may stay inside the request (issue
18 moved the answer table to the worker; this one is made in the request while it stays well
under a second).

Run by hand:

    DEBUG=1 .venv/bin/python bench/diff_docx.py [--paragraphs 300] [--rounds 10] [--backend sqlite|postgres|both]

The draft is bench/split_match.py's realistic text (headings, lists, paragraphs of 40-120
German-ish words), `--paragraphs` blocks, created with draft_create; version 2 (its
make_new_version: 20 % of the blocks edited, a few inserted, removed and moved) published with
draft_publish_version, as the working group does. Each backend runs in a subprocess with a
fresh database. Measured there, median of --rounds after a warm-up, through Django's test
Client as the working group: the .docx download and the HTML diff page.
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


def _median_get(client, url: str, rounds: int) -> tuple[float, int]:
    """Median seconds of GET `url` over `rounds` after one warm-up; and the body's size."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(response.content)


def child(args) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    import split_match

    from deliberation.roles import role_grant
    from drafts.services import draft_create, draft_publish_version

    split_match.PARAGRAPHS = args.paragraphs
    rng = random.Random(args.seed)
    old = split_match.make_draft(rng)
    _origins, new = split_match.make_new_version(rng, old)
    wg = get_user_model().objects.create_user("bench_wg", "bench_wg@example.org")
    role_grant(user=wg, role="working_group")
    draft = draft_create(title="Leitlinien Bürgerbeteiligung", text="\n\n".join(old), user=wg)
    draft_publish_version(draft=draft, text="\n\n".join(new), message="Fassung 2", user=wg)
    client = Client()
    client.force_login(wg)
    base = f"/drafts/{draft.slug}/versions/1/diff/2"
    docx_s, docx_bytes = _median_get(client, base + ".docx", args.rounds)
    html_s, html_bytes = _median_get(client, base + "/", args.rounds)
    u.log(f"diff .docx {docx_s * 1000:.0f} ms ({docx_bytes} bytes); page {html_s * 1000:.0f} ms")
    return {
        "database": connection.vendor,
        "blocks": draft.paragraphs.count(),
        "chars": sum(len(block) for block in new),
        "docx_s": docx_s,
        "docx_bytes": docx_bytes,
        "html_s": html_s,
        "html_bytes": html_bytes,
    }


def run_backend(backend: str, args, tmp: Path) -> dict:
    overrides = {"VAR_DIR": str(tmp / backend), "BENCH_BACKEND": backend}
    cmd = [u.PYTHON, __file__, "--_child", "--paragraphs", str(args.paragraphs)]
    cmd += ["--rounds", str(args.rounds), "--seed", str(args.seed)]
    return u.child_in_fresh_database(backend, "bench_diff_docx", cmd, overrides, args.timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=300, help="blocks of the draft")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=10, help="timed GETs of each address")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per backend")
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.paragraphs < 12 or args.rounds < 1:
        parser.error("--paragraphs must be at least 12 and --rounds positive")
    if args._child:
        print(RESULT_PREFIX + json.dumps(child(args)), flush=True)
        return
    args.scale = f"{args.paragraphs} paragraphs"
    results, wall = u.measure_backends(parser, args, run_backend, "bench-diff-docx-")
    u.report_header(args, wall)
    for backend, r in results.items():
        print(
            f"\n## {backend}: {r['blocks']} paragraphs in all versions, {r['chars']:,} characters\n"
            f"version 2 as .docx with the changes from 1 marked: {u.ms(r['docx_s'])} ms "
            f"({r['docx_bytes'] / 1e3:.0f} kB; in the request while under 1 s); "
            f"the diff page in HTML: {u.ms(r['html_s'])} ms ({r['html_bytes'] / 1e3:.0f} kB)"
        )


if __name__ == "__main__":
    main()
