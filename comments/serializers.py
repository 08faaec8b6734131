"""The JSON shape of a comment, shared by the read API and the websocket events."""

from .models import Comment, CommentStatus


def comment_payload(comment: Comment, *, reveal: bool = False) -> dict:
    """`reveal`: show the text of a rejected or hidden comment (to moderators and its author)."""
    public = comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING) or reveal
    return {
        "id": comment.pk,
        "paragraph": str(comment.paragraph.key),
        "parent": comment.parent_id,
        "root": comment.root_id,
        "author": comment.author.get_username() if comment.author_id else None,
        "body_html": comment.body_html if public else "",
        "created": comment.created_at.isoformat(),
        "version": comment.version,
        "supports": comment.support_count,
        "status": comment.status,
        "depth": comment.depth,
        "edited": comment.edited_at.isoformat() if comment.edited_at else None,
        "channel": comment.channel,
        "reason": comment.moderation_reason
        if comment.status in (CommentStatus.HIDDEN, CommentStatus.REJECTED)
        else "",
    }
