"""Reads for moderators: the queue, one item of it, the log and the active blocks."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from comments.models import Comment, CommentStatus

from .models import Flag, ModerationAction, UserBlock

# Reported comments a moderator can still decide on: published, or hidden by reports. A comment
# its author deleted (or a moderator already decided on) has nothing left to decide.
REPORTABLE = (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)


def _open_flags(**filters) -> QuerySet[Flag]:
    return Flag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True, **filters)


def _queue_base() -> QuerySet[Comment]:
    return Comment.objects.select_related(
        "author", "draft", "paragraph", "parent__author", "moderated_by"
    )


def _in_queue() -> Q:
    """The queue's rule: pending comments, and decidable comments with at least one open report."""
    return Q(status=CommentStatus.PENDING) | Q(Exists(_open_flags()), status__in=REPORTABLE)


def moderation_queue(*, draft_slug: str = "", reason: str = "") -> dict[str, list[Comment]]:
    """The moderators' queue: {"pending": [...], "reported": [...]}, at most 200 each.

    Pending comments oldest first; published or report-hidden comments with open reports most
    reported first (each with `reports`, its number of open reports, and `open_flags`). `reason`
    keeps the reported comments with an open report for that reason (counts stay all reasons').
    Every comment appears once; nothing outside the queue's rule appears (4 queries).
    """
    base = _queue_base()
    if draft_slug:
        base = base.filter(draft__slug=draft_slug)
    pending = list(base.filter(status=CommentStatus.PENDING).order_by("created_at", "pk")[:200])
    # Exists() instead of a join: a join matches comments without reports (LEFT JOIN yields a
    # NULL `resolved_at`) and, joined twice for the reason, multiplies the counts.
    reported = base.filter(Exists(_open_flags()), status__in=REPORTABLE)
    if reason:
        reported = reported.filter(Exists(_open_flags(reason=reason)))
    reported = list(
        reported.annotate(
            reports=Count("flags", filter=Q(flags__resolved_at__isnull=True))
        ).order_by("-reports", "created_at", "pk")[:200]
    )
    flags = defaultdict(list)
    for flag in Flag.objects.filter(
        comment__in=pending + reported, resolved_at__isnull=True
    ).select_related("reporter"):
        flags[flag.comment_id].append(flag)
    for comment in pending + reported:
        comment.open_flags = flags.get(comment.pk, [])
    return {"pending": pending, "reported": reported}


def moderation_item(*, pk: int) -> Comment:
    """One comment of the queue, shaped like moderation_queue's (`reports`, `open_flags`).

    Raises Comment.DoesNotExist when the comment is not (or no longer) in the queue.
    """
    comment = _queue_base().filter(_in_queue()).get(pk=pk)
    comment.open_flags = list(
        comment.flags.filter(resolved_at__isnull=True).select_related("reporter")
    )
    comment.reports = len(comment.open_flags)
    return comment


def moderation_log(
    *, action: str = "", actor: str = "", draft_slug: str = ""
) -> QuerySet[ModerationAction]:
    qs = ModerationAction.objects.select_related("draft", "comment__draft", "comment__paragraph")
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    if draft_slug:
        qs = qs.filter(draft__slug=draft_slug)
    return qs.order_by("-created_at", "-id")


def active_blocks() -> QuerySet[UserBlock]:
    return (
        UserBlock.objects.filter(lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .select_related("user", "blocked_by")
    )
