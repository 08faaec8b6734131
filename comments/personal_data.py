"""Comments, votes and supports as personal data, registered with
deliberation.accounts.services (from CommentsConfig.ready)."""

from deliberation.accounts.erasure import admin_log_forget
from deliberation.accounts.services import personal_data_register

from .models import Comment, CommentEdit, CommentSupport, Likeness, ParagraphVote, SimilarGroup
from .notices import reply_notices_forget
from .selectors import personal_data
from .services import comments_erase

EMPTIED = "exported; emptied when the account is deleted (comments.services.comments_erase)"
DERIVED = "derived from a comment's text; emptied with it (comments.similar.likeness_update)"
LINK_GOES = "a staff member's work: the link is set to NULL with the account, the work stays"


def comments_data_erase(user) -> None:
    """The comments' eraser: comments lose their texts (comments_erase), the admin's history
    forgets how they were shown (their first words), and the notifications that told others of
    the person's replies (with name and words) go."""
    ids = comments_erase(user=user)
    admin_log_forget(model=Comment, pks=ids)
    reply_notices_forget(comment_ids=ids)


def register() -> None:
    """Register the comments' fields (called from CommentsConfig.ready)."""
    personal_data_register(
        name="participation",
        exporter=personal_data,
        eraser=comments_data_erase,
        fields={
            Comment: {
                "author": "exported; set to NULL with the account",
                **{
                    f: EMPTIED
                    for f in (
                        "body",
                        "body_html",
                        "quote_exact",
                        "quote_prefix",
                        "quote_suffix",
                        "quote_lost_text",
                        "moderation_note",
                        "pseudonym",
                        "place",
                    )
                },
                "moderation_reason": "a code from the catalogue of reasons",
                "entered_by": LINK_GOES,
                "moderated_by": LINK_GOES,
            },
            CommentEdit: {"body": EMPTIED, "body_html": EMPTIED},
            # The stemmed words alike comments are compared with (comments/similar.py): they
            # follow the comment's text on every save, so they are emptied with it, and a group
            # re-seeds from a remaining member when its first one leaves.
            Likeness: {"terms": DERIVED},
            SimilarGroup: {"terms": DERIVED},
            ParagraphVote: {"user": "exported; withdrawn before the account goes (counts)"},
            CommentSupport: {"user": "exported; withdrawn before the account goes (counts)"},
        },
    )
