"""Reads on comments and votes. Query counts stay constant in the number of comments."""

import json
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, Sum

from deliberation import events
from drafts.models import Draft, Paragraph

from .models import (
    Comment,
    CommentEdit,
    CommentStatus,
    ParagraphTally,
    ParagraphVote,
)
from .permissions import can_see_unreleased
from .search import comments_search
from .serializers import comment_payload, payload_forget

THREADS_PER_PAGE = 20
ORDERS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "supported": ("-support_count", "-created_at"),
}
EMPTY_COUNTS = {"agree": 0, "disagree": 0, "neutral": 0, "comments": 0}
# The logged events that carry a comment's payload (text, author): {type: the key holding it}.
_COMMENT_PAYLOADS = {"comment.created": "comment", "comment.updated": "data"}


def visible_comments(*, user, draft: Draft | None = None) -> QuerySet[Comment]:
    """Comments this person may see: published ones (with placeholders for removed ones),
    their own pending and rejected ones, and everything for moderators."""
    qs = Comment.objects.all()
    if draft is not None:
        qs = qs.filter(draft=draft)
    if can_see_unreleased(user=user):
        return qs.exclude(~Q(author=user), status=CommentStatus.HELD)  # their author's only
    shown = Q(status__in=[CommentStatus.PUBLISHED, CommentStatus.DELETED, CommentStatus.HIDDEN])
    if user.is_authenticated:
        shown |= Q(author=user)
    return qs.filter(shown)


def comment_find(
    *, pk: int, draft: Draft | None = None, draft_slug: str = "", with_answer: bool = False
) -> Comment | None:
    """The comment `pk` with its draft, paragraph and author, or None; only if it belongs to
    `draft` (or to the draft with `draft_slug`) when given. `with_answer`: with the working
    group's answer too, as the comment's template reads it (feedback's published_answer).
    Whether the person may see or change it is for the caller and the services to decide."""
    qs = Comment.objects.select_related("draft", "paragraph", "author")
    if with_answer:
        qs = qs.select_related("answer")
    if draft is not None:
        qs = qs.filter(draft=draft)
    if draft_slug:
        qs = qs.filter(draft__slug=draft_slug)
    return qs.filter(pk=pk).first()


def events_as_now(*, draft_id: int, texts: list[str]) -> list[str]:
    """Replayed events that show every comment as it is now, for the public (`resume`).

    `texts`: a draft's logged event texts in seq order (`events.events_since`). The log keeps
    each `comment.created` and `comment.updated` with the comment as it was then; a comment
    hidden, withdrawn or edited since, or whose author deleted the account, must not come back
    in its old form. Those events get the comment's public payload of now instead: its current
    text and author while published, no text and no author otherwise. Other events, and the
    events' `type`, `seq` and other fields, stay as logged. One query; texts of other events
    are not parsed.
    """
    replaced = {}
    for index, text in enumerate(texts):
        kind = text[9 : text.find('"', 9)] if text.startswith('{"type":"') else ""
        if kind in _COMMENT_PAYLOADS:
            replaced[index] = json.loads(text)
    if not replaced:
        return texts
    payloads = {index: event[_COMMENT_PAYLOADS[event["type"]]] for index, event in replaced.items()}
    comments = Comment.objects.select_related("paragraph", "author", "answer").in_bulk(
        {payload["id"] for payload in payloads.values()}
    )
    texts = list(texts)
    for index, event in replaced.items():
        logged = payloads[index]
        comment = comments.get(logged["id"])
        if comment is not None and comment.draft_id == draft_id:
            now = comment_payload(comment)
            if "answer" not in logged:
                now.pop("answer", None)  # only answer events carry it (protocol 5.1)
        else:
            now = {**logged, "status": CommentStatus.DELETED}
        if now["status"] != CommentStatus.PUBLISHED:  # as announcements.events_forget leaves it
            payload_forget(now)
        event[_COMMENT_PAYLOADS[event["type"]]] = now
        texts[index] = events.encode(event)
    return texts


def paragraph_counts(*, draft: Draft) -> dict[str, dict[str, int]]:
    """Counts by key of every paragraph of the current version, in one query: its own votes,
    and the published comments it shows (its own and those its predecessors hand on)."""
    rows = ParagraphTally.objects.filter(paragraph__draft=draft).values(
        "paragraph__key",
        "paragraph__archived",
        "paragraph__current_id",
        "agree",
        "disagree",
        "neutral",
        "comments",
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        if not row["paragraph__archived"]:
            entry = counts.setdefault(str(row["paragraph__key"]), dict(EMPTY_COUNTS))
            entry.update(agree=row["agree"], disagree=row["disagree"], neutral=row["neutral"])
        if row["paragraph__current_id"] is not None:
            shown = counts.setdefault(str(row["paragraph__current_id"]), dict(EMPTY_COUNTS))
            shown["comments"] += row["comments"]
    return counts


def shown_comment_count(*, paragraph: Paragraph) -> tuple[str | None, int | None]:
    """The key of the paragraph that shows `paragraph`'s comments now and how many published
    comments it shows in all; (None, None) when `paragraph` was removed."""
    key = paragraph.current_id
    if key is None:
        return None, None
    # On the path of every new comment's event (issue 14): written out in SQL, as building it
    # through the ORM cost more than running it.
    q = connection.ops.quote_name
    current = Paragraph._meta.get_field("current")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM(t.{q('comments')}) FROM {q(ParagraphTally._meta.db_table)} t "  # noqa: S608
            f"JOIN {q(Paragraph._meta.db_table)} p ON p.{q('id')} = t.{q('paragraph_id')} "
            f"WHERE p.{q(current.column)} = %s",
            [current.get_db_prep_value(key, connection)],
        )
        total = cursor.fetchone()[0]
    return str(key), int(total or 0)


