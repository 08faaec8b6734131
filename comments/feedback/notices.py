"""What the working group's answers tell the authors of comments: "the working group answered
your comment", its disposition and reply and, when a version took the comment up, "übernommen in
Fassung N" with the word diff of the paragraph between the version the comment was written on and
that one; and, once the consultation closed, that its results are public. Registered in
FeedbackConfig.ready; sent by the platform's notifications."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from comments.models import Comment, ParagraphVote
from comments.notices import comment_place, diff_details, excerpt
from deliberation.models import Notification, ScheduledRun
from deliberation.notifications import Note, notify_many, topic_register
from drafts.models import Draft
from drafts.selectors import paragraph_texts

from .models import Disposition

KIND = "answer_published"


def _answered(params: dict) -> str:
    said = _("The working group answered your comment on “%(draft)s”: %(disposition)s.") % {
        "draft": params.get("draft_title", ""),
        "disposition": Disposition(params["disposition"]).label
        if params.get("disposition") in Disposition.values
        else "",
    }
    if params.get("taken_up"):
        said += " " + _("Taken up in version %(number)s.") % {"number": params["taken_up"]}
    return said


def _answered_details(params: dict) -> dict:
    details = {"quote": params.get("reply", "")}
    details.update(diff_details(params.get("old_text", ""), params.get("new_text", "")))
    return details


TEXTS = {KIND: _answered}
DETAILS = {KIND: _answered_details}


def topics_register() -> None:
    topic_register("answers", label=gettext_lazy("Answers of the working group to my comments"))
    topic_register("exports", label=gettext_lazy("A Word file I asked for is ready"))
    topic_register(
        "results",
        label=gettext_lazy("A consultation I took part in closed and its results are public"),
    )


def answers_notify(comments: list[Comment]) -> int:
    """Tell each author (with an account) that the answer to their comment is published now;
    `comments` with their `answer` loaded, draft and paragraph too. One batch for all (a group
    answer to 500 comments costs a few queries). Returns how many were told."""
    told = set(
        Notification.objects.filter(
            kind=KIND, params__comment__in=[c.pk for c in comments]
        ).values_list("params__comment", flat=True)
    )  # published, withdrawn and published again: once is enough
    comments = [c for c in comments if c.author_id is not None and c.pk not in told]
    texts = _taken_up_texts(comments)
    notes = []
    for c in comments:
        params = {
            **comment_place(c),
            "disposition": c.answer.disposition,
            "reply": excerpt(c.answer.reply, 500),
            "taken_up": c.answer.version_taken_up,
        }
        if c.answer.version_taken_up:
            key, current = str(c.paragraph.key), str(c.paragraph.current_id or c.paragraph.key)
            params["old_text"] = texts.get((c.draft_id, key, c.version), "")
            params["new_text"] = texts.get(
                (c.draft_id, key, c.answer.version_taken_up)
            ) or texts.get((c.draft_id, current, c.answer.version_taken_up), "")
        notes.append(Note(c.author_id, KIND, params, c.get_absolute_url()))
    return len(notify_many(notes))


def _taken_up_texts(comments: list[Comment]) -> dict[tuple[int, str, int], str]:
    """{(draft id, paragraph key, version): text} of the paragraphs the diffs of taken-up
    answers need, each version of each draft read once."""
    wanted: dict[int, set] = {}
    drafts = {}
    for c in comments:
        number = c.answer.version_taken_up
        if not number:
            continue
        drafts[c.draft_id] = c.draft
        keys = {str(c.paragraph.key), str(c.paragraph.current_id or c.paragraph.key)}
        pairs = wanted.setdefault(c.draft_id, set())
        pairs.add((str(c.paragraph.key), c.version))
        pairs.update((key, number) for key in keys)
    texts = {}
    for draft_id, pairs in wanted.items():
        for (key, number), text in paragraph_texts(draft=drafts[draft_id], wanted=pairs).items():
            texts[(draft_id, key, number)] = text
    return texts


@task()
def answers_published_notify(draft_id: int, published_at: str) -> int:
    """The worker's half of publishing many answers at once: tell the authors of the answers
    of draft `draft_id` published at the moment `published_at` (ISO), 1,000 at a time."""
    moment = parse_datetime(published_at)
    answered = Comment.objects.filter(draft_id=draft_id, answer__published_at=moment)
    written, after = 0, 0
    while True:
        chunk = list(
            answered.filter(pk__gt=after)
            .select_related("draft", "paragraph", "answer")
            .order_by("pk")[:1000]
        )
        if not chunk:
            return written
        written += answers_notify(chunk)
        after = chunk[-1].pk


# --- the consultation closed: its results are public -----------------------------------------

RECENT = timedelta(days=7)  # a worker started late does not tell of consultations long closed


def _closed(params: dict) -> str:
    return _(
        "The consultation on “%(draft)s” has closed. Thank you for taking part! Its results "
        "and the working group's answers are public now."
    ) % {"draft": params.get("draft_title", "")}


CLOSED_TEXTS = {"consultation_closed": _closed}


def consultations_closed_notify(*, slot=None) -> int:
    """The worker's periodic job: for each draft whose consultation closed lately (by its date
    or by hand), tell everyone who commented or voted on it, once per closing, with a link to
    the results page. Returns notices written."""
    now = timezone.now()
    written = 0
    for draft in Draft.objects.filter(closes_at__lte=now, closes_at__gt=now - RECENT):
        try:
            with transaction.atomic():
                # The marker makes it once per closing, with any number of workers.
                ScheduledRun.objects.create(job=f"closed:{draft.pk}", slot=draft.closes_at)
        except IntegrityError:
            continue
        people = set(
            Comment.objects.filter(draft=draft, author__isnull=False).values_list(
                "author_id", flat=True
            )
        )
        people |= set(
            ParagraphVote.objects.filter(paragraph__draft=draft).values_list("user_id", flat=True)
        )
        url = reverse("draft_results", kwargs={"slug": draft.slug})
        params = {"draft_title": draft.title}
        written += len(
            notify_many([Note(pk, "consultation_closed", params, url) for pk in sorted(people)])
        )
    return written


# --- the answer table in Word the person asked for is ready (export_services.py) --------------


def _export_ready(params: dict) -> str:
    """Which edition is ready (`internal`; notices written before it was kept say neither)."""
    draft = {"draft": params.get("draft_title", "")}
    if "internal" not in params:
        return _("The answer table of “%(draft)s” is ready to download as a Word document.") % draft
    if params["internal"]:
        return (
            _(
                "The answer table of “%(draft)s” (internal edition for the working group) is ready to download as a Word document."
            )
            % draft
        )
    return (
        _(
            "The answer table of “%(draft)s” (edition for publication) is ready to download as a Word document."
        )
        % draft
    )


EXPORT_TEXTS = {"table_export_ready": _export_ready}


def table_export_ready_notify(*, export) -> None:
    """Tell whoever asked for the TableExport `export` (none for an anonymous request) that its
    file is ready, with a link to its page (which checks permission again)."""
    if export.requested_by_id is None:
        return
    url = reverse("draft_table_export", kwargs={"slug": export.draft.slug, "pk": export.pk})
    notify_many(
        [
            Note(
                export.requested_by_id,
                "table_export_ready",
                {
                    "draft_title": export.draft.title,
                    "export": export.pk,
                    "internal": export.internal,
                },
                url,
            )
        ]
    )
