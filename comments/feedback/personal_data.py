"""The working group's answers and its records about comments: their links to accounts,
registered with deliberation.accounts.services."""

from deliberation.accounts.services import personal_data_register

from .export_services import table_exports_forget
from .models import Answer, GroupAnswer, Handling, TableExport, TextBlock, Theme

KEPT = "the working group's answer to a comment, kept"
STAFF_LINK = "a staff member's work: the link is set to NULL with the account"


def _erase(user) -> None:
    """Internal notes about the comments of a deleted account go with its texts, and so do the
    Word builds of the answer table that show them (built again on the next request)."""
    Handling.objects.filter(comment__author=user).exclude(note="").update(note="")
    table_exports_forget(user=user)


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
            TableExport: {
                "requested_by": "who asked for a Word build: set to NULL with the account; "
                "the build is pruned within a week",
                "file": "a Word build showing published comments' pseudonyms and texts: "
                "deleted with the account of any author in it, built again on request",
                "fingerprint": "a digest of the table's inputs, no person's data",
                "language": "the build's interface language, no person's data",
                "error": "the worker's error message for a failed build, no person's data",
            },
        },
        eraser=_erase,
    )
