"""The participation process's personal data (follows), registered with
deliberation.accounts.services, and its texts that are not a person's."""

from deliberation.accounts.services import personal_data_register

from .models import Document, Follow, Milestone, Process, PublicSession

OFFICE_TEXT = "the coordinating office's published text, not a person's"


def follows(user) -> list[dict]:
    """The processes `user` follows, for the data download."""
    return [
        {"process": f.process.slug, "email": f.email, "since": f.created_at.isoformat()}
        for f in Follow.objects.filter(user=user).select_related("process").order_by("pk")
    ]


def register() -> None:
    """Register the process's fields (called from its AppConfig.ready)."""
    personal_data_register(
        name="follows",
        exporter=follows,
        fields={Follow: {"user": "exported; deleted with the account (on_delete=CASCADE)"}},
    )
    personal_data_register(
        name="process_texts",
        fields={
            Process: {"description": OFFICE_TEXT, "contact_address": OFFICE_TEXT},
            Milestone: {"description": OFFICE_TEXT},
            PublicSession: {"place_accessibility": OFFICE_TEXT, "description": OFFICE_TEXT},
            Document: {"html": OFFICE_TEXT},
        },
    )
