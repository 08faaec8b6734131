"""Closing the loop at national scale (issue 17): the working group publishes its answer table of
8,500 answers at once; every author is told on the site and, having chosen e-mail, by mail.

Run by hand:

    DEBUG=1 .venv/bin/python bench/notifications.py [--scale 1.0] [--backend sqlite|postgres|both]

The data is bench/consultation.py's `build` (21,000 users, 8,500 comments at scale 1.0); every
comment gets a drafted answer, every author chooses "e-mail at once" for answers. Each backend runs
in a subprocess with a fresh database, a real SMTP server (aiosmtpd, in that process, counting
what it accepts) and the real worker (`manage.py worker`) as a process of its own. Measured:

* ours: the publishing request (POST /drafts/<slug>/answers/publish/ through Django's test
  Client, as the working group sends it) and, from its start, the time until all notifications
  exist and until the SMTP server has accepted every mail, with the rate in mails per second.
  Goals: the request returns in <= 1 s, all queued in <= 60 s.
* naive baseline, same run, same database: what the code did before the outbox, inside the
  request: per answer, mark it published, store the notification and send the mail with
  `send_mail` (a new SMTP connection each), for --naive answers (default: all), extrapolated
  to all when fewer.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u

RESULT_PREFIX = "RESULT "


class Sink:
    """aiosmtpd handler: counts the messages it accepts."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _wait(condition, *, timeout: float, what: str) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"{what}: not done within {timeout} s")
        time.sleep(0.05)
    return time.perf_counter()


def child(args) -> dict:
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    from consultation import build

    from comments.feedback.models import Answer
    from comments.models import Comment, CommentStatus
    from deliberation.models import Delivery, DeliveryState, Notification, NotificationSetting
    from deliberation.roles import role_grant

    built = build(args.scale, random.Random(args.seed))
    draft = built["draft"]
    # Every comment of the built consultation counts here (it leaves some pending or removed):
    # the answer table of 8,500 answers, one per comment.
    Comment.objects.filter(draft=draft).update(status=CommentStatus.PUBLISHED)
    comments = list(
        Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED).values_list(
            "pk", "author_id"
        )
    )
    Answer.objects.bulk_create(
        [
            Answer(comment_id=pk, disposition="noted", reply=f"Danke für Ihren Hinweis {pk}.")
            for pk, _author in comments
        ],
        batch_size=2000,
    )
    authors = {author for _pk, author in comments if author}
    NotificationSetting.objects.bulk_create(
        [NotificationSetting(user_id=a, topic="answers", channel="instant") for a in authors],
        batch_size=2000,
    )
    wg = get_user_model().objects.get(username="bench_wg")
    role_grant(user=wg, role="working_group")
    expected = len(comments)
    u.log(
        f"{expected} drafted answers of {len(authors)} authors, {built['figures']['users']} users"
    )

    sink = Sink()
    port = u.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    mail_env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    result = {"build": built["figures"], "database": connection.vendor, "answers": expected}
    try:
        result["naive"] = naive(args, draft, sink)
        # Back to the start: nothing published, nothing told, nothing mailed.
        Answer.objects.update(published_at=None)
        Notification.objects.all().delete()
        sink.count = 0

        worker_log = Path(os.environ["VAR_DIR"]) / "worker.log"
        workers = [
            u.start(
                [u.PYTHON, "manage.py", "worker", "--interval", "0.2"],
                env=u.bench_env(
                    **mail_env,
                    VAR_DIR=os.environ["VAR_DIR"],
                    DATABASE_URL=os.environ.get("DATABASE_URL"),
                    SITE_URL="https://beteiligung.example.org",
                ),
                log=worker_log,
            )
            for _ in range(args.workers)
        ]
        time.sleep(3)  # its start-up (Django, the first round of periodic jobs)
        client = Client()
        client.force_login(wg)
        t0 = time.perf_counter()
        response = client.post(f"/drafts/{draft.slug}/answers/publish/")
        request_s = time.perf_counter() - t0
        assert response.status_code == 302, response.status_code
        published = Answer.objects.filter(published_at__isnull=False).count()
        assert published == expected, (published, expected)
        told_at = _wait(
            lambda: Notification.objects.filter(kind="answer_published").count() >= expected,
            timeout=args.timeout,
            what="notifications",
        )
        mailed_at = _wait(lambda: sink.count >= expected, timeout=args.timeout, what="mails")
        sent = Delivery.objects.filter(state=DeliveryState.SENT).count()
        for worker in workers:
            u.stop(worker)
        result["ours"] = {
            "request_s": request_s,
            "notified_s": told_at - t0,
            "mailed_s": mailed_at - t0,
            "mails": sink.count,
            "sent_rows": sent,
            "workers": args.workers,
            "worker_log": u.tail(worker_log, 5),
        }
        u.log(
            f"ours: request {request_s:.3f} s, notified {told_at - t0:.1f} s, mailed {mailed_at - t0:.1f} s"
        )
    finally:
        controller.stop()
    result["finished"] = timezone.now().isoformat()
    return result


