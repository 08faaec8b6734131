"""What comments tell their authors: where a comment is, and that someone replied to it.

The notification machinery is the platform's (deliberation.notifications); this module holds
the comments' kinds and the parameters every comment notice carries (draft title, paragraph
excerpt, permalink), so that digests group them by draft and paragraph.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation.models import Notification
from deliberation.notifications import Channel, notify, topic_register

from .models import Comment, CommentStatus

EXCERPT = 80


def excerpt(text: str, length: int = EXCERPT) -> str:
    """The first words of `text`, at most `length` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


def comment_url(comment: Comment) -> str:
    """The comment's permalink: its draft, its thread open, scrolled to it."""
    return f"{comment.draft.get_absolute_url()}?thread={comment.paragraph.key}#c-{comment.pk}"


def comment_place(comment: Comment) -> dict:
    """The parameters that place a notice about `comment`: draft title, paragraph excerpt."""
    return {
        "draft_title": comment.draft.title,
        "paragraph_excerpt": excerpt(comment.paragraph.text),
        "comment": comment.pk,
    }


def _reply(params: dict) -> str:
    return _("%(name)s replied to your comment on “%(draft)s”.") % {
        "name": params.get("name") or _("Someone"),
        "draft": params.get("draft_title", ""),
    }


def _reply_details(params: dict) -> dict:
    return {"quote": params.get("body", "")}


TEXTS = {"comment_reply": _reply}
DETAILS = {"comment_reply": _reply_details}


def topics_register() -> None:
    topic_register("replies", label=gettext_lazy("Replies to my comments"))


def reply_notify(reply: Comment) -> None:
    """Tell the author of the comment `reply` answers (once, when the reply becomes public;
    nobody is told of their own reply)."""
    if reply.parent_id is None or reply.status != CommentStatus.PUBLISHED:
        return
    parent = reply.parent
    if parent.author_id is None or parent.author_id == reply.author_id:
        return
    if parent.status != CommentStatus.PUBLISHED:
        return
    told = Notification.objects.filter(
        user_id=parent.author_id, kind="comment_reply", params__reply=reply.pk
    )
    if told.exists():  # released again after a removal: once is enough
        return
    notify(
        user=parent.author,
        kind="comment_reply",
        params={
            **comment_place(reply),
            "reply": reply.pk,
            "name": reply.author.get_username() if reply.author else "",
            "body": excerpt(reply.body, 500),
        },
        url=comment_url(reply),
    )


__all__ = ["Channel", "comment_place", "comment_url", "excerpt", "reply_notify"]
