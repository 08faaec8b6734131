"""The JSON shape of a comment, shared by the read API and the websocket events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import WAITING_OR_PUBLIC, Comment, CommentStatus


@dataclass(frozen=True)
class PayloadPart:
    """A field that an app built on comments adds to a comment's payload (feedback's "answer").

    `loaded(comment)`: whether the comment carries what the field needs without a query (e.g.
    select_related); `value(comment)`: the field's value for a comment whose text is public.
    A comment that is not public gets None; a removed one forgets it (payload_forget).
    """

    loaded: Callable[[Comment], bool]
    value: Callable[[Comment], object]


# Registered by the apps' AppConfig.ready (payload_part_register), by field name.
PAYLOAD_PARTS: dict[str, PayloadPart] = {}


def payload_part_register(name: str, part: PayloadPart) -> None:
    """Add the field `name` to comment payloads (API, events) where `part` says it is known."""
    PAYLOAD_PARTS[name] = part


def quote_payload(comment: Comment) -> dict | None:
    """`{"exact", "prefix", "suffix", "anchored"}` of the passage a comment quotes, or None."""
    if not comment.quote_exact:
        return None
    return {
        "exact": comment.quote_exact,
        "prefix": comment.quote_prefix,
        "suffix": comment.quote_suffix,
        "anchored": comment.quote_anchored,
    }


def comment_payload(comment: Comment, *, reveal: bool = False, with_answer: bool = False) -> dict:
    """`reveal`: show the text of a rejected or hidden comment (to moderators and its author).

    A hidden or deleted comment names nobody ("author" null, "pseudonym" empty), whoever asks.

    "answer" is there when the answer is known without a query (select_related("answer")) or
    with `with_answer`: null while there is no published answer, so a client removes it then.
    """
    public = comment.status in WAITING_OR_PUBLIC or reveal
    named = comment.names_author  # never, not even with `reveal`, for a removed comment
    payload = {
        "id": comment.pk,
        "paragraph": str(comment.paragraph.key),
        # The paragraph of the current version that shows it (None: its paragraph was removed).
        "current_paragraph": str(comment.paragraph.current_id)
        if comment.paragraph.current_id
        else None,
        "quote": quote_payload(comment) if public else None,
        "parent": comment.parent_id,
        "root": comment.root_id,
        "author": comment.author.get_username() if named and comment.author_id else None,
        "body_html": comment.body_html if public else "",
        "created": comment.created_at.isoformat(),
        "version": comment.version,
        "supports": comment.support_count,
        "status": comment.status,
        "depth": comment.depth,
        "edited": comment.edited_at.isoformat() if comment.edited_at else None,
        "channel": comment.channel,
        # Contributions from analog formats: shown by pseudonym, with the date and place.
        "pseudonym": comment.pseudonym if named else "",
        "contributed_on": comment.contributed_on.isoformat() if comment.contributed_on else None,
        "place": comment.place,
        "late_entry": comment.late_entry,
        "reason": comment.moderation_reason
        if comment.status in (CommentStatus.HIDDEN, CommentStatus.REJECTED)
        else "",
    }
    for name, part in PAYLOAD_PARTS.items():
        if with_answer or part.loaded(comment):
            payload[name] = part.value(comment) if public else None
    return payload


def payload_forget(data: dict) -> None:
    """Empty a comment payload of what a removed or deleted comment no longer shows: its text,
    its author and pseudonym, and the registered parts it carries (the answer to it). In place."""
    data.update(author=None, pseudonym="", body_html="")
    for name in PAYLOAD_PARTS:
        if name in data:
            data[name] = None
