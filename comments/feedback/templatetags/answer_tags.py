"""Template helpers for the working group's answers and figures."""

import json

from django import template

from comments.models import Comment

from ..models import MAX_REPLY_CHARS, Disposition

register = template.Library()


@register.simple_tag
def reply_max_chars() -> int:
    """The longest answer or standard reply (feedback.models.MAX_REPLY_CHARS), for maxlength."""
    return MAX_REPLY_CHARS


@register.filter
def published_answer(comment):
    """The published answer to `comment`, or None; reads nothing from the database.

    The selectors that list comments for a page load each comment's answer with it
    (`select_related("answer")`: comments.selectors.paragraph_threads and
    removed_paragraph_threads, the single comment of comments.views.comment_feedback), so a
    thread costs no query per answer. A Comment loaded without it raises ValueError: that is a
    selector to fix, not a query to hide here. The live template's stand-in (no Comment) has none.
    """
    if not isinstance(comment, Comment):
        return None
    if not Comment.answer.is_cached(comment):
        raise ValueError(f"comment {comment.pk} was loaded without select_related('answer')")
    answer = getattr(comment, "answer", None)
    return answer if answer is not None and answer.published_at else None


@register.simple_tag
def disposition_labels_json() -> str:
    """{code: label} of the dispositions as JSON, in the page's language: the reading page's
    script labels an answer that arrives live in its reader's language, not the publisher's."""
    return json.dumps({code: str(label) for code, label in Disposition.choices}, ensure_ascii=False)


@register.filter
def share(part, whole) -> float:
    """`part` as a percentage of `whole` (0 when `whole` is 0), e.g. for a bar's length."""
    try:
        return round(100 * float(part) / float(whole), 2) if whole else 0
    except (TypeError, ValueError):
        return 0