def naive(args, draft, sink) -> dict:
    """Before the outbox: inside the request, per answer: publish, store, send_mail."""
    from django.core.mail import send_mail
    from django.db import transaction
    from django.utils import timezone

    from comments.feedback.models import Answer
    from deliberation.models import Notification

    answers = list(
        Answer.objects.filter(comment__draft=draft)
        .select_related("comment__author", "comment__draft")
        .order_by("pk")
    )
    sample = answers[: args.naive] if args.naive else answers
    t0 = time.perf_counter()
    for answer in sample:
        with transaction.atomic():
            Answer.objects.filter(pk=answer.pk).update(published_at=timezone.now())
            author = answer.comment.author
            Notification.objects.create(
                user=author, kind="answer_published", params={"comment": answer.comment_id}
            )
            send_mail(
                f"Antwort des Arbeitskreises zu „{draft.title}“",
                f"Der Arbeitskreis hat Ihren Kommentar beantwortet: {answer.reply}",
                None,
                [author.email],
            )
    seconds = time.perf_counter() - t0
    u.log(f"naive: {len(sample)} answers in {seconds:.1f} s inside the request")
    return {
        "answers": len(sample),
        "seconds": seconds,
        "extrapolated_s": seconds * len(answers) / max(1, len(sample)),
        "mails": sink.count,
    }


def run_backend(backend: str, args, tmp: Path) -> dict:
    overrides = {"VAR_DIR": str(tmp / backend), "BENCH_BACKEND": backend}
    db = None
    if backend == "postgres":
        db = u.pg_create("bench_notifications")
        overrides["DATABASE_URL"] = u.pg_url(db)
    cmd = [u.PYTHON, __file__, "--_child", "--scale", str(args.scale), "--seed", str(args.seed)]
    cmd += ["--naive", str(args.naive), "--timeout", str(args.timeout)]
    cmd += ["--workers", str(args.workers)]
    print(f"[{backend}] building and measuring in a fresh database ...", flush=True)
    try:
        proc = subprocess.run(
            cmd,
            cwd=u.ROOT,
            env=u.bench_env(**overrides),
            stdout=subprocess.PIPE,
            text=True,
            timeout=args.timeout * 4,
            preexec_fn=u._set_pdeathsig,
        )
    finally:
        if db:
            u.pg_drop(db)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"[{backend}] failed ({proc.returncode}):\n{proc.stdout[-3000:]}")
    return json.loads(lines[-1][len(RESULT_PREFIX) :])


def print_report(results: dict, args, wall: float) -> None:
    u.report_header(args, wall)
    for backend, r in results.items():
        b, ours, nv = r["build"], r["ours"], r["naive"]
        n = r["answers"]
        print(f"\n## {backend}: {n} answers published at once, {b['users']} users")
        rows = [
            [
                f"ours: outbox + {ours['workers']} worker(s)",
                f"{ours['request_s']:.3f} s",
                f"{ours['notified_s']:.1f} s",
                f"{ours['mailed_s']:.1f} s",
                f"{ours['mails'] / ours['mailed_s']:.0f}/s",
            ],
            [
                f"naive: send_mail in the request ({nv['answers']} measured)",
                f"{nv['extrapolated_s']:.1f} s",
                "(in the request)",
                f"{nv['extrapolated_s']:.1f} s",
                f"{nv['answers'] / nv['seconds']:.0f}/s",
            ],
        ]
        print(u.table(["", "request returns", "all notified", "all mailed", "mail rate"], rows))
        ok_request = ours["request_s"] <= 1
        ok_queue = ours["mailed_s"] <= 60
        print(
            f"goals: request <= 1 s: {'met' if ok_request else 'MISSED'}; all mailed <= 60 s: "
            f"{'met' if ok_queue else 'MISSED'} ({ours['sent_rows']} outbox rows sent, "
            f"{ours['mails']} mails accepted by SMTP)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--naive", type=int, default=0, help="answers for the baseline (0: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes (manage.py worker)"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for mails")
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale <= 0:
        parser.error("--scale must be positive")
    if args._child:
        try:
            print(RESULT_PREFIX + json.dumps(child(args)), flush=True)
        finally:
            u.cleanup()
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if "postgres" in backends and not u.postgres_available():
        if args.backend == "postgres":
            parser.error("PostgreSQL on 127.0.0.1:5432 does not answer")
        print("PostgreSQL does not answer: measuring SQLite only", flush=True)
        backends.remove("postgres")
    started = time.monotonic()
    args.load_before = f"{os.getloadavg()[0]:.2f}"
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-notifications-") as tmp:
        try:
            for backend in backends:
                results[backend] = run_backend(backend, args, Path(tmp))
        finally:
            u.cleanup()
    print_report(results, args, time.monotonic() - started)


if __name__ == "__main__":
    main()
