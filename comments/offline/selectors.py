"""Reads of the offline app: what the room view shows."""

from comments.models import Comment, CommentStatus
from drafts.models import Draft

ROOM_COMMENTS = 8  # the latest comments the room view shows (and room.js keeps)


def room_comments(*, draft: Draft, limit: int = ROOM_COMMENTS) -> list[Comment]:
    """The latest published comments of the draft, newest first (one query)."""
    return list(
        Comment.objects.filter(draft=draft, status=CommentStatus.PUBLISHED)
        .select_related("author", "paragraph")
        .order_by("-created_at", "-pk")[:limit]
    )
