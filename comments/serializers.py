"""The JSON shape of a comment, shared by the read API and the websocket events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from .models import WAITING_OR_PUBLIC, Comment, CommentStatus

if TYPE_CHECKING:
    from comments.feedback.models import Answer


def answer_payload(answer: Answer | None) -> dict | None:
    """The working group's published answer as readers see it; None while it is internal."""
    if answer is None or answer.published_at is None:
        return None
    version = answer.version_taken_up
    return {
        "disposition": answer.disposition,
        "disposition_label": answer.get_disposition_display(),
        "reply_html": answer.reply_html,
        "version": version,
        # Labels in the language of the moment of publishing, for other clients; the reading
        # page's script takes them from the page, in its reader's language.
        "heading": _("Answer of the working group"),
        "version_label": _("taken up in version %(number)s") % {"number": version}
        if version
        else "",
    }


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
    if with_answer or Comment.answer.is_cached(comment):
        try:
            answer = comment.answer
        except ObjectDoesNotExist:
            answer = None
        payload["answer"] = answer_payload(answer) if public else None
    return payload


def payload_forget(data: dict) -> None:
    """Empty a comment payload of what a removed or deleted comment no longer shows: its text,
    its author and pseudonym, and the answer to it (when the payload carries one). In place."""
    data.update(author=None, pseudonym="", body_html="")
    if "answer" in data:
        data["answer"] = None
