"""The working group's answers and its records about comments: their links to accounts,
registered with deliberation.accounts.services."""

from deliberation.accounts.services import personal_data_register

from .models import Answer, GroupAnswer, Handling, TextBlock, Theme

KEPT = "the working group's answer to a comment, kept"
STAFF_LINK = "a staff member's work: the link is set to NULL with the account"


def _erase_notes(user) -> None:
    """Internal notes about the comments of a deleted account go with its texts."""
    Handling.objects.filter(comment__author=user).exclude(note="").update(note="")


def register() -> None:
    """Register the answers' fields (called from FeedbackConfig.ready)."""
    personal_data_register(
        name="feedback",
        fields={
            Answer: {"author": STAFF_LINK, "reply": KEPT, "reply_html": KEPT},
            GroupAnswer: {"author": STAFF_LINK, "reply": KEPT, "reply_html": KEPT},
            TextBlock: {
                "author": STAFF_LINK,
                "title": "a standard reply of the working group",
                "body": "a standard reply of the working group",
            },
            Theme: {"name": "a theme the working group gives comments, no person's text"},
            Handling: {
                "assignee": STAFF_LINK,
                "updated_by": STAFF_LINK,
                "note": "internal note about a comment: erased with its author's account",
            },
        },
        eraser=_erase_notes,
    )