def vote_snapshot(*, draft_id: int) -> dict[str, dict[str, int]]:
    """The vote counts of every paragraph of the draft, with their rev, in one query.

    Shape (the `counts` of `hello` and of every `resume` answer): {paragraph key (str):
    {"agree", "disagree", "neutral", "rev"}}; a paragraph without votes has zeros and rev 0.
    """
    rows = Paragraph.objects.filter(draft_id=draft_id).values_list(
        "key", "tally__agree", "tally__disagree", "tally__neutral", "tally__rev"
    )
    return {
        str(key): {
            "agree": agree or 0,
            "disagree": disagree or 0,
            "neutral": neutral or 0,
            "rev": rev or 0,
        }
        for key, agree, disagree, neutral, rev in rows
    }


def heartbeat_votes(drafts: dict[str, int]) -> dict[str, dict[str, int]]:
    """The heartbeat's `votes` of each draft stream, in one query: {stream: {"votes": the sum
    of the revs of all the draft's paragraphs}}, the same paragraphs `vote_snapshot` gives.

    Every change of a count bumps its paragraph's rev, so the sum grows with each one: a client
    whose revs add up to less missed a (coalesced, unlogged) `votes.changed` and resumes.
    """
    sums = dict(
        ParagraphTally.objects.filter(paragraph__draft_id__in=drafts.values())
        .values("paragraph__draft_id")
        .annotate(total=Sum("rev"))
        .values_list("paragraph__draft_id", "total")
    )
    return {stream: {"votes": sums.get(draft_id) or 0} for stream, draft_id in drafts.items()}


def user_votes(*, user, draft: Draft) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(
        ParagraphVote.objects.filter(user=user, paragraph__draft=draft).values_list(
            "paragraph_id", "choice"
        )
    )


