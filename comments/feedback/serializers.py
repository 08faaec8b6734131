"""The working group's answer in a comment's payload (the API and the live events): the field
"answer", added to comments' payloads through comments.serializers.payload_part_register."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from comments.models import Comment
from comments.serializers import PayloadPart

from .models import Answer


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


def comment_answer_payload(comment: Comment) -> dict | None:
    """The payload of the comment's answer: None without one or while it is internal."""
    try:
        answer = comment.answer
    except ObjectDoesNotExist:
        answer = None
    return answer_payload(answer)


ANSWER_PART = PayloadPart(
    # Known without a query only when the comment was read with select_related("answer").
    loaded=lambda comment: Comment.answer.is_cached(comment),
    value=comment_answer_payload,
)
