"""The one module that builds the live events about a comment (docs/protocol.md, section 5).

`comment.created`, `comment.pending`, `comment.updated` and `comment.removed` are built here and
nowhere else; every write path (comments, moderation, feedback, offline) calls these after its
change, inside its transaction: events.broadcast_on_commit sends them once it commits.
"""

from deliberation import events

from .models import Comment, CommentStatus
from .selectors import shown_comment_count
from .serializers import comment_payload, payload_forget


def announce_published(comment: Comment) -> None:
    """`comment.created` to every reader: the newly public comment, with the number of comments
    the paragraph that shows it shows now (null when its paragraph was removed)."""
    _key, shown = shown_comment_count(paragraph=comment.paragraph)
    events.broadcast_on_commit(
        draft=comment.draft,
        type="comment.created",
        data={"comment": comment_payload(comment), "comments": shown},
    )


def announce_pending(comment: Comment) -> None:
    """`comment.pending` to the moderators only: a comment waits for release."""
    events.broadcast_on_commit(
        draft=comment.draft,
        type="comment.pending",
        data={"comment": comment_payload(comment)},
        audience=events.MODERATORS,
    )


def announce_new(comment: Comment) -> None:
    """A comment just written or entered: `comment.created` when it is published,
    `comment.pending` when it waits for release, nothing otherwise."""
    if comment.status == CommentStatus.PUBLISHED:
        announce_published(comment)
    elif comment.status == CommentStatus.PENDING:
        announce_pending(comment)


def announce_updated(comment: Comment, *, with_answer: bool = False) -> None:
    """`comment.updated` to every reader: a published comment's new payload (`with_answer`:
    it carries the working group's answer, or its withdrawal, as the `answer` field)."""
    events.broadcast_on_commit(
        draft=comment.draft,
        type="comment.updated",
        data={"comment": comment.pk, "data": comment_payload(comment, with_answer=with_answer)},
    )


def announce_updated_many(comments: list[Comment], *, with_answer: bool = False) -> None:
    """`announce_updated` for many published comments of one draft at once, in this order
    (one event each, logged and numbered together: events.broadcast_many_on_commit)."""
    if not comments:
        return
    events.broadcast_many_on_commit(
        draft=comments[0].draft,
        events=[
            (
                "comment.updated",
                {"comment": c.pk, "data": comment_payload(c, with_answer=with_answer)},
            )
            for c in comments
        ],
    )


def announce_removed(comment: Comment, **extra) -> None:
    """`comment.removed` to every reader: a published comment is no longer public, with the
    paragraph that showed it and how many comments that one shows now (`extra`: e.g. the
    moderation reason)."""
    key, shown = shown_comment_count(paragraph=comment.paragraph)
    events.broadcast_on_commit(
        draft=comment.draft,
        type="comment.removed",
        data={
            "comment": comment.pk,
            "paragraph": key or str(comment.paragraph.key),
            "comments": shown,
            **extra,
        },
    )


def events_forget(*, comment: Comment) -> int:
    """Make the logged events of a comment that was just removed or deleted forget its author
    and text (`comment.created`, `comment.updated`, and the moderators' `comment.pending`), so that a client resuming from before the
    removal is not told what readers may no longer see. Returns how many events changed."""

    def forget(payload: dict) -> None:
        for data in (payload.get("comment"), payload.get("data")):
            if isinstance(data, dict) and data.get("id") == comment.pk:
                payload_forget(data)

    marker = f'"id":{comment.pk},'
    public = events.events_rewrite(
        draft=comment.draft,
        types=("comment.created", "comment.updated"),
        marker=marker,
        change=forget,
    )
    # The moderators' stream replays pending comments with their text too.
    return public + events.events_rewrite(
        draft=comment.draft,
        types=("comment.pending",),
        marker=marker,
        change=forget,
        audience=events.MODERATORS,
    )
