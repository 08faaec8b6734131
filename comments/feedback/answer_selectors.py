"""Reads for the working group's answer list (triage), the answer table (Abwägungstabelle) and
the public list of published answers. A fixed number of queries each, however many comments."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from comments.models import Comment, CommentStatus
from drafts.models import Draft

from .group_selectors import MoreFilters, narrow
from .models import Answer

TRIAGE_PER_PAGE = 25
RESULTS_PER_PAGE = 50

# Triage: every published comment with its answer (or none yet) ----------------------------------


UNANSWERED = "none"
# The order of the text: by the place that shows a comment now, comments on removed paragraphs
# last (in their old order).
TEXT_ORDER = (F("paragraph__current__position").asc(nulls_last=True), "paragraph__position")


def shown_at(key: str) -> Q:
    """Comments shown at paragraph `key`: carried there, or on it if it was removed."""
    return Q(paragraph__current_id=key) | Q(paragraph__key=key, paragraph__current__isnull=True)


def triage_comments(
    *,
    draft: Draft,
    paragraph_key: str = "",
    disposition: str = "",
    version: int | None = None,
    taken_up: int | None = None,
    more: MoreFilters | None = None,
    user=None,
) -> QuerySet[Comment]:
    """The answer list's comments (published ones unless `more` asks for another status),
    unanswered first, then drafted answers, then published ones; `more`: the further filters
    (group_selectors.narrow, `user` being "me")."""
    qs = _triage_comments(draft)
    qs = narrow(qs, filters=more, user=user) if more else qs.filter(status=CommentStatus.PUBLISHED)
    if paragraph_key:
        qs = qs.filter(shown_at(paragraph_key))
    if disposition == UNANSWERED:
        qs = qs.filter(answer__isnull=True)
    elif disposition:
        qs = qs.filter(answer__disposition=disposition)
    if version is not None:
        qs = qs.filter(version=version)
    if taken_up is not None:
        qs = qs.filter(answer__version_taken_up=taken_up)
    stage = Case(
        When(answer__isnull=True, then=Value(0)),
        When(answer__published_at__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(stage=stage).order_by("stage", *TEXT_ORDER, "created_at", "pk")


def answer_triage(*, page: int | str = 1, **filters) -> Page:
    """One page of `triage_comments(**filters)`, each comment with its themes."""
    page_obj = Paginator(
        triage_comments(**filters).prefetch_related("themes"), TRIAGE_PER_PAGE
    ).get_page(page)
    return page_obj


def ids_fingerprint(ids: Iterable[int]) -> str:
    """A short digest (16 hex characters) of a set of ids, in any order: what a form for "all
    of this list" carries, so that the list acted on is the list that was shown."""
    text = ",".join(str(pk) for pk in sorted(set(ids)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def triage_ids(*, limit: int, **filters) -> list[int]:
    """The ids of `triage_comments(**filters)` (every page), at most `limit`, in id order."""
    return list(triage_comments(**filters).order_by("pk").values_list("pk", flat=True)[:limit])


def drafted_answer_ids(*, draft: Draft) -> list[int]:
    """The ids of the answers drafted (not published) to published comments of `draft`: what
    "publish all drafted answers" publishes."""
    return list(
        Answer.objects.filter(
            comment__draft=draft,
            comment__status=CommentStatus.PUBLISHED,
            published_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _triage_comments(draft: Draft):
    return Comment.objects.filter(draft=draft).select_related(
        "author", "answer", "parent__author", "handling__assignee", "draft", "paragraph"
    )


def answer_triage_item(*, draft: Draft, pk: int) -> Comment:
    """One comment of `draft` as the answer list shows it (author, answer, parent loaded).

    Raises Comment.DoesNotExist if `pk` is not a comment of `draft`.
    """
    return _triage_comments(draft).prefetch_related("themes").get(pk=pk)


def answer_counts(*, draft: Draft) -> dict[str, int]:
    published = Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED)
    return published.aggregate(
        comments=Count("pk"),
        unanswered=Count("pk", filter=Q(answer__isnull=True)),
        drafts=Count("pk", filter=Q(answer__isnull=False, answer__published_at__isnull=True)),
        published=Count("pk", filter=Q(answer__published_at__isnull=False)),
    )


# The answer table (Abwägungstabelle) and the public results -------------------------------------


def answer_table(*, draft: Draft, paragraph_key: str = "") -> QuerySet[Comment]:
    """Published comments in the order of the text, each with its answer if there is one."""
    qs = Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED).select_related(
        "answer"
    )
    if paragraph_key:
        qs = qs.filter(shown_at(paragraph_key))
    return qs.order_by(*TEXT_ORDER, "created_at", "pk")


def published_answers(*, draft: Draft, page: int | str = 1) -> Page:
    """Published answers to published comments, in the order of the text, for everyone."""
    qs = (
        Answer.objects.filter(
            comment__draft=draft,
            comment__status=CommentStatus.PUBLISHED,
            published_at__isnull=False,
        )
        .select_related("comment__author")
        .order_by(
            F("comment__paragraph__current__position").asc(nulls_last=True),
            "comment__paragraph__position",
            "comment__created_at",
            "pk",
        )
    )
    return Paginator(qs, RESULTS_PER_PAGE).get_page(page)


def answer_of(*, comment: Comment) -> Answer | None:
    """The working group's answer to `comment` (drafted or published), or None."""
    return Answer.objects.filter(comment=comment).first()