def user_supports(*, user, comment_ids: list[int]) -> set[int]:
    if not user.is_authenticated or not comment_ids:
        return set()
    return set(
        user.comment_supports.filter(comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )


def user_reported(*, user, comment_ids: list[int]) -> set[int]:
    """Which of these comments this person has reported (shown as "reported" to them)."""
    if not user.is_authenticated or not comment_ids:
        return set()
    return set(user.flags.filter(comment_id__in=comment_ids).values_list("comment_id", flat=True))


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def paragraph_threads(
    *, user, paragraph: Paragraph, order: str = "newest", page: int = 1
) -> tuple[Page, list[Thread]]:
    """One page of top-level comments a paragraph shows (its own and those its predecessors
    hand on), each with all its replies (3 queries)."""
    # With its paragraph (the one it was written on, perhaps one this one replaced) and the
    # working group's answer: the template's links, reply forms, diffs and answers read them,
    # a query per comment otherwise.
    base = (
        visible_comments(user=user)
        .filter(paragraph__current_id=paragraph.key)
        .select_related("author", "paragraph", "answer")
    )
    roots = base.filter(parent__isnull=True).order_by(*ORDERS.get(order, ORDERS["newest"]))
    page_obj = Paginator(roots, THREADS_PER_PAGE).get_page(page)
    threads = [Thread(comment=c) for c in page_obj.object_list]
    by_root = {t.comment.pk: t for t in threads}
    for reply in base.filter(root_id__in=list(by_root)).order_by("created_at", "pk"):
        by_root[reply.root_id].replies.append(reply)
    # A comment its author deleted is noise unless replies hang on it; a moderation removal is
    # always shown with its reason, so that readers see that (and why) something was removed.
    threads = [t for t in threads if t.comment.status != CommentStatus.DELETED or t.replies]
    return page_obj, threads


@dataclass
class RemovedParagraph:
    """A paragraph that a version removed, with the comments on it, for its former place."""

    paragraph: Paragraph
    after: str | None  # key of the current paragraph it follows (None: before all)
    threads: list[Thread] = field(default_factory=list)


def _former_place(start: str | None, rows: dict[str, tuple]) -> str | None:
    """The current paragraph a removed one follows: its neighbour's current paragraph, or,
    when that neighbour was removed too, that one's place (and so on)."""
    seen = set()
    while start is not None and start not in seen:
        seen.add(start)
        current, placed_after = rows.get(start, (None, None))
        if current is not None:
            return current
        start = placed_after
    return None


def removed_paragraph_threads(*, user, draft: Draft) -> list[RemovedParagraph]:
    """The comments this person may see on paragraphs that were removed (not handed on), by
    paragraph, each with the current paragraph it stood after. Two queries (one if none)."""
    comments = list(
        visible_comments(user=user, draft=draft)
        .filter(paragraph__archived=True, paragraph__current__isnull=True)
        .select_related("author", "paragraph", "answer")
        .order_by("created_at", "pk")
    )
    if not comments:
        return []
    rows = {
        str(key): (current and str(current), placed_after and str(placed_after))
        for key, current, placed_after in draft.paragraphs.values_list(
            "key", "current_id", "placed_after_id"
        )
    }
    groups: dict[int, RemovedParagraph] = {}
    threads: dict[int, Thread] = {}
    for comment in comments:
        paragraph = comment.paragraph
        if paragraph.pk not in groups:
            after = _former_place(
                paragraph.placed_after_id and str(paragraph.placed_after_id), rows
            )
            groups[paragraph.pk] = RemovedParagraph(paragraph=paragraph, after=after)
        if comment.root_id is None:
            threads[comment.pk] = Thread(comment=comment)
            groups[paragraph.pk].threads.append(threads[comment.pk])
        elif comment.root_id in threads:
            threads[comment.root_id].replies.append(comment)
    for group in groups.values():
        group.threads = [
            t for t in group.threads if t.comment.status != CommentStatus.DELETED or t.replies
        ]
    return [g for g in groups.values() if g.threads]


def readable_comments(*, user, draft: Draft) -> QuerySet[Comment]:
    """The comments of `draft` whose text this person may read, for lists outside the threads
    (API, search): published ones and their own pending ones; moderators get every comment."""
    qs = Comment.objects.filter(draft=draft)
    if can_see_unreleased(user=user):
        return qs.exclude(~Q(author=user), status=CommentStatus.HELD)  # their author's only
    shown = Q(status=CommentStatus.PUBLISHED)
    if user.is_authenticated:
        shown |= Q(author=user, status__in=[CommentStatus.PENDING, CommentStatus.HELD])
    return qs.filter(shown)


API_PAGE_MAX = 1_000  # comments per page of the read API: the default and the most


def comments_for_api(
    *,
    user,
    draft: Draft,
    paragraph_key: str | None = None,
    since=None,
    after: int = 0,
    limit: int = API_PAGE_MAX,
    search: str = "",
    language: str = "de",
) -> tuple[list[Comment], bool]:
    """One page of the draft's comments for the read API, in id order: those with an id above
    `after`, at most `limit` (1 to API_PAGE_MAX). Returns (comments, whether more follow).

    Anonymous readers and citizens get published comments and their own pending ones, nothing
    else (no placeholders for removed ones: the API has no thread to keep together); moderators
    get every comment. `search`: only comments with all these words in some form, stemmed in
    `language` ("de" or "en"; comments/search.py). Two queries at most, whatever the page size.
    """
    qs = readable_comments(user=user, draft=draft)
    if paragraph_key:
        qs = qs.filter(paragraph__key=paragraph_key)
    if since is not None:
        qs = qs.filter(created_at__gt=since)
    if search:
        qs = comments_search(qs, text=search, language=language)
    limit = max(1, min(limit, API_PAGE_MAX))
    page = list(
        qs.filter(pk__gt=after)
        .select_related("author", "paragraph", "answer")
        .order_by("pk")[: limit + 1]
    )
    return page[:limit], len(page) > limit


def personal_data(user) -> dict:
    """The user's comments (with their earlier texts), votes and supports, for the data
    download: four queries, however much the person wrote."""
    earlier = Prefetch("edits", queryset=CommentEdit.objects.order_by("replaced_at", "pk"))
    comments = (
        Comment.objects.filter(author=user)
        .select_related("draft", "paragraph")
        .prefetch_related(earlier)
        .order_by("created_at", "pk")
    )
    return {
        "comments": [
            {
                "id": c.pk,
                "draft": c.draft.slug,
                "paragraph": str(c.paragraph.key),
                "parent": c.parent_id,
                "text": c.body,
                "status": c.status,
                "version": c.version,
                "created": c.created_at.isoformat(),
                "edited": c.edited_at.isoformat() if c.edited_at else None,
                "earlier_texts": [edit.body for edit in c.edits.all()],
            }
            for c in comments
        ],
        "votes": [
            {
                "draft": v.paragraph.draft.slug,
                "paragraph": str(v.paragraph.key),
                "choice": v.choice,
                "updated": v.updated_at.isoformat(),
            }
            for v in ParagraphVote.objects.filter(user=user).select_related("paragraph__draft")
        ],
        "supports": list(user.comment_supports.values_list("comment_id", flat=True)),
    }
