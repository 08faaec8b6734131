"""The working group's answers: their authors' link to the account, registered with
deliberation.accounts.services."""

from deliberation.accounts.services import personal_data_register

from .models import Answer

KEPT = "the working group's answer to a comment, kept"


def register() -> None:
    """Register the answers' fields (called from FeedbackConfig.ready)."""
    personal_data_register(
        name="feedback",
        fields={
            Answer: {
                "author": "a staff member's work: the link is set to NULL with the account",
                "reply": KEPT,
                "reply_html": KEPT,
            }
        },
    )
