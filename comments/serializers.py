"""The JSON shape of a comment, shared by the read API and the websocket events."""

from .models import Comment, CommentStatus


def comment_payload(comment: Comment) -> dict:
    public = comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
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
    }
