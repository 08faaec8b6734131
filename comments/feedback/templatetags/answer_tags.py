"""Template helpers for the working group's answers and figures."""

from django import template
from django.db.models import F

from comments.models import Comment

from ..models import Answer

register = template.Library()


@register.simple_tag(takes_context=True)
def published_answer(context, comment):
    """The published answer to `comment`, or None.

    A thread shows many comments: the published answers of the comment's paragraph are read in
    one query the first time and kept on the page's draft object, so the number of queries does
    not grow with the number of comments.
    """
    paragraph_id = getattr(comment, "paragraph_id", None)
    if paragraph_id is None:
        return None  # the stand-in comment of the live template
    if Comment.answer.is_cached(comment):
        answer = getattr(comment, "answer", None)
        return answer if answer is not None and answer.published_at else None
    holder = context.get("draft")
    cache = holder.__dict__.setdefault("_published_answers", {}) if holder is not None else {}
    if paragraph_id not in cache:
        cache[paragraph_id] = {
            answer.comment_id: answer
            for answer in Answer.objects.filter(
                comment__paragraph_id=paragraph_id, published_at__isnull=False
            )
            .annotate(paragraph_key=F("comment__paragraph__key"))
            .only("comment_id", "disposition", "reply_html", "version_taken_up", "published_at")
        }
    return cache[paragraph_id].get(comment.pk)


@register.filter
def share(part, whole) -> float:
    """`part` as a percentage of `whole` (0 when `whole` is 0), e.g. for a bar's length."""
    try:
        return round(100 * float(part) / float(whole), 2) if whole else 0
    except (TypeError, ValueError):
        return 0
